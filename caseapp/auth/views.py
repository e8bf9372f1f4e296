"""Sign-in, sign-out, own password and language."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import refresh
from flask_login import current_user, login_user, logout_user

from caseapp.auth import second_factor, services
from caseapp.auth.blueprint import bp
from caseapp.auth.forms import ChangePasswordForm, LanguageForm, LoginForm
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.i18n import DEFAULT_LANGUAGE, _
from caseapp.web import flow, throttle
from caseapp.web.access import access, public

# Session keys: a password-checked sign-in waiting for its second step, and a signed-in
# session that must set up a second factor before anything else.
PENDING = "second_factor_pending"
PENDING_SECONDS = 5 * 60
ENROL_FIRST = "second_factor_enrol_first"


def _policy() -> throttle.Policy:
    cfg = current_app.config
    window = timedelta(minutes=cfg["LOGIN_THROTTLE_WINDOW_MINUTES"])
    return throttle.Policy(
        per_pair=cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
        per_address=cfg["LOGIN_MAX_FAILURES_PER_IP"],
        address_window=window,
        per_key_per_day=cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT_PER_DAY"],
        longest_wait=window,
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
    if getattr(g, "session_expired", False) and request.method == "GET":
        flash(_("You were signed out because you were inactive for a while."), "info")
    # Not flow.submit(): a failed sign-in must be committed (it counts towards the throttle),
    # where flow rolls a refused form back.
    headers = {}
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data, form.password.data, request.remote_addr, _policy(), utcnow()
            )
        except services.LoginThrottled as error:
            db.session.rollback()  # nothing was checked, nothing to keep
            form.form_errors.append(error.message)
            status, headers = 429, {"Retry-After": str(error.retry_after)}
        except services.LoginFailed as error:
            db.session.commit()  # keep the failed attempt for throttling
            form.form_errors.append(error.message)
        else:
            target = _safe_next(request.args.get("next")) or url_for("dashboard.index")
            if second_factor.is_enrolled(user):
                db.session.commit()  # the password step passed; not signed in yet
                begin_second_step(user, target)
                return redirect(url_for("auth.second_factor"))
            level = second_factor.level_for(user, defaults_apply=second_factor_defaults_apply())
            token = services.start_session(user, request.remote_addr, request.user_agent.string)
            db.session.commit()
            begin_browser_session(user, token)
            if level == second_factor.REQUIRED:
                # Nothing else opens until it is set up (second_factor_views.require_enrolment).
                session[ENROL_FIRST] = True
                flash(_("Your role requires a second factor. Please set it up now."), "warning")
                return redirect(url_for("auth.second_factor_setup"))
            if level == second_factor.RECOMMENDED:
                flash(
                    _(
                        "We recommend protecting your account with a second factor. "
                        "You can set it up under My account."
                    ),
                    "info",
                )
            return redirect(target)
    form.password.data = ""
    return render_template("auth/login.html", form=form), status, headers


def second_factor_defaults_apply() -> bool:
    """Whether the per-role defaults (required for administrators ...) are enforced: in
    production, or where a configuration says so (docs/security.md)."""
    cfg = current_app.config
    return bool(cfg.get("SECOND_FACTOR_DEFAULTS_APPLY", cfg.get("CASEAPP_ENV") == "production"))


def begin_second_step(user, target: str) -> None:
    """The password was right; the session waits (5 minutes) for the second factor."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session[PENDING] = {"uid": user.id, "at": utcnow().timestamp(), "next": target}


def begin_browser_session(user, token: str) -> None:
    """The cookie side of signing in (staff and portal): a new session, no fixation."""
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    if lang:
        session["lang"] = lang
    session["sid"] = token
    session["seen"] = utcnow().timestamp()
    login_user(user)


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
        language_form=LanguageForm(language=current_user.preferred_language or DEFAULT_LANGUAGE),
    )


@bp.post("/account/password")
@access(signed_in=True)
def change_password():
    form = ChangePasswordForm()
    done = flow.submit(
        form,
        lambda: services.change_password(
            current_user,
            form.current_password.data,
            form.new_password.data,
            keep_token=session.get("sid"),
        ),
        to=url_for("auth.account"),
        message=_("Your password has been changed. Other devices have been signed out."),
    )
    if done:
        return done
    language_form = LanguageForm(language=current_user.preferred_language or DEFAULT_LANGUAGE)
    return render_template(
        "auth/account.html", password_form=form, language_form=language_form
    ), flow.status(form)


def _switch_language(code: str) -> None:
    services.set_preferred_language(current_user, code)
    session["lang"] = code
    g.pop("_lotse_locale", None)
    refresh()  # the message below is already in the new language


@bp.post("/account/language")
@access(signed_in=True)
def change_language():
    form = LanguageForm()
    done = flow.submit(
        form,
        lambda: _switch_language(form.language.data),
        to=_safe_next(request.args.get("next")) or url_for("auth.account"),
    )
    if done:
        flash(_("Your language has been saved."), "success")
        return done
    return render_template(
        "auth/account.html", password_form=ChangePasswordForm(), language_form=form
    ), flow.status(form)
