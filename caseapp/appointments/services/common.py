"""Shared by the appointment services: the audit entry, the history row, opening hours."""

from __future__ import annotations

from caseapp.appointments import slots
from caseapp.appointments.models import Appointment, AppointmentChange
from caseapp.audit import services as audit
from caseapp.extensions import db
from caseapp.offices.models import Office

MAX_TEXT = 2000


def hours_of(office: Office) -> list[slots.Hours]:
    return [slots.Hours(h.weekday, h.opens, h.closes) for h in office.opening_hours]


def audit_appointment(
    actor, action: str, appointment: Appointment, details: dict | None = None
) -> None:
    """The audit entry of a read or change: filed under the person, naming the appointment."""
    audit.record(
        actor,
        action,
        "person",
        appointment.person_id,
        office_id=appointment.office_id,
        purpose="case_management",
        details={"appointment": [None, appointment.id], **(details or {})},
    )


def add_history(actor, appointment: Appointment, action: str, **kw) -> None:
    """A row of the appointment's own history (booked, moved, cancelled, attendance)."""
    db.session.add(
        AppointmentChange(
            appointment_id=appointment.id, by_id=getattr(actor, "id", None), action=action, **kw
        )
    )
