"""Book an appointment from the case file, see it, move it, cancel it, record attendance,
and mark a newcomer's reschedule request as handled."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from caseapp.appointments import services
from caseapp.appointments.blueprint import bp
from caseapp.appointments.forms import (
    ATTENDANCE_LABELS,
    AttendanceForm,
    BookingForm,
    CancelForm,
    RescheduleForm,
)
from caseapp.appointments.models import Appointment, RescheduleRequest
from caseapp.appointments.slots import BERLIN
from caseapp.appointments.templating import STATUS_LABELS
from caseapp.appointments.views.common import (
    CASEWORK,
    appointment_or_404,
    caseworker_choices,
    local_time,
    parse_start,
    person_or_404,
    room_choices,
    unless_person_busy,
    visible_offices,
    written,
)
from caseapp.auth.roles import Role
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.web import flow
from caseapp.web.access import access
from caseapp.web.forms import BaseForm
from caseapp.web.readonly import read_only


@bp.route("/person/<int:person_id>/new", methods=["GET", "POST"])
@access(*CASEWORK)
@read_only(methods=("GET",))
def book(person_id: int):
    person = person_or_404(person_id)
    offices = visible_offices()
    form = BookingForm(
        office_choices=[(o.id, o.name) for o in offices],
        room_choices=room_choices(offices),
        caseworker_choices=caseworker_choices(offices),
    )
    if request.method == "GET":
        args = request.args
        form.office.data = args.get("office", type=int) or (
            person.case.office_id
            if person.case.office_id in {o.id for o in offices}
            else (offices[0].id if offices else 0)
        )
        form.room.data = args.get("room", type=int) or 0
        form.caseworker.data = args.get("caseworker", type=int) or (
            current_user.id if current_user.has_role(Role.CASEWORKER) else 0
        )
        form.starts_at.data = parse_start(args.get("start"))
        form.duration_minutes.data = args.get("duration", type=int) or 30
        form.interpreter_language.data = person.interpreter_language or ""
    others: list[Appointment] = []
    done = flow.submit(
        form,
        unless_person_busy(
            others,
            lambda: services.book_appointment(
                current_user,
                person,
                services.BookingData(
                    office_id=form.office.data,
                    room_id=form.room.data or None,
                    caseworker_id=form.caseworker.data or None,
                    starts_at=local_time(form.starts_at.data),
                    duration_minutes=form.duration_minutes.data,
                    need_area=form.need_area.data or "",
                    purpose=form.purpose.data or "",
                    interpreter_language=form.interpreter_language.data or "",
                    notes_for_newcomer=form.notes_for_newcomer.data or "",
                    documents_to_bring=list(form.documents_to_bring.data or []),
                    for_household=bool(form.for_household.data),
                ),
                now=utcnow(),
                confirm_person_overlap=bool(form.confirm_overlap.data),
            ),
        ),
        to=lambda appointment: url_for("appointments.detail", appointment_id=appointment.id),
        message=_("The appointment has been booked."),
    )
    if done:
        return done
    return render_template(
        "appointments/form.html", form=form, person=person, appointment=None, others=others
    ), 400 if others else flow.status(form)


@bp.get("/<int:appointment_id>")
@access(*CASEWORK)
def detail(appointment_id: int):
    appointment = appointment_or_404(appointment_id, audit_read=True)
    changes = services.history(appointment)
    open_request = services.open_request(appointment)
    return flow.render_audited(
        "appointments/detail.html",
        appointment=appointment,
        changes=changes,
        open_request=open_request,
        attendance_form=AttendanceForm(),
        attendance_labels=ATTENDANCE_LABELS,
        now=utcnow(),
    )


def _latest_reason(appointment: Appointment) -> str:
    changes = services.history(appointment)
    return changes[-1].reason if changes else ""


def _saved_time(appointment: Appointment) -> dict:
    """The appointment as saved now, in the terms of the move form."""
    return {
        "starts_at": appointment.starts_at.astimezone(BERLIN).replace(tzinfo=None),
        "duration_minutes": appointment.duration_minutes,
        "room": appointment.room.name if appointment.room else "—",
        "caseworker": appointment.caseworker.display_name if appointment.caseworker else "—",
        "reason": _latest_reason(appointment),
    }


@bp.route("/<int:appointment_id>/reschedule", methods=["GET", "POST"])
@access(*CASEWORK)
def reschedule(appointment_id: int):
    appointment = appointment_or_404(appointment_id)
    office = appointment.office
    form = RescheduleForm(
        room_choices=room_choices([office]), caseworker_choices=caseworker_choices([office])
    )
    if request.method == "GET":
        form.version.data = appointment.version
        form.room.data = appointment.room_id or 0
        form.caseworker.data = appointment.caseworker_id or 0
        start = parse_start(request.args.get("start"))
        form.starts_at.data = start or appointment.starts_at.astimezone(BERLIN).replace(tzinfo=None)
        form.duration_minutes.data = appointment.duration_minutes
    others: list[Appointment] = []
    here = url_for("appointments.detail", appointment_id=appointment_id)
    done = flow.submit(
        form,
        unless_person_busy(
            others,
            written(
                appointment,
                lambda: services.reschedule_appointment(
                    current_user,
                    appointment,
                    services.BookingData(
                        office_id=appointment.office_id,
                        room_id=form.room.data or None,
                        caseworker_id=form.caseworker.data or None,
                        starts_at=local_time(form.starts_at.data),
                        duration_minutes=form.duration_minutes.data,
                    ),
                    now=utcnow(),
                    loaded_version=form.loaded_version(),
                    reason=form.reason.data or "",
                    confirm_person_overlap=bool(form.confirm_overlap.data),
                ),
            ),
        ),
        to=here,
        message=_("The appointment has been moved."),
        conflict=flow.Conflict(
            edit_url=url_for("appointments.reschedule", appointment_id=appointment_id),
            saved=_saved_time,
        ),
    )
    if done:
        return done
    return render_template(
        "appointments/form.html",
        form=form,
        person=appointment.person,
        appointment=appointment,
        others=others,
    ), 400 if others else flow.status(form)


@bp.route("/<int:appointment_id>/cancel", methods=["GET", "POST"])
@access(*CASEWORK)
def cancel(appointment_id: int):
    appointment = appointment_or_404(appointment_id)
    form = CancelForm()
    if request.method == "GET":
        form.version.data = appointment.version
    done = flow.submit(
        form,
        written(
            appointment,
            lambda: services.cancel_appointment(
                current_user,
                appointment,
                reason=form.reason.data,
                now=utcnow(),
                loaded_version=form.loaded_version(),
            ),
        ),
        to=url_for("appointments.detail", appointment_id=appointment_id),
        message=_("The appointment has been cancelled."),
        conflict=flow.Conflict(
            edit_url=url_for("appointments.cancel", appointment_id=appointment_id),
            saved=lambda saved: {"reason": saved.cancel_reason},
        ),
    )
    if done:
        return done
    return render_template(
        "appointments/cancel.html", form=form, appointment=appointment
    ), flow.status(form)


@bp.post("/<int:appointment_id>/attendance")
@access(*CASEWORK)
def attendance(appointment_id: int):
    appointment = appointment_or_404(appointment_id)
    here = url_for("appointments.detail", appointment_id=appointment_id)
    form = AttendanceForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the offered values."), "danger")
        return redirect(here)
    done = flow.submit(
        form,
        written(
            appointment,
            lambda: services.record_attendance(
                current_user, appointment, form.outcome.data, now=utcnow()
            ),
        ),
        to=here,
        message=_("The attendance has been recorded."),
        conflict=flow.Conflict(
            edit_url=here,
            saved=lambda saved: {
                "outcome": STATUS_LABELS.get(saved.status, saved.status),
            },
        ),
        validate=False,
    )
    if done:
        return done
    for messages in form.errors.values():
        for message in messages:
            flash(message, "danger")
    return redirect(here)


@bp.post("/requests/<int:request_id>/done")
@access(*CASEWORK)
def request_done(request_id: int):
    row = db.session.get(RescheduleRequest, request_id)
    if row is None:
        abort(404)
    appointment_or_404(row.appointment_id)  # office check
    here = url_for("appointments.detail", appointment_id=row.appointment_id)
    done = flow.submit(
        BaseForm(),  # nothing to fill in: the CSRF token only
        lambda: services.handle_request(current_user, row, utcnow()),
        to=here,
        message=_("The request is marked as handled."),
    )
    return done or redirect(here)
