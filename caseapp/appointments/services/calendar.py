"""Finding appointments: one by id, a person's and their household's, a time range, free
slots, and the lists of the start page."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import g
from sqlalchemy import or_, select
from sqlalchemy.orm import lazyload

from caseapp.appointments import slots
from caseapp.appointments.models import (
    CANCELLED,
    NO_SHOW,
    OCCUPYING,
    Appointment,
    AppointmentChange,
)
from caseapp.appointments.services.common import audit_appointment, hours_of
from caseapp.auth import scope
from caseapp.core.errors import NotFound
from caseapp.extensions import db
from caseapp.offices.models import Office
from caseapp.people.models import HouseholdMember, Person
from caseapp.web.readonly import in_read_only_request


def get_appointment(actor, appointment_id: int, *, audit_read: bool = True) -> Appointment:
    """The appointment if it belongs to one of the actor's offices (admins: any)."""
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None or not scope.can_see(actor, appointment.office_id):
        raise NotFound()
    if audit_read:
        audit_appointment(actor, "view_appointment", appointment)
    return appointment


def history(appointment: Appointment) -> list[AppointmentChange]:
    return list(
        db.session.scalars(
            select(AppointmentChange)
            .where(AppointmentChange.appointment_id == appointment.id)
            .order_by(AppointmentChange.at, AppointmentChange.id)
        )
    )


def person_ids(person_id: int):
    """The person and the records merged into them.

    A merge moves every appointment to the survivor (appointments/merge.py answers the
    person_merged signal), so the merged records add nothing for merges made since; they
    still find the appointments of records merged before merging moved appointments.
    """
    return select(Person.id).where(or_(Person.id == person_id, Person.merged_into_id == person_id))


def for_person_clause(person_id: int):
    """The person's own appointments (merged records included) and their household's.

    The ids are looked up first (two index probes) and the clause holds only values: with the
    lookups as subqueries inside the OR, PostgreSQL read every appointment (19 ms for each of
    the case file's two appointment queries at 20,000 appointments, growing with the table).
    """
    ids, household = _whose(person_id)
    own = Appointment.person_id.in_(ids)
    return own if household is None else or_(own, Appointment.household_id == household)


def _whose(person_id: int) -> tuple[list[int], int | None]:
    """The person's ids (merged records included) and household. A page that only reads
    (the case file asks twice: its appointments card and its timeline) looks them up once."""
    memo = g.setdefault("lotse_appointment_owners", {}) if in_read_only_request() else {}
    if person_id not in memo:
        ids = list(db.session.scalars(person_ids(person_id))) or [person_id]
        household = db.session.scalar(
            select(HouseholdMember.household_id).where(HouseholdMember.person_id == person_id)
        )
        memo[person_id] = (ids, household)
    return memo[person_id]


def for_person(person_id: int, *, limit: int = 200) -> list[Appointment]:
    return list(
        db.session.scalars(
            select(Appointment)
            .where(for_person_clause(person_id))
            .options(lazyload(Appointment.person))  # mostly the caller's person
            .order_by(Appointment.starts_at.desc())
            .limit(limit)
        )
    )


def in_range(
    start: datetime,
    end: datetime,
    *,
    office_id: int | None = None,
    caseworker_id: int | None = None,
    room_id: int | None = None,
    include_cancelled: bool = True,
) -> list[Appointment]:
    stmt = select(Appointment).where(Appointment.starts_at < end, Appointment.ends_at > start)
    if office_id:
        stmt = stmt.where(Appointment.office_id == office_id)
    if caseworker_id:
        stmt = stmt.where(Appointment.caseworker_id == caseworker_id)
    if room_id:
        stmt = stmt.where(Appointment.room_id == room_id)
    if not include_cancelled:
        stmt = stmt.where(Appointment.status.in_(OCCUPYING))
    return list(db.session.scalars(stmt.order_by(Appointment.starts_at, Appointment.id)))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=slots.BERLIN)
    return start, datetime.combine(
        day + timedelta(days=1), datetime.min.time(), tzinfo=slots.BERLIN
    )


def free_slots_for(
    office: Office,
    day: date,
    *,
    duration_minutes: int,
    caseworker_id: int | None,
    room_id: int | None,
    now: datetime,
) -> list[slots.Interval]:
    start, end = day_bounds(day)
    busy = [
        slots.Interval(a.starts_at, a.ends_at)
        for a in in_range(start, end, include_cancelled=False)
        if (caseworker_id and a.caseworker_id == caseworker_id)
        or (room_id and a.room_id == room_id)
    ]
    return slots.free_slots(
        day,
        hours_of(office),
        busy,
        timedelta(minutes=duration_minutes),
        step=timedelta(minutes=30) if duration_minutes > 30 else None,
        not_before=now,
    )


def todays_for(actor, day: date) -> list[Appointment]:
    start, end = day_bounds(day)
    return [
        a
        for a in in_range(start, end, caseworker_id=actor.id)
        if a.office_id in scope.own_office_ids(actor) and a.status != CANCELLED
    ]


def recent_no_shows(actor, now: datetime, days: int = 14, limit: int = 10) -> list[Appointment]:
    stmt = (
        select(Appointment)
        .where(
            Appointment.status == NO_SHOW,
            Appointment.caseworker_id == actor.id,
            Appointment.starts_at >= now - timedelta(days=days),
        )
        .order_by(Appointment.starts_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(scope.own(stmt, Appointment.office_id, actor)))
