"""Writing audit entries: always in the caller's transaction, so both commit or neither."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from sqlalchemy import func, literal_column, select

from caseapp.audit.models import AuditEntry
from caseapp.extensions import db
from caseapp.web import readonly

# record type -> names of records of that type by id. The packages that own the records
# register how theirs are named (the audit package knows none of them).
RecordNamer = Callable[[set[int]], dict[int, str]]
_namers: dict[str, RecordNamer] = {}


def register_record_names(record_type: str, namer: RecordNamer) -> None:
    _namers[record_type] = namer


def record_names(entries: Iterable[AuditEntry]) -> dict[tuple[str, int], str]:
    """(record type, id) -> the record's name, for the entries of one page (one query a type)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.record_id and entry.record_type in _namers:
            wanted[entry.record_type].add(entry.record_id)
    return {
        (record_type, record_id): name
        for record_type, ids in wanted.items()
        for record_id, name in _namers[record_type](ids).items()
    }


def record_types() -> list[str]:
    """The record types the log holds, in order: a loose index scan (one index probe per
    type, a recursive query) instead of DISTINCT, which reads every entry of a long log."""
    rt = AuditEntry.record_type
    first = select(func.min(rt).label("rt")).cte("types", recursive=True)
    step = select(rt).where(rt > first.c.rt).order_by(rt).limit(1).scalar_subquery()
    types = first.union_all(select(step.label("rt")).where(first.c.rt.is_not(None)))
    return list(
        db.session.scalars(
            select(literal_column("rt")).select_from(types).where(types.c.rt.is_not(None))
        )
    )


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
    if not readonly.audit_later(entry):
        db.session.add(entry)
    return entry


def diff(before: dict, after: dict) -> dict:
    """Field -> [old, new] for the fields that changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
