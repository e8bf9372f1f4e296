"""My sessions: the user's signed-in browsers, signing out one of them or all others; and
keeping each session's "last seen" (about once a minute, when the idle clock moves)."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, g, render_template, session, url_for
from flask_login import current_user

from caseapp.auth import devices, services
from caseapp.auth.blueprint import bp
from caseapp.auth.forms import ConfirmForm, RecordForm
from caseapp.core.clock import utcnow
from caseapp.core.errors import NotFound
from caseapp.core.ids import token_digest
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.web import flow, readonly
from caseapp.web.access import access

_UNSET = object()


@bp.before_app_request
def _note_seen():
    """The idle clock's value before this request (app._check_idle_timeout moves it on at most
    once a minute); reads only the cookie."""
    g.session_seen_before = session.get("seen", _UNSET)


@bp.after_app_request
def _touch_session(response):
    """When the idle clock moved, the session row's last_seen_at follows: one UPDATE a minute
    per browser, not one per request."""
    sid = session.get("sid")
    before = g.get("session_seen_before", _UNSET)
    moved = before is not _UNSET and session.get("seen") != before
    if sid and moved and response.status_code < 400:
        readonly.write_apart()
        services.touch_session(sid, utcnow())
        db.session.commit()
    return response


def _sessions_page(status: int = 200, errors=()):
    cfg = current_app.config
    rows = services.active_sessions(
        current_user,
        utcnow(),
        idle=timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"]),
    )
    current = token_digest(session["sid"]) if session.get("sid") else None
    entries = [
        {
            "row": row,
            "device": devices.describe(row.user_agent),
            "current": row.token_digest == current,
        }
        for row in rows
    ]
    return render_template(
        "auth/sessions.html",
        entries=entries,
        form=ConfirmForm(),
        end_form=RecordForm(),
        errors=errors,
    ), status


def _or_404(action):
    """Another user's session is not there for this user: 404."""
    try:
        return action()
    except NotFound:
        abort(404)


@bp.get("/account/sessions")
@access(signed_in=True)
def sessions():
    return _sessions_page()


@bp.post("/account/sessions/end")
@access(signed_in=True)
def session_end():
    form = RecordForm()
    done = flow.submit(
        form,
        lambda: _or_404(
            lambda: services.end_own_session(
                current_user, form.record_id.data, current_token=session.get("sid")
            )
        ),
        to=url_for("auth.sessions"),
        message=_("The session has been signed out."),
    )
    if done:
        return done
    errors = [*form.form_errors, *[e for errs in form.errors.values() for e in errs]]
    return _sessions_page(status=flow.status(form) if errors else 400, errors=errors)


@bp.post("/account/sessions/end-others")
@access(signed_in=True)
def sessions_end_others():
    form = ConfirmForm()
    done = flow.submit(
        form,
        lambda: services.end_other_sessions(current_user, current_token=session.get("sid")),
        to=url_for("auth.sessions"),
        message=_("You have been signed out everywhere else."),
    )
    if done:
        return done
    return _sessions_page(status=400)
