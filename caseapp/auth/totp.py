"""Pure second-factor arithmetic: TOTP codes at a given time, recovery codes and their digests.

No Flask, no database: the time is always passed in (the application clock), never read here.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp

STEP_SECONDS = 30
DIGITS = 6
# A code of the step before or after the current one is accepted too (a phone's clock drifts).
DRIFT_STEPS = 1
RECOVERY_CODES = 10
# 31 letters and digits without 0/O, 1/I/L; 12 of them are about 59 random bits per code.
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECOVERY_LENGTH = 12
ISSUER = "Lotse"


def new_secret() -> str:
    """A fresh base32 secret (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str, issuer: str = ISSUER) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def clean_code(code: str | None) -> str:
    """Digits only: people type '123 456' or '123-456'."""
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-")


def code_at(secret: str, when: datetime) -> str:
    """The code an authenticator shows at `when` (used by tests and the demo)."""
    return pyotp.TOTP(secret).at(when)


def time_step(when: datetime) -> int:
    return int(when.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str | None, now: datetime) -> int | None:
    """The time step whose code this is (current one first, then ±1), or None."""
    code = clean_code(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for offset in (0, *range(-DRIFT_STEPS, 0), *range(1, DRIFT_STEPS + 1)):
        if hmac.compare_digest(totp.generate_otp(current + offset), code):
            return current + offset
    return None


def new_recovery_codes(n: int = RECOVERY_CODES) -> list[str]:
    """`n` fresh codes, shown as XXXX-XXXX-XXXX."""
    codes = []
    for _ in range(n):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)))
    return codes


def normalise_recovery_code(code: str | None) -> str:
    return clean_code(code).upper()


def recovery_digest(code: str, salt: str) -> str:
    """sha256 over a per-code salt and the code as typed (normalised)."""
    return hashlib.sha256(f"{salt}:{normalise_recovery_code(code)}".encode()).hexdigest()


def new_salt() -> str:
    return secrets.token_hex(16)


def recovery_matches(code: str, salt: str, digest: str) -> bool:
    return hmac.compare_digest(recovery_digest(code, salt), digest)
