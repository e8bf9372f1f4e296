"""The same limits on every database: no value longer than its column, no NUL character.

SQLite stores a 312-character e-mail in a 254-character column and NUL bytes in names;
PostgreSQL refuses both with an error page. Before every flush, each new or changed row is
checked against its model's column lengths, and a violation becomes a `ValidationFailed`
keyed by the attribute name, which the form flow shows next to the field (or at the top of
the form) and the import reports with its row. A form's own validation normally catches
these first; this is the net under every path (forms, imports, CLI, API).
"""

from __future__ import annotations

from sqlalchemy import JSON, String, event, inspect
from sqlalchemy.orm import Session

from caseapp.core.errors import ValidationFailed
from caseapp.i18n import _


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def problems(obj) -> dict[str, str]:
    """Reasons per attribute why `obj` cannot be stored as it is."""
    found: dict[str, str] = {}
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        column = attr.columns[0]
        if not isinstance(column.type, String | JSON):
            continue
        value = state.dict.get(attr.key)
        if value is None:
            continue
        if _has_nul(value):
            found[attr.key] = _("Remove the invisible control characters from this field.")
        elif isinstance(value, str) and column.type.length and len(value) > column.type.length:
            found[attr.key] = _("Use at most %(n)d characters.", n=column.type.length)
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
