"""Writing audit entries: always in the caller's transaction, so both commit or neither."""

from __future__ import annotations

from caseapp.audit.models import AuditEntry
from caseapp.extensions import db


def record(
    actor,
    action: str,
    record_type: str,
    record_id: int | None,
    *,
    office_id=None,
    purpose: str = "",
    details: dict | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        office_id=office_id,
        action=action,
        record_type=record_type,
        record_id=record_id,
        purpose=purpose,
        details=details or {},
    )
    db.session.add(entry)
    return entry


def diff(before: dict, after: dict) -> dict:
    """Field -> [old, new] for the fields that changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
