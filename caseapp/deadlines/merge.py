"""The deadlines' part of a merge: the removed record's deadlines move to the survivor.

Open derived deadlines are dropped (the next scan derives the survivor's own from the merged
dates); entered, handled and missed ones move, unless the survivor has the same derived one.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from caseapp.core.signals import merge_handler
from caseapp.deadlines.models import OPEN, Deadline, DeadlineWarning
from caseapp.extensions import db


@merge_handler("deadlines.person_id")
def merge_deadlines(survivor, *, removed, actor=None, **_kw) -> dict[str, int]:
    rows = db.session.scalars(select(Deadline).where(Deadline.person_id == removed.id)).all()
    if not rows:
        return {}
    taken = set(
        db.session.scalars(
            select(Deadline.derived_key).where(
                Deadline.person_id == survivor.id, Deadline.derived_key.is_not(None)
            )
        )
    )
    dropped, moved = [], 0
    for row in rows:
        if row.derived_key is not None:
            key = f"{survivor.id}:{row.kind_id}:{row.due_on.isoformat()}"
            if row.status == OPEN or key in taken:
                dropped.append(row.id)
                continue
            row.derived_key = key
            taken.add(key)
        row.person_id = survivor.id
        row.office_id = survivor.office_id
        moved += 1
    if dropped:
        db.session.execute(delete(DeadlineWarning).where(DeadlineWarning.deadline_id.in_(dropped)))
        db.session.execute(delete(Deadline).where(Deadline.id.in_(dropped)))
    db.session.flush()
    return {"deadlines": moved, "deadlines_dropped": len(dropped)}
