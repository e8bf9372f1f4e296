"""Public pages: sign-up, the address confirmation and the certificate check."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user

from caseapp.extensions import db
from caseapp.i18n import _, current_language
from caseapp.volunteers import public_limits, services
from caseapp.volunteers.blueprint import bp
from caseapp.volunteers.certificates import find_by_code
from caseapp.volunteers.forms import ConfirmForm, SignupForm
from caseapp.volunteers.labels import CONSENT_VERSION
from caseapp.volunteers.views.common import district_choices, profile_data, programme_choices
from caseapp.web import flow
from caseapp.web.access import public


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

    def sign_up():
        public_limits.count_signup()
        if form.website.data:  # a bot filled the hidden field: pretend all went well
            return None
        data = profile_data(
            form,
            services.SignupData,
            email=form.email.data,
            password=form.password.data,
            language=current_language(),
            consent=bool(form.consent.data),
        )
        return services.signup(data, secret=current_app.config["SECRET_KEY"])

    last = len(form.STEPS)
    step = min(max(request.form.get("step", 1, type=int), 1), last)
    wanted = request.form.get("go", type=int) if request.method == "POST" else None
    if wanted is not None:
        # "Next" or "Back" between the steps: every field travels with each POST (the other
        # steps are hidden, not left out), so going back loses nothing; going on checks
        # this step's fields first.
        wanted = min(max(wanted, 1), last)
        if wanted <= step or form.validate_step(step):
            step = wanted
        shown = [step]
        done, status = None, flow.status(form)
    else:
        # The same page follows whether the address is new or has an account already.
        status = None
        try:
            done = flow.submit(form, sign_up, to=url_for("volunteers.signup_sent"))
        except public_limits.Throttled as error:
            form.form_errors.append(error.message)
            done, status = None, 429
        if done:
            return done
        # Every step with a mistake is shown, so each message in the summary links to its field,
        # and the account step, whose passwords are typed again.
        shown = [step if request.method == "POST" else 1]
        if form.errors:
            shown = sorted({*form.steps_with_errors(), last})
        step = shown[0]
    form.password.data = form.confirm.data = ""
    return render_template(
        "volunteers/signup.html",
        form=form,
        programmes=programmes,
        consent_version=CONSENT_VERSION,
        step=step,
        shown=shown,
    ), status or flow.status(form)


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
    done = flow.submit(
        form,
        lambda: services.confirm_email(token, secret=current_app.config["SECRET_KEY"]),
        to=url_for("auth.login"),
        message=_("Thank you, your e-mail address is confirmed. You can sign in now."),
    )
    if done:
        return done
    error = form.form_errors[0] if form.form_errors else None  # a broken or expired link
    return render_template(
        "volunteers/confirm.html", form=form, token=token, error=error
    ), flow.status(form)


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
