"""What the newcomer takes home: the appointment slip (PDF, with a QR code to the portal) and
the portal access code."""

from __future__ import annotations

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from caseapp.appointments import reminders, services, slips
from caseapp.appointments.blueprint import bp
from caseapp.appointments.forms import SlipCodeForm
from caseapp.appointments.models import SCHEDULED
from caseapp.appointments.slots import BERLIN
from caseapp.appointments.views.common import CASEWORK, appointment_or_404, person_or_404
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.portal import services as portal
from caseapp.web.access import access


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
    db.session.commit()  # the audit row of this print
    return _pdf_response(pdf, appointment)


@bp.get("/<int:appointment_id>/slip.pdf")
@access(*CASEWORK)
def slip(appointment_id: int):
    """The slip without an access code (codes are only shown when they are issued)."""
    return _slip(appointment_or_404(appointment_id))


@bp.post("/<int:appointment_id>/slip-with-code")
@access(*CASEWORK)
def slip_with_code(appointment_id: int):
    """The slip with the code just issued; the posted code must be the person's current one."""
    appointment = appointment_or_404(appointment_id)
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
    person = person_or_404(person_id)
    code = None
    if request.method == "POST":  # CSRFProtect has checked the token
        code = portal.issue_code(
            current_user,
            person,
            now=utcnow(),
            valid_days=current_app.config["PORTAL_CODE_VALID_DAYS"],
        )
        # Committed here, not through flow.submit: the code is shown once on this very page
        # (a redirect would have to carry it in the URL or the session cookie).
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
