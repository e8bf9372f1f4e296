"""Appointments: the office's list, one appointment, booking and cancelling.

Booking and cancelling call the appointment services, so the no-double-booking guarantee
(the caseworker and the room locked, clashes checked in the same transaction) holds for
the API exactly as for the booking form.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from caseapp.api import schemas
from caseapp.api.core import CASEWORK, actor, api_v1, loaded_version, page, with_etag
from caseapp.api.problems import Problem
from caseapp.appointments import services
from caseapp.appointments.models import Appointment
from caseapp.audit import services as audit
from caseapp.auth import scope
from caseapp.core.clock import to_local, utcnow
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people import services as people

AppointmentPage = schemas.page_of(schemas.AppointmentSchema, "AppointmentPage")


def appointment_json(a: Appointment) -> dict:
    return {
        "id": a.id,
        "person_id": a.person_id,
        "office_id": a.office_id,
        "room_id": a.room_id,
        "caseworker_id": a.caseworker_id,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "status": a.status,
        "need_area": a.need_area or "",
        "purpose": a.purpose or "",
        "version": a.version,
    }


@api_v1.route("/appointments", methods=["GET"], roles=CASEWORK, tags=["appointments"])
@api_v1.arguments(schemas.AppointmentListArgs, location="query")
@api_v1.response(200, AppointmentPage)
def list_appointments(args):
    """The office's appointments (by id), optionally those starting in a time range; the
    read is audited as opening the office's calendar."""
    who = actor()
    # Columns only: the appointment's person, room and caseworker are not loaded per row.
    stmt = scope.scoped(select(Appointment).options(lazyload("*")), Appointment.office_id, who)
    if args.get("starts_from"):
        stmt = stmt.where(Appointment.starts_at >= args["starts_from"])
    if args.get("starts_before"):
        stmt = stmt.where(Appointment.starts_at < args["starts_before"])
    result = page(stmt, Appointment.id, args)
    result["items"] = [appointment_json(a) for a in result["items"]]
    audit.record(who, "view_calendar", "office", who.office_id, office_id=who.office_id)
    db.session.commit()
    return result


@api_v1.route(
    "/appointments/<id:appointment_id>",
    methods=["GET"],
    roles=CASEWORK,
    tags=["appointments"],
    errors=(404,),
)
@api_v1.response(200, schemas.AppointmentSchema)
def get_appointment(appointment_id: int):
    """One appointment (audited as opening it)."""
    appointment = services.get_appointment(actor(), appointment_id)
    answer = appointment_json(appointment), 200, with_etag("appointment", appointment)
    db.session.commit()
    return answer


@api_v1.route(
    "/appointments",
    methods=["POST"],
    roles=CASEWORK,
    tags=["appointments"],
    errors=(400, 404, 409),
)
@api_v1.arguments(schemas.AppointmentCreateSchema)
@api_v1.response(201, schemas.AppointmentSchema)
def book_appointment(body):
    """Book at the token's office. A caseworker or room already taken is refused (400, the
    form's reasons); the person having another appointment then answers 409 unless
    `confirm_person_overlap` is true."""
    who = actor()
    person = people.get_person(who, body["person_id"], audit_read=False)
    try:
        appointment = services.book_appointment(
            who,
            person,
            services.BookingData(
                office_id=who.office_id,
                room_id=body["room_id"],
                caseworker_id=body["caseworker_id"],
                starts_at=body["starts_at"],
                duration_minutes=body["duration_minutes"],
                need_area=body["need_area"],
                purpose=body["purpose"],
                interpreter_language=body["interpreter_language"],
                notes_for_newcomer=body["notes_for_newcomer"],
                documents_to_bring=body["documents_to_bring"],
            ),
            now=utcnow(),
            confirm_person_overlap=body["confirm_person_overlap"],
        )
    except services.PersonBusy as busy:
        times = ", ".join(to_local(a.starts_at).isoformat(timespec="minutes") for a in busy.others)
        raise Problem(
            409, _("The newcomer already has an appointment at that time:") + " " + times
        ) from None
    headers = {
        **with_etag("appointment", appointment),
        "Location": url_for("api_v1.get_appointment", appointment_id=appointment.id),
    }
    body = appointment_json(appointment)
    db.session.commit()
    return body, 201, headers


@api_v1.route(
    "/appointments/<id:appointment_id>/cancel",
    methods=["POST"],
    roles=CASEWORK,
    tags=["appointments"],
    errors=(400, 404, 412, 428),
)
@api_v1.arguments(schemas.ReasonSchema)
@api_v1.response(200, schemas.AppointmentSchema)
def cancel_appointment(body, appointment_id: int):
    """Cancel with a reason; send the appointment's ETag in If-Match."""
    who = actor()
    appointment = services.get_appointment(who, appointment_id, audit_read=False)
    version = loaded_version("appointment", appointment)
    appointment = services.cancel_appointment(
        who, appointment, reason=body["reason"], now=utcnow(), loaded_version=version
    )
    db.session.flush()
    answer = appointment_json(appointment), 200, with_etag("appointment", appointment)
    db.session.commit()
    return answer
