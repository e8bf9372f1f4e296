"""Booking, moving, cancelling and closing appointments; rooms; reschedule requests.

Double bookings are refused inside the transaction that writes the appointment: on SQLite
every transaction is BEGIN IMMEDIATE (writers are serialised), on PostgreSQL the caseworker's
and the room's rows are locked with SELECT ... FOR UPDATE before the overlap check, so two
concurrent bookings of one slot cannot both pass the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select

from caseapp.appointments import slots
from caseapp.appointments.models import (
    ATTENDED,
    CANCELLED,
    CANCELLED_BY_NEWCOMER,
    NO_SHOW,
    OCCUPYING,
    SCHEDULED,
    Appointment,
    AppointmentChange,
    RescheduleRequest,
    Room,
)
from caseapp.audit import services as audit
from caseapp.auth import scope
from caseapp.auth.models import OfficeMembership, User
from caseapp.core.errors import DomainError, NotFound, StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.offices.models import Office
from caseapp.people.models import HouseholdMember, Person
from caseapp.people.vocab import NEED_AREAS

MAX_TEXT = 2000
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
    for_household: bool = False  # the whole household of the person is invited


class PersonBusy(DomainError):
    """The newcomer already has an appointment at that time (at any office); confirm to book."""

    def __init__(self, others: list[Appointment]):
        super().__init__("")
        self.others = others


def hours_of(office: Office) -> list[slots.Hours]:
    return [slots.Hours(h.weekday, h.opens, h.closes) for h in office.opening_hours]


def _audit(actor, action: str, appointment: Appointment, details: dict | None = None) -> None:
    audit.record(
        actor,
        action,
        "person",
        appointment.person_id,
        office_id=appointment.office_id,
        purpose="case_management",
        details={"appointment": [None, appointment.id], **(details or {})},
    )


def _history(actor, appointment: Appointment, action: str, **kw) -> None:
    db.session.add(
        AppointmentChange(
            appointment_id=appointment.id, by_id=getattr(actor, "id", None), action=action, **kw
        )
    )


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
        status=SCHEDULED,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(appointment)
    db.session.flush()
    _history(actor, appointment, "booked", new_starts_at=data.starts_at)
    _audit(actor, "book_appointment", appointment)
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
    _history(
        actor,
        appointment,
        "rescheduled",
        old_starts_at=old_start,
        new_starts_at=data.starts_at,
        reason=reason[:300],
    )
    _close_requests(actor, appointment, now)
    db.session.flush()
    db.session.refresh(appointment)
    _audit(actor, "reschedule_appointment", appointment)
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
    _history(actor, appointment, "cancelled", old_starts_at=appointment.starts_at, reason=reason)
    _close_requests(actor, appointment, now)
    db.session.flush()
    _audit(actor, "cancel_appointment", appointment)
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
    _history(actor, appointment, outcome, old_starts_at=appointment.starts_at)
    _close_requests(actor, appointment, now)
    db.session.flush()
    _audit(actor, "record_attendance", appointment, {"status": [before, outcome]})
    return appointment


def get_appointment(actor, appointment_id: int, *, audit_read: bool = True) -> Appointment:
    """The appointment if it belongs to one of the actor's offices (admins: any)."""
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None or not scope.can_see(actor, appointment.office_id):
        raise NotFound()
    if audit_read:
        _audit(actor, "view_appointment", appointment)
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
    """The person's own appointments (merged records included) and their household's."""
    household = (
        select(HouseholdMember.household_id)
        .where(HouseholdMember.person_id == person_id)
        .scalar_subquery()
    )
    return or_(
        Appointment.person_id.in_(person_ids(person_id)), Appointment.household_id == household
    )


def for_person(person_id: int, *, limit: int = 200) -> list[Appointment]:
    return list(
        db.session.scalars(
            select(Appointment)
            .where(for_person_clause(person_id))
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


# --- rooms -------------------------------------------------------------------------------


def rooms_of(office_id: int, *, active_only: bool = False) -> list[Room]:
    stmt = select(Room).where(Room.office_id == office_id)
    if active_only:
        stmt = stmt.where(Room.active.is_(True))
    return list(db.session.scalars(stmt.order_by(Room.name)))


def create_room(actor, office: Office, name: str, notes: str = "") -> Room:
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": _("This field is required.")})
    if db.session.scalar(
        select(Room.id).where(Room.office_id == office.id, func.lower(Room.name) == name.lower())
    ):
        raise ValidationFailed({"name": _("This office already has a room with this name.")})
    room = Room(office_id=office.id, name=name, notes=notes.strip())
    db.session.add(room)
    db.session.flush()
    audit.record(
        actor, "create", "room", room.id, office_id=office.id, details={"name": [None, name]}
    )
    return room


def set_room_active(actor, room: Room, active: bool) -> None:
    if room.active != active:
        room.active = active
        audit.record(
            actor,
            "update",
            "room",
            room.id,
            office_id=room.office_id,
            details={"active": [not active, active]},
        )


# --- reschedule requests -----------------------------------------------------------------


def request_reschedule(person: Person, appointment: Appointment, message: str, now: datetime):
    """A newcomer asks for another time; refused for appointments no longer scheduled."""
    if person.id not in (appointment.person_id, appointment.person.merged_into_id):
        raise NotFound()
    if appointment.status != SCHEDULED or appointment.starts_at <= now:
        raise ValidationFailed(
            {"message": _("This appointment can no longer be moved. Please call your office.")}
        )
    if len(message) > MAX_TEXT:
        raise ValidationFailed({"message": _("Use at most %(n)d characters.", n=MAX_TEXT)})
    if open_request(appointment) is not None:
        raise ValidationFailed(
            {"message": _("You have already asked for another time. Your office will contact you.")}
        )
    request = RescheduleRequest(appointment_id=appointment.id, message=message, requested_at=now)
    db.session.add(request)
    db.session.flush()
    audit.record(
        None,
        "request_reschedule",
        "person",
        person.id,
        office_id=appointment.office_id,
        purpose="portal",
        details={"appointment": [None, appointment.id]},
    )
    return request


def open_request(appointment: Appointment) -> RescheduleRequest | None:
    return db.session.scalar(
        select(RescheduleRequest).where(
            RescheduleRequest.appointment_id == appointment.id,
            RescheduleRequest.handled_at.is_(None),
        )
    )


def open_requests_for(actor, limit: int = 20) -> list[RescheduleRequest]:
    stmt = (
        select(RescheduleRequest)
        .join(Appointment, Appointment.id == RescheduleRequest.appointment_id)
        .where(RescheduleRequest.handled_at.is_(None))
        .order_by(RescheduleRequest.requested_at)
        .limit(limit)
    )
    return list(db.session.scalars(scope.scoped(stmt, Appointment.office_id, actor)))


def _close_requests(actor, appointment: Appointment, now: datetime) -> None:
    request = open_request(appointment)
    if request is not None:
        request.handled_at = now
        request.handled_by_id = getattr(actor, "id", None)


def handle_request(actor, request: RescheduleRequest, now: datetime) -> None:
    if request.handled_at is None:
        request.handled_at = now
        request.handled_by_id = getattr(actor, "id", None)
        _audit(actor, "handle_reschedule_request", request.appointment)
