"""Signed links for partners without an account: bound to one referral and one action.

Flask-free: the secret comes from the caller. A token carries the referral id, the action
and a random nonce, signed and timestamped by itsdangerous; the timestamp is the
application clock's, so a link expires in tests exactly as it would in a week.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from caseapp.core.clock import utcnow

SALT = "lotse.partners.referral-link"
ACTIONS = ("accept", "decline", "complete")
# How long a link works, in days: the answer to a new referral soon, the outcome later.
MAX_AGE_DAYS = {"accept": 14, "decline": 14, "complete": 120}
# Link action -> the referral status it leads to.
STATUS_OF = {"accept": "accepted", "decline": "declined", "complete": "completed"}


class _ClockSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(utcnow().timestamp())


class LinkRefused(Exception):
    """Why a link does not work: 'invalid', 'expired', 'used', 'mismatch' or 'unknown'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class LinkClaim:
    referral_id: int
    action: str
    nonce: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.nonce.encode()).hexdigest()


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT, signer=_ClockSigner)


def make_token(secret: str, referral_id: int, action: str) -> str:
    if action not in ACTIONS:
        raise ValueError(action)
    nonce = secrets.token_urlsafe(16)
    return _serializer(secret).dumps({"r": referral_id, "a": action, "n": nonce})


def read_token(secret: str, token: str, referral_id: int, action: str) -> LinkClaim:
    """The claim of a genuine, unexpired token for exactly this referral and action."""
    if action not in ACTIONS or not token or len(token) > 400:
        raise LinkRefused("invalid")
    max_age = MAX_AGE_DAYS[action] * 86400
    try:
        data = _serializer(secret).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise LinkRefused("expired") from error
    except BadSignature as error:
        raise LinkRefused("invalid") from error
    if not isinstance(data, dict) or not isinstance(data.get("n"), str):
        raise LinkRefused("invalid")
    if data.get("r") != referral_id or data.get("a") != action:
        raise LinkRefused("mismatch")
    return LinkClaim(referral_id=referral_id, action=action, nonce=data["n"])
