"""Deadlines on persons: enter, mark handled, the office list, counts and the portal's view.

Services take the acting user and flush only; reads of one person's deadlines go through
`people.services.get_person` (office scope and the audited read) in the views.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import lazyload, selectinload

from caseapp.audit import services as audit
from caseapp.auth import scope
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.deadlines import rules
from caseapp.deadlines.models import HANDLED, MISSED, OPEN, Deadline, DeadlineKind
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people.models import Case, Person

# The start page counts open deadlines due within this many weeks.
UPCOMING_WEEKS = 8


@dataclass(frozen=True)
class EnteredDeadline:
    kind_id: int
    due_on: date | None
    note: str = ""


def enter_deadline(actor, person: Person, data: EnteredDeadline, today: date) -> Deadline:
    """A deadline the caseworker enters (kinds whose date Lotse cannot derive)."""
    kind = db.session.get(DeadlineKind, data.kind_id or 0)
    errors: dict[str, str] = {}
    if kind is None or not kind.active or kind.rule != rules.ENTERED:
        errors["kind"] = _("Choose a kind of deadline that is entered by hand.")
    if data.due_on is None:
        errors["due_on"] = _("Enter the date of the deadline.")
    elif data.due_on < today:
        errors["due_on"] = _("The deadline cannot be in the past.")
    if errors:
        raise ValidationFailed(errors)
    deadline = Deadline(
        person_id=person.id,
        office_id=person.office_id,
        kind_id=kind.id,
        due_on=data.due_on,
        note=(data.note or "").strip(),
        status=OPEN,
        entered_by_id=getattr(actor, "id", None),
    )
    db.session.add(deadline)
    db.session.flush()
    audit.record(
        actor,
        "create",
        "deadline",
        deadline.id,
        office_id=person.office_id,
        details={"kind": [None, kind.code], "due_on": [None, str(data.due_on)]},
    )
    return deadline


def get_deadline(actor, deadline_id: int) -> Deadline:
    """The deadline if the actor may see its person's office (NotFound otherwise)."""
    deadline = db.session.get(Deadline, deadline_id)
    if deadline is None or deadline.person.merged_into_id is not None:
        raise NotFound()
    scope.require_visible(actor, deadline.office_id)
    return deadline


def mark_handled(actor, deadline: Deadline, today: date) -> Deadline:
    """The caseworker has taken care of it; a missed deadline handled late stays counted late."""
    if deadline.status == HANDLED:
        return deadline
    before = deadline.status
    deadline.status = HANDLED
    deadline.handled_on = today
    deadline.handled_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        actor,
        "update",
        "deadline",
        deadline.id,
        office_id=deadline.office_id,
        details={"status": [before, HANDLED]},
    )
    return deadline


def of_person(person_id: int, *, limit: int = 50) -> list[Deadline]:
    """A person's deadlines: open ones by date, then the latest handled or missed."""
    rows = db.session.scalars(
        select(Deadline)
        .where(Deadline.person_id == person_id)
        .options(lazyload(Deadline.person))  # the caller has the person
        .order_by((Deadline.status == OPEN).desc(), Deadline.due_on)
        .limit(limit)
    ).all()
    return list(rows)


def for_portal(person: Person, today: date) -> list[Deadline]:
    """What the newcomer sees: open deadlines whose first warning time has come."""
    rows = db.session.scalars(
        select(Deadline)
        .join(DeadlineKind, DeadlineKind.id == Deadline.kind_id)
        .where(
            Deadline.person_id == person.id,
            Deadline.status == OPEN,
            Deadline.due_on >= today,
            DeadlineKind.active.is_(True),
        )
        .order_by(Deadline.due_on)
    ).all()
    shown = []
    for d in rows:
        first = max(d.kind.warn_weeks or [0])
        if today >= rules.warning_date(d.due_on, first):
            shown.append(d)
    return shown


# --- the office list ------------------------------------------------------------------


@dataclass(frozen=True)
class ListFilter:
    kind_id: int | None = None
    week: tuple[date, date] | None = None
    within_weeks: int | None = None
    caseworker_id: int | None = None
    status: str = OPEN


def list_query(actor, f: ListFilter, today: date) -> Select:
    """Deadlines of the offices the actor may see, filtered; the caller sorts and pages."""
    stmt = (
        select(Deadline)
        .join(Person, Person.id == Deadline.person_id)
        .join(Case, Case.person_id == Person.id, isouter=True)
        .where(Person.merged_into_id.is_(None))
        # the list shows each person's caseworker: one query per page, not one per row
        .options(selectinload(Deadline.person).selectinload(Person.case))
    )
    stmt = scope.scoped(stmt, Deadline.office_id, actor)
    if f.status in (OPEN, HANDLED, MISSED):
        stmt = stmt.where(Deadline.status == f.status)
    if f.status == OPEN and f.week is None:
        stmt = stmt.where(Deadline.due_on >= today)
    if f.kind_id:
        stmt = stmt.where(Deadline.kind_id == f.kind_id)
    if f.week:
        stmt = stmt.where(Deadline.due_on.between(*f.week))
    if f.within_weeks:
        stmt = stmt.where(Deadline.due_on <= today + timedelta(weeks=f.within_weeks))
    if f.caseworker_id:
        stmt = stmt.where(Case.caseworker_id == f.caseworker_id)
    return stmt


def upcoming_count(actor, today: date, weeks: int = UPCOMING_WEEKS, own_only: bool = True) -> int:
    """Open deadlines due within `weeks` in the actor's own offices (or all they may see)."""
    stmt = (
        select(func.count(Deadline.id))
        .join(Person, Person.id == Deadline.person_id)
        .where(
            Deadline.status == OPEN,
            Deadline.due_on >= today,
            Deadline.due_on <= today + timedelta(weeks=weeks),
            Person.merged_into_id.is_(None),
        )
    )
    if own_only:
        stmt = scope.own(stmt, Deadline.office_id, actor)
    else:
        stmt = scope.scoped(stmt, Deadline.office_id, actor)
    return db.session.scalar(stmt) or 0


def met_and_missed(actor, start: date, end: date) -> dict[str, int]:
    """Deadlines falling between `start` and `end` (inclusive): handled in time ("met") and
    missed or handled late ("missed"), in the actor's scope (reports)."""
    base = scope.scoped(
        select(func.count(Deadline.id)).where(Deadline.due_on.between(start, end)),
        Deadline.office_id,
        actor,
    )
    met = db.session.scalar(
        base.where(Deadline.status == HANDLED, Deadline.handled_on <= Deadline.due_on)
    )
    late = db.session.scalar(
        base.where(Deadline.status == HANDLED, Deadline.handled_on > Deadline.due_on)
    )
    missed = db.session.scalar(base.where(Deadline.status == MISSED))
    return {"met": met or 0, "missed": (missed or 0) + (late or 0)}
