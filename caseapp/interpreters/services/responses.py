"""The interpreter's side: their assignments, accepting and declining; the status a
caseworker sees on the appointment."""

from __future__ import annotations

from sqlalchemy import select, update

from caseapp.appointments.models import SCHEDULED, Appointment
from caseapp.audit import services as audit
from caseapp.core.clock import utcnow
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.interpreters.engine import clash
from caseapp.interpreters.engine.criteria import Booking
from caseapp.interpreters.models import (
    ACCEPTED,
    DECLINED,
    HOLDING,
    OFFERED,
    Interpreter,
    InterpreterAssignment,
)
from caseapp.interpreters.services.profiles import get_settings


class NoLongerOpen(ValidationFailed):
    """The offer was withdrawn, answered already, or the time is taken meanwhile."""


def own_assignments(interpreter: Interpreter) -> list[InterpreterAssignment]:
    """Offers and acceptances of this interpreter (upcoming first), for their own page."""
    return list(
        db.session.scalars(
            select(InterpreterAssignment)
            .where(
                InterpreterAssignment.interpreter_id == interpreter.id,
                InterpreterAssignment.status.in_((OFFERED, ACCEPTED, DECLINED)),
                InterpreterAssignment.ends_at >= utcnow(),
            )
            .order_by(InterpreterAssignment.starts_at, InterpreterAssignment.id)
        )
    )


def own_assignment(interpreter: Interpreter, assignment_id: int) -> InterpreterAssignment:
    assignment = db.session.get(InterpreterAssignment, assignment_id)
    if assignment is None or assignment.interpreter_id != interpreter.id:
        raise NotFound()
    return assignment


def by_token(token: str) -> InterpreterAssignment:
    assignment = (
        db.session.scalar(select(InterpreterAssignment).where(InterpreterAssignment.token == token))
        if token
        else None
    )
    if assignment is None:
        raise NotFound()
    return assignment


def accept(actor, assignment: InterpreterAssignment) -> InterpreterAssignment:
    """Accept an offer, unless it is no longer open or the interpreter has accepted another
    appointment at a clashing time. Safe against a concurrent acceptance: the interpreter's
    row is locked first (PostgreSQL; SQLite's write transactions are serial anyway) and the
    status changes only from "offered" (a conditional update)."""
    db.session.execute(
        select(Interpreter.id).where(Interpreter.id == assignment.interpreter_id).with_for_update()
    )
    travel = get_settings().travel_minutes
    mine = assignment.appointment
    slack = _minutes(travel)
    # Appointments' current times count on both sides (either may have moved since).
    taken = db.session.execute(
        select(InterpreterAssignment, Appointment)
        .join(Appointment, Appointment.id == InterpreterAssignment.appointment_id)
        .where(
            InterpreterAssignment.interpreter_id == assignment.interpreter_id,
            InterpreterAssignment.status == ACCEPTED,
            InterpreterAssignment.id != assignment.id,
            Appointment.status == SCHEDULED,
            Appointment.starts_at < mine.ends_at + slack,
            Appointment.ends_at > mine.starts_at - slack,
        )
    ).all()
    here = Booking(mine.starts_at, mine.ends_at, mine.office_id, assignment.mode)
    if any(
        clash(here, Booking(a.starts_at, a.ends_at, a.office_id, other.mode), travel)
        for other, a in taken
    ):
        raise NoLongerOpen({"": _("You have already accepted another appointment at this time.")})
    done = db.session.execute(
        update(InterpreterAssignment)
        .where(
            InterpreterAssignment.id == assignment.id,
            InterpreterAssignment.status == OFFERED,
        )
        .values(
            status=ACCEPTED,
            decided_at=utcnow(),
            version=InterpreterAssignment.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise NoLongerOpen({"": _("This offer is no longer open.")})
    db.session.expire(assignment)
    audit.record(
        actor,
        "accept_interpreting",
        "interpreter_assignment",
        assignment.id,
        office_id=assignment.office_id,
    )
    return assignment


def decline(actor, assignment: InterpreterAssignment) -> InterpreterAssignment:
    """Decline an offer (or an accepted assignment): the appointment is free for the next round."""
    done = db.session.execute(
        update(InterpreterAssignment)
        .where(
            InterpreterAssignment.id == assignment.id,
            InterpreterAssignment.status.in_((OFFERED, ACCEPTED)),
        )
        .values(
            status=DECLINED,
            holding_appointment_id=None,
            decided_at=utcnow(),
            version=InterpreterAssignment.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise NoLongerOpen({"": _("This offer is no longer open.")})
    db.session.expire(assignment)
    audit.record(
        actor,
        "decline_interpreting",
        "interpreter_assignment",
        assignment.id,
        office_id=assignment.office_id,
    )
    return assignment


def status_for_appointment(appointment_id: int) -> InterpreterAssignment | None:
    """The assignment holding the appointment, else the latest one (declined, withdrawn)."""
    holding = db.session.scalar(
        select(InterpreterAssignment).where(
            InterpreterAssignment.holding_appointment_id == appointment_id
        )
    )
    if holding is not None:
        return holding
    return db.session.scalar(
        select(InterpreterAssignment)
        .where(InterpreterAssignment.appointment_id == appointment_id)
        .order_by(InterpreterAssignment.id.desc())
        .limit(1)
    )


def _minutes(n: int):
    from datetime import timedelta

    return timedelta(minutes=n)


__all__ = ["HOLDING", "NoLongerOpen"]
