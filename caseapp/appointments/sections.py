"""What appointments show on a case file: the appointments card and past ones on the timeline."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from caseapp.appointments.models import Appointment
from caseapp.appointments.services import for_person, for_person_clause
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.people.sections import TimelineEvent, register_section, register_timeline


def _appointments(actor, person, limit: int = 20) -> dict:
    """Upcoming first (soonest on top), then the most recent past ones."""
    rows = for_person(person.id, limit=limit)
    now = utcnow()
    upcoming = sorted((a for a in rows if a.ends_at > now), key=lambda a: a.starts_at)
    return {"appointments": upcoming + [a for a in rows if a.ends_at <= now]}


def _begun(actor, case, limit: int) -> list[TimelineEvent]:
    """Appointments that have begun (attended, no-show, cancelled ...); upcoming ones are in
    the appointments card instead."""
    rows = db.session.scalars(
        select(Appointment)
        .where(for_person_clause(case.person_id), Appointment.starts_at <= utcnow())
        .options(lazyload(Appointment.person))  # mostly the case's person
        .order_by(Appointment.starts_at.desc())
        .limit(limit)
    )
    return [TimelineEvent(ap.starts_at, "appointment", ap) for ap in rows]


register_section(
    "appointments", order=10, template="appointments/_case_file.html", load=_appointments
)
register_timeline(
    "appointments", order=30, template="appointments/_timeline_event.html", events=_begun
)
