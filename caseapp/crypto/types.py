"""EncryptedText: a text column stored encrypted, read and written as plain text.

The database holds only the versioned token (keys.py), so nothing may filter, sort or search
on such a column (equal texts give different tokens). The optional length is the limit of the
plain text, checked before each flush like db_limits does for ordinary columns (the token is
about 1.4 times longer than the text plus 100 characters, so the column itself is unbounded).
"""

from __future__ import annotations

import json

from sqlalchemy import Text, TypeDecorator, event, inspect
from sqlalchemy.orm import Session

from caseapp.core.errors import ValidationFailed
from caseapp.crypto.keys import current_keyring


class EncryptedText(TypeDecorator):
    impl = Text
    cache_ok = True

    def __init__(self, length: int | None = None):
        super().__init__()
        self.plain_length = length

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return current_keyring().encrypt(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return current_keyring().decrypt(value)

    def __repr__(self) -> str:
        return "EncryptedText()"


class EncryptedJSON(EncryptedText):
    """A JSON value (a dict or list) stored encrypted: the referral's shared snapshot holds
    copies of consultation notes and must not be readable where the notes are not.

    A value stored before encryption (plain JSON text) is read as it is; `keys rotate` and the
    migration encrypt it.
    """

    cache_ok = True

    def __init__(self):
        super().__init__()

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return current_keyring().encrypt(text)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        text = current_keyring().decrypt(value)
        return json.loads(text) if text else None

    def __repr__(self) -> str:
        return "EncryptedJSON()"


def problems(obj) -> dict[str, str]:
    """db_limits' checks for the encrypted columns of `obj`, on the plain text."""
    from caseapp.i18n import _

    found: dict[str, str] = {}
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        column_type = attr.columns[0].type
        if not isinstance(column_type, EncryptedText):
            continue
        value = state.dict.get(attr.key)
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            found[attr.key] = _("Remove the invisible control characters from this field.")
        elif column_type.plain_length and len(value) > column_type.plain_length:
            found[attr.key] = _("Use at most %(n)d characters.", n=column_type.plain_length)
    return found


def _before_flush(session: Session, _context, _instances) -> None:
    errors: dict[str, str] = {}
    for obj in (*session.new, *session.dirty):
        for key, reason in problems(obj).items():
            errors.setdefault(key, reason)
    if errors:
        raise ValidationFailed(errors)


def install() -> None:
    """Listen on every ORM session (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
