"""The second factor's pages: the sign-in step (code or recovery code) and the user's own
set-up (QR code, confirmation, recovery codes shown once, new codes, turning it off)."""

from __future__ import annotations

import segno
from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from caseapp.auth import second_factor as factors
from caseapp.auth import services, totp
from caseapp.auth.blueprint import bp
from caseapp.auth.forms import CodeForm, ConfirmForm, RecoveryForm
from caseapp.auth.models import User
from caseapp.auth.views import (
    ENROL_FIRST,
    PENDING,
    PENDING_SECONDS,
    _policy,
    begin_browser_session,
    second_factor_defaults_apply,
)
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.i18n import _, ngettext
from caseapp.web import flow
from caseapp.web.access import access, public

# Who may set up a second factor: everyone who signs in at /login (not the portal).
SIGN_IN_ROLES = tuple(factors.POLICY_ROLES)
# While a required second factor is not set up, only these pages open.
_WHILE_ENROLLING = {
    "auth.second_factor_setup",
    "auth.second_factor_start",
    "auth.second_factor_confirm",
    "auth.logout",
    "auth.change_language",
    "static",
}


@bp.before_app_request
def require_enrolment():
    """A role that requires a second factor: nothing but the set-up until it is done.

    Reads only the cookie session (not the user), so the idle timeout after it still decides
    whether this browser is signed in at all.
    """
    if session.get(ENROL_FIRST) and request.endpoint not in _WHILE_ENROLLING:
        return redirect(url_for("auth.second_factor_setup"))
    return None


# --- the sign-in step ------------------------------------------------------------------------


def _pending_user() -> User | None:
    """The user whose password was right in this browser in the last 5 minutes, if any."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if utcnow().timestamp() - float(pending.get("at", 0)) > PENDING_SECONDS:
        session.pop(PENDING, None)
        flash(_("The sign-in took too long. Please sign in again."), "info")
        return None
    user = db.session.get(User, pending.get("uid"))
    if user is None or not user.active:
        session.pop(PENDING, None)
        return None
    return user


def _finish_sign_in(user: User, notice: str | None = None):
    target = session.get(PENDING, {}).get("next") or url_for("dashboard.index")
    token = services.start_session(user, request.remote_addr, request.user_agent.string)
    db.session.commit()
    begin_browser_session(user, token)  # clears the pending state with the old session
    if notice:
        flash(notice, "warning")  # after the new session began, or it would be cleared
    return redirect(target)


def _second_step(form, verify, template: str):
    """Shared by code and recovery-code sign-in. Not flow.submit(): a refused code must be
    committed (throttle and audit), where flow rolls a refused form back."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    user = _pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            result = verify(user, form.code.data, request.remote_addr, _policy(), utcnow())
        except factors.SecondFactorThrottled as error:
            db.session.commit()  # the audit entry; nothing was checked
            form.form_errors.append(error.message)
            status, headers = 429, {"Retry-After": str(error.retry_after)}
        except factors.SecondFactorFailed as error:
            db.session.commit()  # counts towards the throttle, and is audited
            form.form_errors.append(error.message)
        else:
            notice = None
            if isinstance(result, int):  # a recovery code: how many are left
                notice = ngettext(
                    "You signed in with a recovery code. %(num)d recovery code is left.",
                    "You signed in with a recovery code. %(num)d recovery codes are left.",
                    result,
                )
            return _finish_sign_in(user, notice)
    form.code.data = ""
    return render_template(template, form=form), status, headers


@bp.route("/login/code", methods=["GET", "POST"])
@public
def second_factor():
    return _second_step(CodeForm(), factors.verify_code, "auth/second_factor.html")


@bp.route("/login/recovery", methods=["GET", "POST"])
@public
def recovery():
    return _second_step(RecoveryForm(), factors.verify_recovery_code, "auth/recovery.html")


# --- the user's own set-up -------------------------------------------------------------------


def _level() -> str | None:
    return factors.level_for(current_user, defaults_apply=second_factor_defaults_apply())


def _qr_svg(secret: str) -> str:
    """The otpauth URI as an inline SVG QR code (made here: no request leaves the browser)."""
    uri = totp.provisioning_uri(secret, current_user.email)
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, omitsize=True)


def _setup_page(code_form=None, status: int = 200, *, renew_form=None, remove_form=None):
    factor = factors.factor_of(current_user)
    enrolling = factor is not None and factor.confirmed_at is None
    context = {
        "factor": factor,
        "enrolled": factor is not None and factor.confirmed_at is not None,
        "enrolling": enrolling,
        "level": _level(),
        "codes_left": factors.recovery_codes_left(current_user),
        "code_form": code_form or CodeForm(),
        # Two forms on one page: each its own field names and ids.
        "renew_form": renew_form or CodeForm(prefix="renew"),
        "remove_form": remove_form or CodeForm(prefix="remove"),
        "confirm_form": ConfirmForm(),
        "required_first": bool(session.get(ENROL_FIRST)),
    }
    if enrolling:
        context["qr_svg"] = _qr_svg(factor.secret)
        context["secret"] = totp.grouped_secret(factor.secret)
    return render_template("auth/second_factor_setup.html", **context), status


@bp.get("/account/second-factor")
@access(*SIGN_IN_ROLES)
def second_factor_setup():
    return _setup_page()


@bp.post("/account/second-factor/start")
@access(*SIGN_IN_ROLES)
def second_factor_start():
    form = ConfirmForm()
    done = flow.submit(
        form,
        lambda: factors.start_enrolment(current_user),
        to=url_for("auth.second_factor_setup"),
    )
    if done:
        return done
    for message in [*form.form_errors, *[e for errs in form.errors.values() for e in errs]]:
        flash(message, "danger")
    return redirect(url_for("auth.second_factor_setup"))


def _show_codes(form, action, message: str, *, form_slot: str = "code_form"):
    """Run `action` (which returns fresh recovery codes) through the form flow, then show the
    codes once, on this response: they are never stored in plain text, nor in the cookie."""
    codes: list[str] = []

    def run():
        codes.extend(action())

    done = flow.submit(form, run, to=url_for("auth.second_factor_setup"), message=message)
    if done is not None and codes:
        return render_template("auth/recovery_codes.html", codes=codes), True
    if done is not None:
        return done, False
    return _setup_page(status=flow.status(form), **{form_slot: form}), False


@bp.post("/account/second-factor/confirm")
@access(*SIGN_IN_ROLES)
def second_factor_confirm():
    form = CodeForm()
    response, done = _show_codes(
        form,
        lambda: factors.confirm_enrolment(current_user, form.code.data, utcnow()),
        _("Your second factor is set up."),
    )
    if done:
        session.pop(ENROL_FIRST, None)
    return response


@bp.post("/account/second-factor/recovery-codes")
@access(*SIGN_IN_ROLES)
def recovery_codes_renew():
    form = CodeForm(prefix="renew")
    response, _done = _show_codes(
        form,
        lambda: factors.renew_recovery_codes(current_user, form.code.data, utcnow()),
        _("New recovery codes have been made. The old ones no longer work."),
        form_slot="renew_form",
    )
    return response


@bp.post("/account/second-factor/remove")
@access(*SIGN_IN_ROLES)
def second_factor_remove():
    form = CodeForm(prefix="remove")
    done = flow.submit(
        form,
        lambda: factors.remove_own(current_user, form.code.data, utcnow(), level=_level()),
        to=url_for("auth.second_factor_setup"),
        message=_("Your second factor has been turned off."),
    )
    if done:
        return done
    return _setup_page(status=flow.status(form), remove_form=form)
