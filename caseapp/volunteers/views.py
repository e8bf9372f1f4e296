"""Public sign-up and certificate check; the volunteer's own pages."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from caseapp.auth.roles import Role
from caseapp.core.clock import local_today, utcnow
from caseapp.core.errors import StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _, current_language
from caseapp.offices.models import District
from caseapp.volunteers import public_limits, services, trainings
from caseapp.volunteers.blueprint import bp
from caseapp.volunteers.certificates import find_by_code, record_download, render_pdf
from caseapp.volunteers.forms import ConfirmForm, HoursForm, ProfileForm, SignupForm
from caseapp.volunteers.labels import CONSENT_VERSION, ENGAGED, VOLUNTEER_ACTIONS_LABELS
from caseapp.volunteers.models import Application, Certificate, HoursEntry, Training
from caseapp.web import idempotency
from caseapp.web.access import access, public

COORDINATION = (Role.COORDINATOR, Role.ADMIN)


def district_choices():
    return [(d.id, d.name) for d in db.session.scalars(select(District).order_by(District.name))]


def programme_choices(programmes=None):
    language = current_language()
    programmes = programmes if programmes is not None else services.offered_programmes()
    return [(p.id, p.name(language)) for p in programmes]


def profile_data(form: ProfileForm, cls=services.ProfileData, **extra):
    return cls(
        name=form.name.data or "",
        phone=form.phone.data or "",
        district_id=form.district.data or None,
        languages=form.language_pairs(),
        skills=form.skills.data or "",
        profession=form.profession.data or "",
        interests=form.interests.data or "",
        availability=list(form.availability.data or []),
        capacity=form.capacity.data,
        gender=form.gender.data or "none",
        birth_year=form.birth_year.data,
        programme_ids=list(form.programmes.data or []),
        **extra,
    )


# --- public -----------------------------------------------------------------------------------


@bp.route("/volunteer/signup", methods=["GET", "POST"])
@public
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    programmes = services.offered_programmes()
    form = SignupForm(
        district_choices=district_choices(), programme_choices=programme_choices(programmes)
    )
    if request.method == "GET":
        form.capacity.data = 1
        wanted = request.args.get("programme", type=int)
        if wanted:
            form.programmes.data = [wanted]
    status = 200
    if form.validate_on_submit():
        if idempotency.previous_result(form.submission_id.data):  # a double click
            return redirect(url_for("volunteers.signup_sent"))
        try:
            public_limits.count_signup()
        except public_limits.Throttled as error:
            db.session.commit()
            form.form_errors.append(error.message)
            status = 429
        else:
            if form.website.data:  # a bot filled the hidden field: pretend all went well
                db.session.commit()
                return redirect(url_for("volunteers.signup_sent"))
            data = profile_data(
                form,
                services.SignupData,
                email=form.email.data,
                password=form.password.data,
                language=current_language(),
                consent=bool(form.consent.data),
            )
            try:
                services.signup(data, secret=current_app.config["SECRET_KEY"])
            except ValidationFailed as error:
                db.session.rollback()
                form.apply_errors(error)
                status = 400
            else:
                target = url_for("volunteers.signup_sent")
                idempotency.remember(form.submission_id.data, None, target)
                db.session.commit()
                return redirect(target)
    elif request.method == "POST":
        status = 400
    form.password.data = form.confirm.data = ""
    return render_template(
        "volunteers/signup.html",
        form=form,
        programmes=programmes,
        consent_version=CONSENT_VERSION,
    ), status


@bp.get("/volunteer/signup/sent")
@public
def signup_sent():
    return render_template("volunteers/signup_sent.html")


@bp.route("/volunteer/confirm", methods=["GET", "POST"])
@public
def confirm():
    """GET shows a button (mail scanners follow links); POST confirms the address."""
    token = request.values.get("token", "")
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.confirm_email(token, secret=current_app.config["SECRET_KEY"])
        except services.InvalidLink as error:
            db.session.rollback()
            return render_template(
                "volunteers/confirm.html", form=form, token=token, error=error.message
            ), 400
        db.session.commit()
        flash(_("Thank you, your e-mail address is confirmed. You can sign in now."), "success")
        return redirect(url_for("auth.login"))
    return render_template("volunteers/confirm.html", form=form, token=token, error=None)


@bp.get("/certificates/verify")
@public
def verify_certificate():
    code = (request.args.get("code") or "").strip()[:40]
    certificate = None
    checked = bool(code)
    status = 200
    if checked:
        try:
            public_limits.count_certificate_check()
        except public_limits.Throttled as error:
            db.session.commit()
            return render_template(
                "volunteers/verify.html", code=code, checked=False, throttled=error.message
            ), 429
        # The attempt counter is the only write; it is what makes guessing slow.
        certificate = find_by_code(code)
        db.session.commit()
        status = 200 if certificate else 404
    return render_template(
        "volunteers/verify.html",
        code=code,
        checked=checked,
        certificate=certificate,
        throttled=None,
    ), status


# --- the volunteer's own pages --------------------------------------------------------------


def _own_profile():
    return services.profile_for(current_user)


def _own_application(application_id: int) -> Application:
    volunteer = _own_profile()
    application = db.session.get(Application, application_id)
    if volunteer is None or application is None or application.volunteer_id != volunteer.id:
        abort(404)  # someone else's programme does not exist for this user
    return application


@bp.get("/volunteer/me")
@access(Role.VOLUNTEER)
def me():
    volunteer = _own_profile()
    if volunteer is None:
        return render_template("volunteers/me.html", volunteer=None)
    now = utcnow()
    upcoming = trainings.open_trainings_for(volunteer, now)
    registered = {
        r.training_id for t in upcoming for r in t.registrations if r.volunteer_id == volunteer.id
    }
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.volunteer_id == volunteer.id).order_by(Certificate.id)
    ).all()
    hours = db.session.scalars(
        select(HoursEntry)
        .where(HoursEntry.volunteer_id == volunteer.id)
        .order_by(HoursEntry.day.desc(), HoursEntry.id.desc())
        .limit(10)
    ).all()
    from caseapp.matches.services import own_matches

    return render_template(
        "volunteers/me.html",
        volunteer=volunteer,
        matches=own_matches(volunteer.id, current_language()),
        upcoming=upcoming,
        registered=registered,
        certificates=certificates,
        hours=hours,
        total_minutes=services.minutes_logged(volunteer.id),
        confirm_form=ConfirmForm(),
        engaged=ENGAGED,
        actions=VOLUNTEER_ACTIONS_LABELS,
        transitions=services.TRANSITIONS,
    )


@bp.route("/volunteer/profile", methods=["GET", "POST"])
@access(Role.VOLUNTEER)
def profile():
    volunteer = _own_profile()
    applied = {a.programme_id for a in volunteer.applications} if volunteer else set()
    programmes = [p for p in services.offered_programmes() if p.id not in applied]
    form = ProfileForm(
        district_choices=district_choices(), programme_choices=programme_choices(programmes)
    )
    if request.method == "GET":
        if volunteer is not None:
            form.process(obj=volunteer)
            form.name.data = volunteer.name
            form.district.data = volunteer.district_id or 0
            form.set_language_pairs(volunteer.languages or [])
            form.programmes.data = []
            form.version.data = volunteer.version
        else:
            form.name.data = current_user.display_name
            form.capacity.data = 1
        return render_template("volunteers/profile.html", form=form, volunteer=volunteer)
    if form.validate_on_submit():
        data = profile_data(form)
        data.programme_ids = sorted(set(data.programme_ids) | applied)
        try:
            if volunteer is None:
                services.create_profile(current_user, data)
            else:
                services.update_profile(current_user, volunteer, data, form.loaded_version())
        except StaleVersion:
            db.session.rollback()
            flash(
                _("Your profile was changed meanwhile. Please check it and save again."), "warning"
            )
            return redirect(url_for("volunteers.profile"))
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
        else:
            db.session.commit()
            flash(_("Your changes have been saved."), "success")
            return redirect(url_for("volunteers.me"))
    return render_template("volunteers/profile.html", form=form, volunteer=volunteer), 400


def _flash_errors(error: ValidationFailed) -> None:
    for messages in error.errors.values():
        for message in messages:
            flash(message, "danger")


@bp.post("/volunteer/trainings/<int:training_id>/register")
@access(Role.VOLUNTEER)
def register_training(training_id: int):
    volunteer = _own_profile()
    training = db.session.get(Training, training_id)
    if volunteer is None or training is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            trainings.register(current_user, volunteer, training, utcnow())
        except ValidationFailed as error:
            db.session.rollback()
            _flash_errors(error)
        else:
            db.session.commit()
            flash(_("You are registered for %(title)s.", title=training.title), "success")
    return redirect(url_for("volunteers.me"))


@bp.post("/volunteer/trainings/<int:training_id>/unregister")
@access(Role.VOLUNTEER)
def unregister_training(training_id: int):
    volunteer = _own_profile()
    training = db.session.get(Training, training_id)
    if volunteer is None or training is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            trainings.unregister(current_user, volunteer, training, utcnow())
        except ValidationFailed as error:
            db.session.rollback()
            _flash_errors(error)
        else:
            db.session.commit()
            flash(_("Your registration has been cancelled."), "success")
    return redirect(url_for("volunteers.me"))


@bp.route(
    "/volunteer/programmes/<int:application_id>/<any(pause,resume,end):action>",
    methods=["GET", "POST"],
)
@access(Role.VOLUNTEER)
def change_engagement(application_id: int, action: str):
    """GET asks for confirmation; POST pauses, resumes or ends the engagement."""
    application = _own_application(application_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.change_engagement(current_user, application, action)
        except ValidationFailed as error:
            db.session.rollback()
            _flash_errors(error)
        else:
            db.session.commit()
            flash(_("Your engagement has been updated."), "success")
        return redirect(url_for("volunteers.me"))
    return render_template(
        "volunteers/engagement.html",
        application=application,
        action=action,
        form=form,
        labels=VOLUNTEER_ACTIONS_LABELS,
    )


@bp.route("/volunteer/hours", methods=["GET", "POST"])
@access(Role.VOLUNTEER)
def hours():
    volunteer = _own_profile()
    if volunteer is None:
        return redirect(url_for("volunteers.me"))
    language = current_language()
    choices = [
        (a.programme_id, a.programme.name(language))
        for a in volunteer.applications
        if a.status in ENGAGED
    ]
    from caseapp.matches.services import own_matches

    mine = own_matches(volunteer.id, language)
    form = HoursForm(
        programme_choices=choices,
        match_choices=[(m.id, f"{m.first_name} · {m.programme}") for m in mine],
    )
    status = 200
    if request.method == "GET":
        form.day.data = local_today()
        form.minutes.data = 60
        form.match.data = request.args.get("match", type=int) or 0
    elif form.validate_on_submit():
        earlier = idempotency.previous_result(form.submission_id.data)
        if earlier:
            return redirect(earlier)
        try:
            services.log_hours(
                current_user,
                volunteer,
                form.programme.data,
                form.day.data,
                form.minutes.data,
                form.activity.data,
                local_today(),
                match_id=form.match.data or None,
            )
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
            status = 400
        else:
            target = url_for("volunteers.hours")
            idempotency.remember(form.submission_id.data, current_user.id, target)
            db.session.commit()
            flash(_("Thank you! Your time has been logged."), "success")
            return redirect(target)
    else:
        status = 400
    entries = db.session.scalars(
        select(HoursEntry)
        .where(HoursEntry.volunteer_id == volunteer.id)
        .order_by(HoursEntry.day.desc(), HoursEntry.id.desc())
    ).all()
    return render_template(
        "volunteers/hours.html",
        form=form,
        entries=entries,
        total_minutes=services.minutes_logged(volunteer.id),
    ), status


@bp.get("/volunteer/certificates/<int:certificate_id>.pdf")
@access(Role.VOLUNTEER, *COORDINATION)
def certificate_pdf(certificate_id: int):
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        abort(404)
    is_coordination = current_user.has_role(*COORDINATION)
    if not is_coordination and certificate.volunteer.user_id != current_user.id:
        abort(404)
    verify_url = url_for("volunteers.verify_certificate", code=certificate.code, _external=True)
    pdf = render_pdf(certificate, verify_url)
    if is_coordination:
        record_download(current_user, certificate)
        db.session.commit()
    filename = f"lotse-certificate-{certificate.code}.pdf"
    return current_app.response_class(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
