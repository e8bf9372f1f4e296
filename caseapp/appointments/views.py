"""Caseworkers book, move, cancel and close appointments, see calendars and manage rooms."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from caseapp.appointments import reminders, services, slips
from caseapp.appointments.blueprint import bp
from caseapp.appointments.forms import (
    ATTENDANCE_LABELS,
    AttendanceForm,
    BookingForm,
    CancelForm,
    RescheduleForm,
    RoomForm,
    SlipCodeForm,
)
from caseapp.appointments.models import SCHEDULED, RescheduleRequest, Room
from caseapp.appointments.slots import BERLIN, week_days
from caseapp.auth import scope
from caseapp.auth.roles import Role
from caseapp.core.clock import local_today, utcnow
from caseapp.core.errors import NotFound, StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.offices.models import Office
from caseapp.people import services as people
from caseapp.people.models import Person
from caseapp.portal import services as portal
from caseapp.web import idempotency
from caseapp.web.access import access

CASEWORK = (Role.CASEWORKER, Role.ADMIN)


def _today() -> date:
    return local_today()


def _person_or_404(person_id: int, *, audit_read: bool = False) -> Person:
    try:
        return people.get_person(current_user, person_id, audit_read=audit_read)
    except NotFound:
        abort(404)


def _appointment_or_404(appointment_id: int, *, audit_read: bool = False):
    try:
        return services.get_appointment(current_user, appointment_id, audit_read=audit_read)
    except NotFound:
        abort(404)


def _offices() -> list[Office]:
    offices = scope.visible_office_ids(current_user)
    stmt = select(Office).where(Office.active.is_(True)).order_by(Office.name)
    if offices is not None:
        stmt = stmt.where(Office.id.in_(offices or {0}))
    return list(db.session.scalars(stmt))


def _room_choices(offices: list[Office]):
    several = len(offices) > 1
    return [
        (r.id, f"{r.name} ({o.name})" if several else r.name)
        for o in offices
        for r in services.rooms_of(o.id, active_only=True)
    ]


def _caseworker_choices(offices: list[Office]):
    return [(u.id, u.display_name) for u in people.caseworkers_of({o.id for o in offices})]


def _local(value: datetime) -> datetime:
    """A naive local time from a datetime-local field as an aware Berlin time."""
    return value.replace(tzinfo=BERLIN)


def _parse_start(raw: str | None) -> datetime | None:
    try:
        return datetime.strptime(raw or "", "%Y-%m-%dT%H:%M")
    except ValueError:
        return None


@bp.route("/person/<int:person_id>/new", methods=["GET", "POST"])
@access(*CASEWORK)
def book(person_id: int):
    person = _person_or_404(person_id)
    offices = _offices()
    form = BookingForm(
        office_choices=[(o.id, o.name) for o in offices],
        room_choices=_room_choices(offices),
        caseworker_choices=_caseworker_choices(offices),
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
        form.starts_at.data = _parse_start(args.get("start"))
        form.duration_minutes.data = args.get("duration", type=int) or 30
        form.interpreter_language.data = person.interpreter_language or ""
    others = []
    if form.validate_on_submit():
        earlier = idempotency.previous_result(form.submission_id.data)
        if earlier:
            return redirect(earlier)
        data = services.BookingData(
            office_id=form.office.data,
            room_id=form.room.data or None,
            caseworker_id=form.caseworker.data or None,
            starts_at=_local(form.starts_at.data),
            duration_minutes=form.duration_minutes.data,
            need_area=form.need_area.data or "",
            purpose=form.purpose.data or "",
            interpreter_language=form.interpreter_language.data or "",
            notes_for_newcomer=form.notes_for_newcomer.data or "",
            for_household=bool(form.for_household.data),
        )
        try:
            appointment = services.book_appointment(
                current_user,
                person,
                data,
                now=utcnow(),
                confirm_person_overlap=bool(form.confirm_overlap.data),
            )
        except services.PersonBusy as warning:
            db.session.rollback()
            others = warning.others
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
        else:
            target = url_for("appointments.detail", appointment_id=appointment.id)
            idempotency.remember(form.submission_id.data, current_user.id, target)
            db.session.commit()
            flash(_("The appointment has been booked."), "success")
            return redirect(target)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "appointments/form.html", form=form, person=person, appointment=None, others=others
    ), status


@bp.get("/<int:appointment_id>")
@access(*CASEWORK)
def detail(appointment_id: int):
    appointment = _appointment_or_404(appointment_id, audit_read=True)
    changes = services.history(appointment)
    open_request = services.open_request(appointment)
    db.session.commit()  # the audit row of this read
    return render_template(
        "appointments/detail.html",
        appointment=appointment,
        changes=changes,
        open_request=open_request,
        attendance_form=AttendanceForm(),
        attendance_labels=ATTENDANCE_LABELS,
        now=utcnow(),
    )


@bp.route("/<int:appointment_id>/reschedule", methods=["GET", "POST"])
@access(*CASEWORK)
def reschedule(appointment_id: int):
    appointment = _appointment_or_404(appointment_id)
    office = appointment.office
    form = RescheduleForm(
        room_choices=_room_choices([office]), caseworker_choices=_caseworker_choices([office])
    )
    if request.method == "GET":
        form.version.data = appointment.version
        form.room.data = appointment.room_id or 0
        form.caseworker.data = appointment.caseworker_id or 0
        start = _parse_start(request.args.get("start"))
        form.starts_at.data = start or appointment.starts_at.astimezone(BERLIN).replace(tzinfo=None)
        form.duration_minutes.data = appointment.duration_minutes
    others = []
    if form.validate_on_submit():
        data = services.BookingData(
            office_id=appointment.office_id,
            room_id=form.room.data or None,
            caseworker_id=form.caseworker.data or None,
            starts_at=_local(form.starts_at.data),
            duration_minutes=form.duration_minutes.data,
        )
        try:
            services.reschedule_appointment(
                current_user,
                appointment,
                data,
                now=utcnow(),
                loaded_version=form.loaded_version(),
                reason=form.reason.data or "",
                confirm_person_overlap=bool(form.confirm_overlap.data),
            )
        except StaleVersion:
            db.session.rollback()
            return _changed_meanwhile()
        except services.PersonBusy as warning:
            db.session.rollback()
            others = warning.others
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
        else:
            db.session.commit()
            flash(_("The appointment has been moved."), "success")
            return redirect(url_for("appointments.detail", appointment_id=appointment_id))
        appointment = _appointment_or_404(appointment_id)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "appointments/form.html",
        form=form,
        person=appointment.person,
        appointment=appointment,
        others=others,
    ), status


def _changed_meanwhile():
    return render_template(
        "errors/error.html",
        code=409,
        title=_("Changed meanwhile"),
        message=_(
            "Someone else changed this appointment while you were editing it. Nothing was saved. Please open it again."
        ),
    ), 409


@bp.route("/<int:appointment_id>/cancel", methods=["GET", "POST"])
@access(*CASEWORK)
def cancel(appointment_id: int):
    appointment = _appointment_or_404(appointment_id)
    form = CancelForm()
    if request.method == "GET":
        form.version.data = appointment.version
    if form.validate_on_submit():
        try:
            services.cancel_appointment(
                current_user,
                appointment,
                reason=form.reason.data,
                now=utcnow(),
                loaded_version=form.loaded_version(),
            )
        except StaleVersion:
            db.session.rollback()
            return _changed_meanwhile()
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
            appointment = _appointment_or_404(appointment_id)
        else:
            db.session.commit()
            flash(_("The appointment has been cancelled."), "success")
            return redirect(url_for("appointments.detail", appointment_id=appointment_id))
    status = 400 if request.method == "POST" else 200
    return render_template("appointments/cancel.html", form=form, appointment=appointment), status


@bp.post("/<int:appointment_id>/attendance")
@access(*CASEWORK)
def attendance(appointment_id: int):
    appointment = _appointment_or_404(appointment_id)
    form = AttendanceForm()
    if form.validate_on_submit():
        try:
            services.record_attendance(current_user, appointment, form.outcome.data, now=utcnow())
        except ValidationFailed as error:
            db.session.rollback()
            for messages in error.errors.values():
                for message in messages:
                    flash(message, "danger")
        else:
            db.session.commit()
            flash(_("The attendance has been recorded."), "success")
    else:
        flash(_("Choose one of the offered values."), "danger")
    return redirect(url_for("appointments.detail", appointment_id=appointment_id))


def _pdf_response(pdf: bytes, appointment) -> object:
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'inline; filename="appointment-{appointment.starts_at.astimezone(BERLIN):%Y-%m-%d}.pdf"'
    )
    return response


def _slip(appointment, code: str | None = None):
    language = portal.newcomer_language(appointment.person)
    access_row = portal.access_for(appointment.person_id)
    url = reminders.portal_url(language, appointment.person.case.case_number)
    pdf = slips.render_slip(
        appointment,
        language,
        url,
        access_code=code,
        code_valid_until=access_row.code_expires_at if code and access_row else None,
    )
    slips.record_print(current_user, appointment, with_code=bool(code))
    db.session.commit()
    return _pdf_response(pdf, appointment)


@bp.get("/<int:appointment_id>/slip.pdf")
@access(*CASEWORK)
def slip(appointment_id: int):
    """The slip without an access code (codes are only shown when they are issued)."""
    return _slip(_appointment_or_404(appointment_id))


@bp.post("/<int:appointment_id>/slip-with-code")
@access(*CASEWORK)
def slip_with_code(appointment_id: int):
    """The slip with the code just issued; the posted code must be the person's current one."""
    appointment = _appointment_or_404(appointment_id)
    form = SlipCodeForm()
    code = portal.normalise_code(form.access_code.data)
    if not form.validate_on_submit() or not portal.code_matches(
        portal.access_for(appointment.person_id), code
    ):
        flash(_("This access code is no longer valid. Issue a new one."), "danger")
        return redirect(url_for("appointments.access_code", person_id=appointment.person_id))
    return _slip(appointment, code)


@bp.route("/person/<int:person_id>/access-code", methods=["GET", "POST"])
@access(*CASEWORK)
def access_code(person_id: int):
    """Issue (or renew) the newcomer's portal access code and show it once."""
    person = _person_or_404(person_id)
    code = None
    if request.method == "POST":  # CSRFProtect has checked the token
        code = portal.issue_code(
            current_user,
            person,
            now=utcnow(),
            valid_days=current_app.config["PORTAL_CODE_VALID_DAYS"],
        )
        db.session.commit()
        flash(_("A new access code has been issued. Any earlier code no longer works."), "success")
    access_row = portal.access_for(person.id)
    upcoming = [
        a
        for a in services.for_person(person.id)
        if a.status == SCHEDULED and a.starts_at > utcnow()
    ][::-1]
    return render_template(
        "appointments/access_code.html",
        person=person,
        code=code,
        access_row=access_row,
        upcoming=upcoming,
        language=portal.newcomer_language(person, access_row),
        portal_url=reminders.portal_url(
            portal.newcomer_language(person, access_row), person.case.case_number
        ),
    )


@bp.get("/calendar")
@access(*CASEWORK)
def calendar():
    """Day or week per office, caseworker or room, with free slots from the opening hours."""
    offices = _offices()
    if not offices:
        return render_template("appointments/calendar.html", office=None, offices=[])
    args = request.args
    office_id = args.get("office", type=int) or offices[0].id
    office = next((o for o in offices if o.id == office_id), None)
    if office is None:
        abort(404)
    view = "day" if args.get("view") == "day" else "week"
    try:
        day = date.fromisoformat(args.get("date", ""))
    except ValueError:
        day = _today()
    caseworkers = people.caseworkers_of({office.id})
    rooms = services.rooms_of(office.id, active_only=True)
    caseworker_id = args.get("caseworker", type=int)
    if caseworker_id not in {u.id for u in caseworkers}:
        caseworker_id = None
    room_id = args.get("room", type=int)
    if room_id not in {r.id for r in rooms}:
        room_id = None
    duration = min(max(args.get("duration", type=int) or 30, 5), 480)
    person = None
    if args.get("person", type=int):
        person = _person_or_404(args.get("person", type=int))
    moving = None
    if args.get("move", type=int):
        moving = _appointment_or_404(args.get("move", type=int))
    days = [day] if view == "day" else week_days(day)
    start, _end = services.day_bounds(days[0])
    _start, end = services.day_bounds(days[-1])
    shown = services.in_range(
        start, end, office_id=office.id, caseworker_id=caseworker_id, room_id=room_id
    )
    now = utcnow()
    columns = []
    for d in days:
        d_start, d_end = services.day_bounds(d)
        free = []
        if caseworker_id or room_id:
            free = services.free_slots_for(
                office,
                d,
                duration_minutes=duration,
                caseworker_id=caseworker_id,
                room_id=room_id,
                now=now,
            )
        columns.append(
            {
                "day": d,
                "appointments": [a for a in shown if d_start <= a.starts_at < d_end],
                "free": free,
                "open": [h for h in office.opening_hours if h.weekday == d.weekday()],
            }
        )
    audit_calendar(office)
    db.session.commit()
    step = timedelta(days=1 if view == "day" else 7)
    return render_template(
        "appointments/calendar.html",
        office=office,
        offices=offices,
        caseworkers=caseworkers,
        rooms=rooms,
        caseworker_id=caseworker_id,
        room_id=room_id,
        view=view,
        day=day,
        prev_day=(day - step).isoformat(),
        next_day=(day + step).isoformat(),
        columns=columns,
        duration=duration,
        person=person,
        moving=moving,
        today=_today(),
        open_requests=services.open_requests_for(current_user),
    )


def audit_calendar(office: Office) -> None:
    from caseapp.audit import services as audit

    audit.record(current_user, "view_calendar", "office", office.id, office_id=office.id)


@bp.route("/offices/<int:office_id>/rooms", methods=["GET", "POST"])
@access(Role.ADMIN, Role.CASEWORKER, office_arg="office_id")
def rooms(office_id: int):
    office = db.session.get(Office, office_id)
    if office is None:
        abort(404)
    form = RoomForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.create_room(current_user, office, form.name.data, form.notes.data or "")
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
            status = 400
        else:
            db.session.commit()
            flash(_("The room has been added."), "success")
            return redirect(url_for("appointments.rooms", office_id=office_id))
    elif request.method == "POST":
        status = 400
    return render_template(
        "appointments/rooms.html", office=office, form=form, rooms=services.rooms_of(office.id)
    ), status


@bp.post("/offices/<int:office_id>/rooms/<int:room_id>/active")
@access(Role.ADMIN, Role.CASEWORKER, office_arg="office_id")
def room_active(office_id: int, room_id: int):
    room = db.session.get(Room, room_id)
    if room is None or room.office_id != office_id:
        abort(404)
    services.set_room_active(current_user, room, request.form.get("active") == "1")
    db.session.commit()
    flash(_("Your changes have been saved."), "success")
    return redirect(url_for("appointments.rooms", office_id=office_id))


@bp.post("/requests/<int:request_id>/done")
@access(*CASEWORK)
def request_done(request_id: int):
    row = db.session.get(RescheduleRequest, request_id)
    if row is None:
        abort(404)
    _appointment_or_404(row.appointment_id)  # office check
    services.handle_request(current_user, row, utcnow())
    db.session.commit()
    flash(_("The request is marked as handled."), "success")
    return redirect(url_for("appointments.detail", appointment_id=row.appointment_id))
