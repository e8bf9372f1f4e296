"""Production refuses to start without a real secret key."""

import pytest

from caseapp.config import ConfigError, load_config


def test_production_without_secret_refuses(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEAPP_ENV", "production")
    monkeypatch.delenv("CASEAPP_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        load_config(str(tmp_path))


@pytest.mark.parametrize("secret", ["dev", "change-me", "short-secret"])
def test_production_with_weak_secret_refuses(monkeypatch, tmp_path, secret):
    monkeypatch.setenv("CASEAPP_ENV", "production")
    monkeypatch.setenv("CASEAPP_SECRET_KEY", secret)
    with pytest.raises(ConfigError):
        load_config(str(tmp_path))


def test_production_with_real_secret_has_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEAPP_ENV", "production")
    monkeypatch.setenv("CASEAPP_SECRET_KEY", "x" * 20 + "0123456789abcdef")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = load_config(str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


def test_postgres_urls_use_psycopg3(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEAPP_ENV", "development")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert load_config(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
