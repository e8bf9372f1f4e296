"""Password hashing (argon2id) and the password policy (length and common-password list)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from caseapp.i18n import _

MIN_LENGTH = 8
MIN_LENGTH_STAFF = 12
MAX_LENGTH = 256

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the account does not exist, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("lotse-timing-equaliser")


def use_fast_hashing() -> None:
    """Cheap argon2id parameters for the test suite only (create_app calls it when TESTING)."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    _DUMMY_HASH = _hasher.hash("lotse-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(_normalise(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, _normalise(password)) and bool(
            stored_hash
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def _normalise(password: str) -> str:
    return unicodedata.normalize("NFC", password)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str, *, staff: bool, context: tuple[str, ...] = ()) -> list[str]:
    """Translated reasons why a password is refused (empty list: acceptable).

    No composition rules: length, a list of common passwords, and not the user's own
    name or e-mail address.
    """
    problems = []
    minimum = MIN_LENGTH_STAFF if staff else MIN_LENGTH
    if len(password) < minimum:
        problems.append(_("Use at least %(n)d characters.", n=minimum))
    if len(password) > MAX_LENGTH:
        problems.append(_("Use at most %(n)d characters.", n=MAX_LENGTH))
    folded = password.casefold()
    if folded in _common_passwords() or len(set(folded)) <= 2:
        problems.append(_("This password is too common. Choose one that is harder to guess."))
    elif any(c and len(c) >= 4 and c.casefold() in folded for c in context):
        problems.append(_("Do not use your name or e-mail address in the password."))
    return problems
