"""E-mails to interpreters through the outbox: only office, room, time, language and mode —
never the person, the case or the purpose of the appointment (least data)."""

from __future__ import annotations

from caseapp.appointments.ical import office_address
from caseapp.core.clock import to_local
from caseapp.outbox.links import external_url
from caseapp.outbox.services import enqueue_template


def facts(assignment) -> dict:
    """Everything an interpreter is told about an appointment (pages and e-mails alike)."""
    appointment = assignment.appointment
    return {
        "office": appointment.office.name,
        "address": office_address(appointment.office, isolated=False),
        "room": appointment.room.name if appointment.room is not None else "",
        "starts_at": to_local(appointment.starts_at),  # its current time, should it move
        "ends_at": to_local(appointment.ends_at),
        "spoken": appointment.interpreter_language,
        "mode": assignment.mode,
        "variety": _variety(assignment),
    }


def _link(assignment) -> str:
    if assignment.token:
        return external_url("interpreters.respond_by_link", token=assignment.token)
    return external_url("interpreters.mine")


def offer(assignment) -> None:
    interpreter = assignment.interpreter
    if not interpreter.contact_email:
        return
    enqueue_template(
        interpreter.contact_email,
        "interpreters/emails/offer",
        interpreter.contact_language,
        dedupe_key=f"interpreter-offer-{assignment.id}",
        name=interpreter.display_name,
        link=_link(assignment),
        **facts(assignment),
    )


def withdrawn(assignment) -> None:
    interpreter = assignment.interpreter
    if not interpreter.contact_email:
        return
    enqueue_template(
        interpreter.contact_email,
        "interpreters/emails/withdrawn",
        interpreter.contact_language,
        dedupe_key=f"interpreter-withdrawn-{assignment.id}",
        name=interpreter.display_name,
        **facts(assignment),
    )


def _variety(assignment) -> str:
    from caseapp.interpreters.services.profiles import need_of

    need = need_of(assignment.appointment)
    return need.variety if need is not None else ""
