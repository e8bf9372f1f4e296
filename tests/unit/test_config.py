"""Production refuses to start without a real secret key; mistakes are one clear line."""

import os
import subprocess
import sys
from pathlib import Path

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
    monkeypatch.setenv("CASEAPP_BASE_URL", "https://lotse.stadt.example")  # required there
    monkeypatch.setenv("CASEAPP_DATA_KEYS", "A" * 43 + "=")  # required there
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


def test_a_typo_in_the_environment_name_refuses(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEAPP_ENV", "prod")  # must not silently skip the production checks
    with pytest.raises(ConfigError, match="CASEAPP_ENV must be one of"):
        load_config(str(tmp_path))


def test_a_number_that_is_not_one_names_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEAPP_ENV", "development")
    monkeypatch.setenv("CASEAPP_SMTP_PORT", "twenty-five")
    with pytest.raises(ConfigError, match="CASEAPP_SMTP_PORT must be a whole number"):
        load_config(str(tmp_path))


def test_an_unsupported_database_url_refuses_without_showing_the_password(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEAPP_ENV", "development")
    monkeypatch.setenv("DATABASE_URL", "mysql://lotse:hunter2@db/lotse")
    with pytest.raises(ConfigError, match="DATABASE_URL") as caught:
        load_config(str(tmp_path))
    assert "hunter2" not in str(caught.value)
    assert "mysql://lotse:***@db/lotse" in str(caught.value)


# The entry point as an operator meets it: `flask --app wsgi …` in a shell.
ROOT = Path(__file__).resolve().parents[2]


def _flask(args, cwd, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CASEAPP_", "FLASK_"))}
    clean.update(PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{cwd}/lotse.sqlite3", **env)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_configuration_error_is_one_line_and_exit_status_2(tmp_path):
    result = _flask(["routes"], tmp_path, CASEAPP_ENV="production", CASEAPP_SECRET_KEY="change-me")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Lotse: configuration error: CASEAPP_SECRET_KEY must")
    assert result.stderr.count("\n") == 1  # no traceback
    assert "Traceback" not in result.stderr


def test_flask_commands_read_the_local_env_file(tmp_path):
    """What scripts/start.sh leaves behind makes the README's commands work as they are."""
    (tmp_path / ".env").write_text("CASEAPP_ENV=development\nCASEAPP_SECRET_KEY=" + "a" * 64)
    result = _flask(["routes"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "healthz" in result.stdout


def test_production_refuses_a_weak_secret_from_the_env_file_too(tmp_path):
    (tmp_path / ".env").write_text("CASEAPP_ENV=production\nCASEAPP_SECRET_KEY=dev\n")
    result = _flask(["routes"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("Lotse: configuration error: CASEAPP_SECRET_KEY")
