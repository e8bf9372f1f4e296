"""Newcomers ask for another time in the portal; caseworkers see the open requests and
handle them (moving, cancelling or closing the appointment handles its request too)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from caseapp.appointments.models import SCHEDULED, Appointment, RescheduleRequest
from caseapp.appointments.services.common import MAX_TEXT, audit_appointment
from caseapp.audit import services as audit
from caseapp.auth import scope
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people.models import Person


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
    reschedule = RescheduleRequest(appointment_id=appointment.id, message=message, requested_at=now)
    db.session.add(reschedule)
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
    return reschedule


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


def close_open_request(actor, appointment: Appointment, now: datetime) -> None:
    reschedule = open_request(appointment)
    if reschedule is not None:
        reschedule.handled_at = now
        reschedule.handled_by_id = getattr(actor, "id", None)


def handle_request(actor, reschedule: RescheduleRequest, now: datetime) -> None:
    if reschedule.handled_at is None:
        reschedule.handled_at = now
        reschedule.handled_by_id = getattr(actor, "id", None)
        audit_appointment(actor, "handle_reschedule_request", reschedule.appointment)
