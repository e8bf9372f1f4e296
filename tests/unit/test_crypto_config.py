"""CASEAPP_DATA_KEYS: required in production, checked key by key, one line when wrong."""

import pytest

from caseapp.config import ConfigError, load_config
from caseapp.crypto.keys import Keyring, generate_key, key_id


def _production(monkeypatch, **extra):
    monkeypatch.setenv("CASEAPP_ENV", "production")
    monkeypatch.setenv("CASEAPP_SECRET_KEY", "x" * 64 + "a1B2c3")
    monkeypatch.setenv("CASEAPP_BASE_URL", "https://lotse.stadt.example")
    monkeypatch.delenv("CASEAPP_DATA_KEYS", raising=False)
    for key, value in extra.items():
        monkeypatch.setenv(key, value)


def test_production_requires_data_keys(monkeypatch, tmp_path):
    _production(monkeypatch)
    with pytest.raises(ConfigError, match=r"^CASEAPP_DATA_KEYS must be set in production") as e:
        load_config(str(tmp_path))
    assert "\n" not in str(e.value)


def test_a_bad_key_is_named_by_position_without_showing_it(monkeypatch, tmp_path):
    good = generate_key()
    _production(monkeypatch, CASEAPP_DATA_KEYS=f"{good}, not-a-key-hunter2")
    with pytest.raises(ConfigError, match="key 2 of CASEAPP_DATA_KEYS is not a Fernet key") as e:
        load_config(str(tmp_path))
    assert "hunter2" not in str(e.value) and good not in str(e.value)


def test_production_uses_exactly_the_configured_keys(monkeypatch, tmp_path):
    new, old = generate_key(), generate_key()
    _production(monkeypatch, CASEAPP_DATA_KEYS=f"{new},{old}")
    assert load_config(str(tmp_path))["DATA_KEYS"] == (new, old)


def test_development_without_keys_still_reads_what_it_wrote(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEAPP_ENV", "development")
    monkeypatch.delenv("CASEAPP_DATA_KEYS", raising=False)
    derived = load_config(str(tmp_path))["DATA_KEYS"]
    assert len(derived) == 1 and derived == load_config(str(tmp_path))["DATA_KEYS"]
    own = generate_key()
    monkeypatch.setenv("CASEAPP_DATA_KEYS", own)
    assert load_config(str(tmp_path))["DATA_KEYS"] == (own, derived[0])  # old one decrypts


def test_first_key_encrypts_every_key_decrypts():
    a, b = generate_key(), generate_key()
    stored = Keyring((a,)).encrypt("Notiz – ملاحظة")
    both = Keyring((b, a))
    assert both.decrypt(stored) == "Notiz – ملاحظة"
    rotated = both.rotate(stored)
    assert rotated.startswith(f"enc:v1:{key_id(b)}:") and both.is_current(rotated)
    assert Keyring((b,)).decrypt(rotated) == "Notiz – ملاحظة"
    assert Keyring((a,)).encrypt("") == ""
