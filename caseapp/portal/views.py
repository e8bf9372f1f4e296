"""The newcomer portal: sign in with case number and access code, see own appointments."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user
from sqlalchemy import func, select

from caseapp.appointments import ical, reminders, slips
from caseapp.appointments import services as appointments
from caseapp.appointments.models import SCHEDULED, Appointment, AppointmentChange
from caseapp.audit import services as audit
from caseapp.auth import services as auth
from caseapp.auth.roles import Role
from caseapp.auth.views import begin_browser_session
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.i18n import DEFAULT_LANGUAGE, _, current_language
from caseapp.portal import services
from caseapp.portal.blueprint import bp
from caseapp.portal.forms import ContactForm, PortalLoginForm, RescheduleRequestForm
from caseapp.web import flow, throttle
from caseapp.web.access import access, public


def _policy() -> throttle.Policy:
    cfg = current_app.config
    window = timedelta(minutes=cfg["LOGIN_THROTTLE_WINDOW_MINUTES"])
    return throttle.Policy(
        per_pair=cfg["PORTAL_MAX_FAILURES_PER_CASE"],
        per_address=cfg["PORTAL_MAX_FAILURES_PER_IP"],
        address_window=window,
        per_key_per_day=cfg["PORTAL_MAX_FAILURES_PER_CASE_PER_DAY"],
        longest_wait=window,
    )


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated and current_user.has_role(Role.NEWCOMER):
        return redirect(url_for("portal.home"))
    form = PortalLoginForm()
    if request.method == "GET" and request.args.get("case_number"):
        form.case_number.data = services.normalise_case_number(request.args["case_number"])
    # Not flow.submit(): a failed sign-in must be committed (it counts towards the throttle),
    # where flow rolls a refused form back.
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.case_number.data,
                form.access_code.data,
                request.remote_addr,
                _policy(),
                utcnow(),
            )
        except services.PortalThrottled as error:
            db.session.rollback()  # nothing was checked, nothing to keep
            form.form_errors.append(error.message)
            status, headers = 429, {"Retry-After": str(error.retry_after)}
        except (services.PortalLoginFailed, services.PortalCodeExpired) as error:
            db.session.commit()  # keep the failed attempt for throttling
            form.form_errors.append(error.message)
        else:
            lang = session.get("lang")
            if lang:  # the language chosen on the sign-in page becomes the newcomer's own
                auth.set_preferred_language(user, lang)
            token = auth.start_session(user, request.remote_addr)
            db.session.commit()
            begin_browser_session(user, token)
            return redirect(url_for("portal.home"))
    form.access_code.data = ""
    return render_template("portal/login.html", form=form), status, headers


@bp.post("/logout")
@access(Role.NEWCOMER)
def logout():
    auth.end_session(session.get("sid"))
    db.session.commit()
    lang = current_user.preferred_language or session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are signed out."), "success")
    return redirect(url_for("portal.login"))


def _own_appointments(action: str = "portal_view"):
    person = services.person_for(current_user)
    if person is None:
        return None, []
    _audit(person, action)
    return person, appointments.for_person(person.id)


def _audit(person, action: str) -> None:
    """The newcomer's own reads are audited like staff reads (committed by the view)."""
    audit.record(
        current_user, action, "person", person.id, office_id=person.office_id, purpose="portal"
    )


def _own_or_404(appointment_id: int) -> Appointment:
    """The appointment if it is the newcomer's: their own, a merged record's or their
    household's — the same rule as their appointment list."""
    person = services.person_for(current_user)
    appointment = None
    if person is not None:
        appointment = db.session.scalar(
            select(Appointment).where(
                Appointment.id == appointment_id, appointments.for_person_clause(person.id)
            )
        )
    if appointment is None:
        abort(404)
    return appointment


@bp.get("/")
@access(Role.NEWCOMER)
def home():
    person, rows = _own_appointments()
    now = utcnow()
    upcoming = sorted(
        (a for a in rows if a.ends_at > now and a.status == SCHEDULED), key=lambda a: a.starts_at
    )
    past = [a for a in rows if a not in upcoming][:10]  # the most recent ones
    requested = {a.id for a in upcoming if appointments.open_request(a) is not None}
    access_row = services.access_for_user(current_user)
    db.session.commit()  # the audit row of this read
    return render_template(
        "portal/home.html",
        person=person,
        upcoming=upcoming,
        past=past,
        requested=requested,
        access_row=access_row,
        ambassador=services.ambassador_for(person) if person else None,
    )


def _sequences(rows) -> dict[int, int]:
    ids = [a.id for a in rows] or [0]
    return dict(
        db.session.execute(
            select(AppointmentChange.appointment_id, func.count(AppointmentChange.id))
            .where(
                AppointmentChange.appointment_id.in_(ids),
                AppointmentChange.action.in_(("rescheduled", "cancelled")),
            )
            .group_by(AppointmentChange.appointment_id)
        ).all()
    )


def _ics_response(rows, filename: str):
    person = services.person_for(current_user)
    language = services.newcomer_language(person) if person else DEFAULT_LANGUAGE
    language = current_language() if request.args.get("lang") else language
    body = ical.calendar_bytes(rows, language, request.host.split(":")[0], _sequences(rows))
    if person is not None:
        _audit(person, "portal_export_calendar")
        db.session.commit()
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/appointments/<int:appointment_id>.ics")
@access(Role.NEWCOMER)
def appointment_ics(appointment_id: int):
    appointment = _own_or_404(appointment_id)
    return _ics_response([appointment], f"appointment-{appointment.id}.ics")


@bp.get("/appointments/<int:appointment_id>/slip.pdf")
@access(Role.NEWCOMER)
def appointment_slip(appointment_id: int):
    """The newcomer's own slip (or their household's) to show at reception or print, in the
    language the portal is shown in; never with the access code."""
    appointment = _own_or_404(appointment_id)
    person = services.person_for(current_user)
    language = current_language()
    url = reminders.portal_url(language, person.case.case_number)
    pdf = slips.render_slip(appointment, language, url, person=person)
    slips.record_print(current_user, appointment, with_code=False, purpose="portal")
    db.session.commit()  # the audit row of this print
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'inline; filename="{slips.slip_filename(appointment)}"'
    )
    return response


@bp.get("/appointments.ics")
@access(Role.NEWCOMER)
def calendar_ics():
    _person, rows = _own_appointments()
    now = utcnow()
    return _ics_response(
        [a for a in rows if a.ends_at > now - timedelta(days=30)], "appointments.ics"
    )


@bp.route("/appointments/<int:appointment_id>/reschedule", methods=["GET", "POST"])
@access(Role.NEWCOMER)
def request_reschedule(appointment_id: int):
    appointment = _own_or_404(appointment_id)
    form = RescheduleRequestForm()
    done = flow.submit(
        form,
        lambda: appointments.request_reschedule(
            appointment.person, appointment, form.message.data or "", utcnow()
        ),
        to=url_for("portal.home"),
        message=_("Your request has been sent. Your office will contact you."),
    )
    if done:
        return done
    return render_template(
        "portal/reschedule.html", form=form, appointment=appointment
    ), flow.status(form)


@bp.route("/contact", methods=["GET", "POST"])
@access(Role.NEWCOMER)
def contact():
    access_row = services.access_for_user(current_user)
    if access_row is None:
        abort(404)
    form = ContactForm()
    if request.method == "GET":
        form.email.data = access_row.reminder_email
        form.phone.data = access_row.reminder_phone
        form.consent.data = access_row.reminder_consent_at is not None
    done = flow.submit(
        form,
        lambda: services.save_contact(
            current_user,
            email=(form.email.data or "").lower(),
            phone=form.phone.data or "",
            consent=bool(form.consent.data),
            now=utcnow(),
        ),
        to=url_for("portal.home"),
        message=_("Your changes have been saved."),
    )
    if done:
        return done
    return render_template("portal/contact.html", form=form), flow.status(form)
