"""Configuration read from the environment (CASEAPP_*, DATABASE_URL).

Every mistake an operator can make here raises ConfigError with one sentence that names the
variable; the entry point (wsgi.py) prints it as one line instead of a traceback.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

# Values that must never be accepted as a production secret.
KNOWN_WEAK_SECRETS = {"", "dev", "change-me", "secret", "development", "testing"}
MIN_SECRET_LENGTH = 32
ENVIRONMENTS = ("production", "development", "testing")
DATABASE_SCHEMES = ("sqlite", "postgresql")


class ConfigError(RuntimeError):
    """Raised when the configuration is unsafe or incomplete."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def _environment() -> str:
    env = os.environ.get("CASEAPP_ENV", "production").strip().lower()
    if env not in ENVIRONMENTS:
        # A typo must not quietly turn off the production checks.
        raise ConfigError(f"CASEAPP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    return env


def _database_url(instance_path: str) -> str:
    default_db = "sqlite:///" + str(Path(instance_path) / "lotse.sqlite3")
    database_url = os.environ.get("DATABASE_URL") or default_db
    # Heroku-style URLs name the old dialect; psycopg 3 is what we ship.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    scheme = database_url.partition(":")[0].partition("+")[0]
    if "://" not in database_url or scheme not in DATABASE_SCHEMES:
        raise ConfigError(
            "DATABASE_URL must be a sqlite:///path or postgresql://user:pass@host/db URL, "
            f"not {_without_password(database_url)!r}"
        )
    return database_url


def _without_password(url: str) -> str:
    """The URL as it may appear in an error message: a password is replaced by ***."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.partition(':')[0]}:***@{host}"


def _base_url(env: str) -> str:
    """Where Lotse is reached: every absolute link (e-mails, PDFs, SMS) is built from it."""
    raw = os.environ.get("CASEAPP_BASE_URL", "").strip()
    if not raw:
        if env == "production":
            return ""  # refused after the secret check (_check_production)
        raw = f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
    parsed = urlsplit(raw)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigError(f"CASEAPP_BASE_URL must be an http(s) URL, not {raw!r}")
    return raw.rstrip("/")


def _trusted_hosts(env: str, base_url: str) -> list[str]:
    """Host names requests may carry; anything else is refused (Flask's TRUSTED_HOSTS)."""
    hosts = [urlsplit(base_url).hostname or ""]
    if env != "production":
        hosts += ["localhost", "127.0.0.1", "::1"]
    extra = os.environ.get("CASEAPP_TRUSTED_HOSTS", "")
    hosts += [h.strip() for h in extra.split(",") if h.strip()]
    return list(dict.fromkeys(h for h in hosts if h))


def _data_keys(env: str) -> tuple[str, ...]:
    """Keys for the encrypted free text (caseapp/crypto): the first encrypts, all decrypt."""
    from caseapp.crypto.keys import derived_key, split_keys

    raw = os.environ.get("CASEAPP_DATA_KEYS", "").strip()
    if env == "production":
        keys = ()  # none: refused after the secret check (_check_production)
    else:
        # Not secret: a trial or a test run without .env, and what a trial wrote before
        # scripts/start.sh gave it a key of its own, stay readable (the last key decrypts only).
        keys = (derived_key(f"lotse {env} data key, not for production"),)
    if raw:
        try:
            configured = split_keys(raw)
        except ValueError as error:
            raise ConfigError(str(error)) from None
        keys = configured + tuple(k for k in keys if k not in configured)
    return keys


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the Flask config dict from the environment, then apply test overrides."""
    env = _environment()
    database_url = _database_url(instance_path)

    production = env == "production"
    base_url = _base_url(env)
    secure_cookies = _bool(os.environ.get("CASEAPP_SECURE_COOKIES"), production)
    config = {
        "CASEAPP_ENV": env,
        "SECRET_KEY": os.environ.get("CASEAPP_SECRET_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Over HTTPS the cookie gets the __Host- prefix: browsers then refuse it unless it is
        # Secure, for the whole site (Path=/) and not set for other (sub)domains.
        "SESSION_COOKIE_NAME": "__Host-lotse_session" if secure_cookies else "lotse_session",
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "HSTS_INCLUDE_SUBDOMAINS": _bool(os.environ.get("CASEAPP_HSTS_INCLUDE_SUBDOMAINS"), True),
        "TRUSTED_HOSTS": _trusted_hosts(env, base_url),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_int("CASEAPP_SESSION_ABSOLUTE_HOURS", 10)),
        "SESSION_IDLE_MINUTES": _int("CASEAPP_SESSION_IDLE_MINUTES", 30),
        "SESSION_ABSOLUTE_HOURS": _int("CASEAPP_SESSION_ABSOLUTE_HOURS", 10),
        # The throttle (web/throttle.py, docs/security.md): free failures per account from one
        # address, per address in the window, per account in a day; the window is also the
        # longest wait.
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": _int("CASEAPP_LOGIN_MAX_FAILURES_PER_ACCOUNT", 5),
        "LOGIN_MAX_FAILURES_PER_IP": _int("CASEAPP_LOGIN_MAX_FAILURES_PER_IP", 100),
        "LOGIN_MAX_FAILURES_PER_ACCOUNT_PER_DAY": _int(
            "CASEAPP_LOGIN_MAX_FAILURES_PER_ACCOUNT_PER_DAY", 50
        ),
        "LOGIN_THROTTLE_WINDOW_MINUTES": _int("CASEAPP_LOGIN_THROTTLE_WINDOW_MINUTES", 15),
        "PROXY_COUNT": _int("CASEAPP_PROXY_COUNT", 0),
        "BABEL_DEFAULT_LOCALE": "de",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
        "BABEL_TRANSLATION_DIRECTORIES": str(
            Path(__file__).resolve().parent.parent / "translations"
        ),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "WTF_I18N_ENABLED": True,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "ITEMS_PER_PAGE": _int("CASEAPP_ITEMS_PER_PAGE", 25),
        "REPORT_MIN_CELL": _int("CASEAPP_REPORT_MIN_CELL", 5),
        # Outgoing mail (the outbox) and links in e-mails sent from CLI jobs.
        "SMTP_HOST": os.environ.get("CASEAPP_SMTP_HOST", "localhost"),
        "SMTP_PORT": _int("CASEAPP_SMTP_PORT", 25),
        "SMTP_USER": os.environ.get("CASEAPP_SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("CASEAPP_SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(os.environ.get("CASEAPP_SMTP_STARTTLS"), False),
        "SMTP_SSL": _bool(os.environ.get("CASEAPP_SMTP_SSL"), False),
        "MAIL_FROM": os.environ.get("CASEAPP_MAIL_FROM", "Lotse <lotse@localhost>"),
        "OUTBOX_MAX_ATTEMPTS": _int("CASEAPP_OUTBOX_MAX_ATTEMPTS", 5),
        # A running job without a heartbeat for this long is failed (its worker died) and may
        # be started again; a queued job nobody took for this long may be handed over again.
        "JOBS_STALE_SECONDS": _int("CASEAPP_JOBS_STALE_SECONDS", 120),
        # A spreadsheet import of more data rows than this runs as a background job.
        "IMPORT_INLINE_ROWS": _int("CASEAPP_IMPORT_INLINE_ROWS", 2000),
        # Files a job kept (an import's upload after a failed run, a prepared report) are
        # deleted this many days after the job ended.
        "JOB_FILES_DAYS": _int("CASEAPP_JOB_FILES_DAYS", 7),
        "BASE_URL": base_url,
        "DATA_KEYS": _data_keys(env),
        "VOLUNTEER_SIGNUPS_PER_IP_PER_HOUR": _int("CASEAPP_VOLUNTEER_SIGNUPS_PER_IP_PER_HOUR", 5),
        "CERTIFICATE_CHECKS_PER_IP_PER_HOUR": _int(
            "CASEAPP_CERTIFICATE_CHECKS_PER_IP_PER_HOUR", 30
        ),
        # Appointments: reminder lead times in hours, SMS gateway, newcomer portal access codes.
        "REMINDER_LEAD_HOURS": os.environ.get("CASEAPP_REMINDER_LEAD_HOURS", "48,2"),
        "SMS_GATEWAY": os.environ.get("CASEAPP_SMS_GATEWAY", "log"),
        "SMS_EMAIL_DOMAIN": os.environ.get("CASEAPP_SMS_EMAIL_DOMAIN", ""),
        "PORTAL_CODE_VALID_DAYS": _int("CASEAPP_PORTAL_CODE_VALID_DAYS", 90),
        "PORTAL_MAX_FAILURES_PER_CASE": _int("CASEAPP_PORTAL_MAX_FAILURES_PER_CASE", 5),
        "PORTAL_MAX_FAILURES_PER_IP": _int("CASEAPP_PORTAL_MAX_FAILURES_PER_IP", 100),
        "PORTAL_MAX_FAILURES_PER_CASE_PER_DAY": _int(
            "CASEAPP_PORTAL_MAX_FAILURES_PER_CASE_PER_DAY", 50
        ),
        "TESTING": env == "testing",
    }
    if overrides:
        config.update(overrides)
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite serialises writers; the busy timeout makes them wait instead of failing.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 15}}
    _check_secret(config)
    _check_production(config)
    return config


def _check_production(config: dict) -> None:
    if config["CASEAPP_ENV"] == "production" and not config.get("BASE_URL"):
        raise ConfigError(
            "CASEAPP_BASE_URL must be set in production (for example "
            "https://lotse.stadt.example): links in e-mails and PDFs are built from it, "
            "never from the request's Host header"
        )
    if config["CASEAPP_ENV"] == "production" and not config.get("DATA_KEYS"):
        raise ConfigError(
            "CASEAPP_DATA_KEYS must be set in production: notes and referral messages are "
            "stored encrypted with it (a new key: python -c 'from cryptography.fernet import "
            "Fernet; print(Fernet.generate_key().decode())'; docs/security.md, "
            "Encryption at rest)"
        )


def _check_secret(config: dict) -> None:
    secret = config.get("SECRET_KEY") or ""
    if config["CASEAPP_ENV"] == "production":
        if secret in KNOWN_WEAK_SECRETS or len(secret) < MIN_SECRET_LENGTH:
            raise ConfigError(
                "CASEAPP_SECRET_KEY must be set to a random value of at least "
                f"{MIN_SECRET_LENGTH} characters in production "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))'). "
                "For a local trial run scripts/start.sh once: it writes .env with "
                "CASEAPP_ENV=development and a key."
            )
    elif not secret:
        # Development and tests get a per-process key: sessions end on restart, nothing leaks.
        config["SECRET_KEY"] = os.urandom(32).hex()
