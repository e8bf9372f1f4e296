"""Sign-in, sign-out, own password and language."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from caseapp.auth import services
from caseapp.auth.blueprint import bp
from caseapp.auth.forms import ChangePasswordForm, LanguageForm, LoginForm
from caseapp.core.clock import utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.web.access import access, public


def _policy() -> services.ThrottlePolicy:
    cfg = current_app.config
    return services.ThrottlePolicy(
        max_per_account=cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
        max_per_ip=cfg["LOGIN_MAX_FAILURES_PER_IP"],
        window=timedelta(minutes=cfg["LOGIN_THROTTLE_WINDOW_MINUTES"]),
    )


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths; never a redirect to another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    status = 200
    if getattr(g, "session_expired", False) and request.method == "GET":
        flash(_("You were signed out because you were inactive for a while."), "info")
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data, form.password.data, request.remote_addr or "", _policy()
            )
        except services.LoginThrottled as error:
            db.session.commit()
            form.form_errors.append(error.message)
            status = 429
        except services.LoginFailed as error:
            db.session.commit()  # keep the failed attempt for throttling
            form.form_errors.append(error.message)
            status = 200
        else:
            token = services.start_session(user, request.remote_addr)
            db.session.commit()
            lang = session.get("lang")
            session.clear()  # a new session on sign-in: no fixation
            session.permanent = True
            if lang:
                session["lang"] = lang
            session["sid"] = token
            session["seen"] = utcnow().timestamp()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("dashboard.index"))
    form.password.data = ""
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@access(signed_in=True)
def logout():
    services.end_session(session.get("sid"))
    db.session.commit()
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET"])
@access(signed_in=True)
def account():
    return render_template(
        "auth/account.html",
        password_form=ChangePasswordForm(),
        language_form=LanguageForm(language=current_user.preferred_language or "de"),
    )


@bp.post("/account/password")
@access(signed_in=True)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user,
                form.current_password.data,
                form.new_password.data,
                keep_token=session.get("sid"),
            )
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
        else:
            db.session.commit()
            flash(
                _("Your password has been changed. Other devices have been signed out."), "success"
            )
            return redirect(url_for("auth.account"))
    language_form = LanguageForm(language=current_user.preferred_language or "de")
    return render_template(
        "auth/account.html", password_form=form, language_form=language_form
    ), 400


@bp.post("/account/language")
@access(signed_in=True)
def change_language():
    form = LanguageForm()
    if form.validate_on_submit():
        services.set_preferred_language(current_user, form.language.data)
        db.session.commit()
        session["lang"] = form.language.data
        g.pop("_lotse_locale", None)
        from flask_babel import refresh

        refresh()
        flash(_("Your language has been saved."), "success")
        return redirect(_safe_next(request.args.get("next")) or url_for("auth.account"))
    return render_template(
        "auth/account.html", password_form=ChangePasswordForm(), language_form=form
    ), 400
