"""The data keys (CASEAPP_DATA_KEYS) and the versioned token that encrypted text is stored as.

A stored value is "enc:v1:<key id>:<Fernet token>". The key id (8 hex digits of the key's
SHA-256) says which key encrypted it, so a value whose key is missing gives an error that names
the key instead of a guess, and `keys rotate` finds the rows not yet under the first key
without decrypting them. The first key encrypts; every listed key decrypts (MultiFernet).
Empty text is stored as empty text: it carries no content, and the column default stays "".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "enc:v1:"
VARIABLE = "CASEAPP_DATA_KEYS"


class DataKeyError(RuntimeError):
    """A stored text cannot be decrypted with the configured keys (one line, no secrets)."""


def split_keys(raw: str) -> tuple[str, ...]:
    """The keys of a CASEAPP_DATA_KEYS value, checked; ValueError names the bad one by position."""
    keys = tuple(part.strip() for part in raw.split(",") if part.strip())
    if not keys:
        raise ValueError(f"{VARIABLE} is empty")
    for position, key in enumerate(keys, start=1):
        try:
            valid = len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
        except (binascii.Error, UnicodeEncodeError, ValueError):
            valid = False
        if not valid:
            raise ValueError(
                f"key {position} of {VARIABLE} is not a Fernet key (32 bytes in URL-safe "
                "base64, as `flask --app wsgi keys generate` prints)"
            )
    if len(set(keys)) != len(keys):
        raise ValueError(f"{VARIABLE} names the same key twice")
    return keys


def derived_key(label: str) -> str:
    """A fixed key for development and tests only (never accepted in production)."""
    return base64.urlsafe_b64encode(hashlib.sha256(label.encode()).digest()).decode("ascii")


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def key_id(key: str) -> str:
    return hashlib.sha256(base64.urlsafe_b64decode(key.encode("ascii"))).hexdigest()[:8]


class Keyring:
    """Encrypts with the first key, decrypts with the key the token names."""

    def __init__(self, keys: tuple[str, ...]):
        self.keys = keys
        self.ids = tuple(key_id(k) for k in keys)
        self.primary_id = self.ids[0]
        self._fernets = {key_id(k): Fernet(k) for k in keys}
        self._multi = MultiFernet([Fernet(k) for k in keys])

    def encrypt(self, text: str) -> str:
        if not text:
            return text
        token = self._multi.encrypt(text.encode("utf-8")).decode("ascii")
        return f"{PREFIX}{self.primary_id}:{token}"

    def decrypt(self, stored: str) -> str:
        if not is_encrypted(stored):
            return stored  # written before encryption; `keys rotate` encrypts it
        kid, _sep, token = stored[len(PREFIX) :].partition(":")
        fernet = self._fernets.get(kid)
        if fernet is None:
            raise DataKeyError(
                f"stored text was encrypted with key {kid}, which is not in {VARIABLE} "
                f"(configured: {', '.join(self._fernets)}); add that key again"
            )
        try:
            return fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise DataKeyError(
                f"stored text under key {kid} does not decrypt: it was altered or damaged"
            ) from None

    def is_current(self, stored: str) -> bool:
        """Empty, or encrypted under the first key: nothing for `keys rotate` to do."""
        return not stored or stored.startswith(f"{PREFIX}{self.primary_id}:")

    def rotate(self, stored: str) -> str:
        """The same text under the first key (plain text from before encryption included)."""
        if self.is_current(stored):
            return stored
        return self.encrypt(self.decrypt(stored))


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


@lru_cache(maxsize=8)
def keyring_for(keys: tuple[str, ...]) -> Keyring:
    return Keyring(keys)


def current_keyring() -> Keyring:
    """The keyring of the running application's configuration (DATA_KEYS)."""
    from flask import current_app

    keys = current_app.config.get("DATA_KEYS")
    if isinstance(keys, str):  # a test or an override may give the raw variable
        keys = split_keys(keys)
    if not keys:
        raise DataKeyError(f"{VARIABLE} is not configured")
    return keyring_for(tuple(keys))
