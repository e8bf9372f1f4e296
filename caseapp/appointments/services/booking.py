"""Booking, moving, cancelling and closing appointments.

Double bookings are refused inside the transaction that writes the appointment: on SQLite
every transaction is BEGIN IMMEDIATE (writers are serialised), on PostgreSQL the caseworker's
and the room's rows are locked with SELECT ... FOR UPDATE before the overlap check, so two
concurrent bookings of one slot cannot both pass the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from caseapp.appointments import slots
from caseapp.appointments.documents import DOCUMENTS, known_codes
from caseapp.appointments.models import (
    ATTENDED,
    CANCELLED,
    CANCELLED_BY_NEWCOMER,
    NO_SHOW,
    OCCUPYING,
    SCHEDULED,
    Appointment,
    Room,
)
from caseapp.appointments.services.calendar import for_person_clause
from caseapp.appointments.services.common import (
    MAX_TEXT,
    add_history,
    audit_appointment,
    hours_of,
)
from caseapp.appointments.services.reschedule_requests import close_open_request
from caseapp.auth import scope
from caseapp.auth.models import OfficeMembership, User
from caseapp.core.errors import DomainError, StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.offices.models import Office
from caseapp.people.models import Person
from caseapp.people.vocab import NEED_AREAS

ATTENDANCE = (ATTENDED, NO_SHOW, CANCELLED_BY_NEWCOMER)


def _time_messages() -> dict[str, str]:
    return {
        "in_past": _("The appointment cannot start in the past."),
        "outside_hours": _(
            "The office is closed at that time. Choose a time within the opening hours."
        ),
        "end_before_start": _("The end must be after the start."),
        "too_long": _("An appointment can last at most 8 hours."),
    }


@dataclass
class BookingData:
    office_id: int
    room_id: int | None
    caseworker_id: int | None
    starts_at: datetime
    duration_minutes: int
    need_area: str = ""
    purpose: str = ""
    interpreter_language: str = ""
    notes_for_newcomer: str = ""
    # Codes of caseapp/appointments/documents.py (what to bring, in the reader's language).
    documents_to_bring: list[str] = dataclass_field(default_factory=list)
    for_household: bool = False  # the whole household of the person is invited


class PersonBusy(DomainError):
    """The newcomer already has an appointment at that time (at any office); confirm to book."""

    def __init__(self, others: list[Appointment]):
        super().__init__("")
        self.others = others


def _lock_resources(caseworker_id: int | None, room_id: int | None) -> None:
    """Serialise bookings per caseworker and room (PostgreSQL; SQLite is serialised already)."""
    if caseworker_id:
        db.session.execute(select(User.id).where(User.id == caseworker_id).with_for_update())
    if room_id:
        db.session.execute(select(Room.id).where(Room.id == room_id).with_for_update())


def clashes(
    start: datetime,
    end: datetime,
    *,
    caseworker_id: int | None = None,
    room_id: int | None = None,
    person_id: int | None = None,
    exclude_id: int | None = None,
) -> list[Appointment]:
    """Occupying appointments overlapping [start, end) of this caseworker, room or person."""
    who = []
    if caseworker_id:
        who.append(Appointment.caseworker_id == caseworker_id)
    if room_id:
        who.append(Appointment.room_id == room_id)
    if person_id:
        who.append(for_person_clause(person_id))
    if not who:
        return []
    stmt = (
        select(Appointment)
        .where(
            or_(*who),
            Appointment.status.in_(OCCUPYING),
            Appointment.starts_at < end,
            Appointment.ends_at > start,
        )
        .order_by(Appointment.starts_at)
    )
    if exclude_id:
        stmt = stmt.where(Appointment.id != exclude_id)
    return list(db.session.scalars(stmt))


def _is_caseworker_of(user_id: int, office_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(OfficeMembership.id).where(
                OfficeMembership.user_id == user_id, OfficeMembership.office_id == office_id
            )
        )
    )


def _check(
    actor,
    data: BookingData,
    now: datetime,
    *,
    person_id: int,
    exclude_id: int | None = None,
    confirm_person_overlap: bool = False,
) -> tuple[Office, datetime]:
    """Validate a booking or a move; raise ValidationFailed or PersonBusy. Returns the end."""
    errors: dict[str, list[str]] = {}
    office = db.session.get(Office, data.office_id)
    if office is None or not office.active or not scope.can_see(actor, office.id):
        raise ValidationFailed({"office": _("Choose one of your offices.")})
    if data.room_id is not None:
        room = db.session.get(Room, data.room_id)
        if room is None or room.office_id != office.id or not room.active:
            errors.setdefault("room", []).append(_("Choose one of the rooms of this office."))
    if data.caseworker_id is not None and not _is_caseworker_of(data.caseworker_id, office.id):
        errors.setdefault("caseworker", []).append(
            _("Choose a caseworker who works at this office.")
        )
    if data.need_area and data.need_area not in NEED_AREAS:
        errors.setdefault("need_area", []).append(_("Choose one of the offered values."))
    if any(code not in DOCUMENTS for code in data.documents_to_bring):
        errors.setdefault("documents_to_bring", []).append(_("Choose one of the offered values."))
    if len(data.notes_for_newcomer) > MAX_TEXT:
        errors.setdefault("notes_for_newcomer", []).append(
            _("Use at most %(n)d characters.", n=MAX_TEXT)
        )
    messages = _time_messages()
    for field, code in slots.time_problems(
        data.starts_at, data.duration_minutes, now, hours_of(office)
    ).items():
        errors.setdefault(field, []).append(messages[code])
    if errors:
        raise ValidationFailed(errors)
    end = data.starts_at + timedelta(minutes=data.duration_minutes)
    _lock_resources(data.caseworker_id, data.room_id)
    taken = clashes(
        data.starts_at,
        end,
        caseworker_id=data.caseworker_id,
        room_id=data.room_id,
        exclude_id=exclude_id,
    )
    for other in taken:
        if data.caseworker_id and other.caseworker_id == data.caseworker_id:
            errors["caseworker"] = [_("The caseworker already has an appointment at that time.")]
        if data.room_id and other.room_id == data.room_id:
            errors["room"] = [_("The room is already booked at that time.")]
    if errors:
        raise ValidationFailed(errors)
    if not confirm_person_overlap:
        others = clashes(data.starts_at, end, person_id=person_id, exclude_id=exclude_id)
        if others:
            raise PersonBusy(others)
    return office, end


def book_appointment(
    actor,
    person: Person,
    data: BookingData,
    *,
    now: datetime,
    confirm_person_overlap: bool = False,
) -> Appointment:
    """Book an appointment for a person the actor may see; flushes, the caller commits."""
    _office, end = _check(
        actor, data, now, person_id=person.id, confirm_person_overlap=confirm_person_overlap
    )
    household_id = None
    if data.for_household:
        if person.membership is None:
            raise ValidationFailed({"for_household": _("This person is not in a household.")})
        household_id = person.membership.household_id
    appointment = Appointment(
        person_id=person.id,
        household_id=household_id,
        office_id=data.office_id,
        room_id=data.room_id,
        caseworker_id=data.caseworker_id,
        starts_at=data.starts_at,
        ends_at=end,
        scheduled_at=now,
        need_area=data.need_area,
        purpose=data.purpose,
        interpreter_language=data.interpreter_language,
        notes_for_newcomer=data.notes_for_newcomer,
        documents_to_bring=known_codes(data.documents_to_bring),
        status=SCHEDULED,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(appointment)
    db.session.flush()
    add_history(actor, appointment, "booked", new_starts_at=data.starts_at)
    audit_appointment(actor, "book_appointment", appointment)
    from caseapp.appointments import reminders

    reminders.queue_notice(appointment, "booked")
    return appointment


def reschedule_appointment(
    actor,
    appointment: Appointment,
    data: BookingData,
    *,
    now: datetime,
    loaded_version: int | None,
    reason: str = "",
    confirm_person_overlap: bool = False,
) -> Appointment:
    """Move to another time (and room or caseworker); the history keeps the old time."""
    if loaded_version != appointment.version:
        raise StaleVersion(appointment)
    if appointment.status != SCHEDULED:
        raise ValidationFailed({"starts_at": _("Only a scheduled appointment can be moved.")})
    data.office_id = appointment.office_id
    _office, end = _check(
        actor,
        data,
        now,
        person_id=appointment.person_id,
        exclude_id=appointment.id,
        confirm_person_overlap=confirm_person_overlap,
    )
    old_start = appointment.starts_at
    appointment.room_id = data.room_id
    appointment.caseworker_id = data.caseworker_id
    appointment.starts_at = data.starts_at
    appointment.ends_at = end
    appointment.scheduled_at = now
    if data.notes_for_newcomer:
        appointment.notes_for_newcomer = data.notes_for_newcomer
    if data.documents_to_bring:
        appointment.documents_to_bring = known_codes(data.documents_to_bring)
    add_history(
        actor,
        appointment,
        "rescheduled",
        old_starts_at=old_start,
        new_starts_at=data.starts_at,
        reason=reason[:300],
    )
    close_open_request(actor, appointment, now)
    db.session.flush()
    db.session.refresh(appointment)
    audit_appointment(actor, "reschedule_appointment", appointment)
    from caseapp.appointments import reminders

    reminders.queue_notice(appointment, "rescheduled", old_starts_at=old_start)
    return appointment


def cancel_appointment(
    actor, appointment: Appointment, *, reason: str, now: datetime, loaded_version: int | None
) -> Appointment:
    if loaded_version is not None and loaded_version != appointment.version:
        raise StaleVersion(appointment)
    if appointment.status != SCHEDULED:
        raise ValidationFailed({"reason": _("This appointment is no longer scheduled.")})
    if not reason.strip():
        raise ValidationFailed({"reason": _("Please give a reason for the cancellation.")})
    appointment.status = CANCELLED
    appointment.cancel_reason = reason.strip()[:300]
    add_history(actor, appointment, "cancelled", old_starts_at=appointment.starts_at, reason=reason)
    close_open_request(actor, appointment, now)
    db.session.flush()
    audit_appointment(actor, "cancel_appointment", appointment)
    from caseapp.appointments import reminders

    reminders.queue_notice(appointment, "cancelled")
    return appointment


def record_attendance(actor, appointment: Appointment, outcome: str, *, now: datetime):
    """Attended or no-show once the appointment has begun; cancelled by the newcomer any time."""
    if outcome not in ATTENDANCE:
        raise ValidationFailed({"outcome": _("Choose one of the offered values.")})
    if appointment.status == CANCELLED:
        raise ValidationFailed({"outcome": _("This appointment was cancelled.")})
    if outcome in (ATTENDED, NO_SHOW) and appointment.starts_at > now:
        raise ValidationFailed(
            {"outcome": _("Attendance can be recorded once the appointment has begun.")}
        )
    if appointment.status == outcome:
        return appointment
    before = appointment.status
    appointment.status = outcome
    add_history(actor, appointment, outcome, old_starts_at=appointment.starts_at)
    close_open_request(actor, appointment, now)
    db.session.flush()
    audit_appointment(actor, "record_attendance", appointment, {"status": [before, outcome]})
    return appointment
