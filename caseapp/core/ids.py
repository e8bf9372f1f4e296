"""Random identifiers and tokens."""

import hashlib
import secrets


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_digest(token: str) -> str:
    """What we store instead of a bearer token, so a database leak yields no live sessions."""
    return hashlib.sha256(token.encode()).hexdigest()
