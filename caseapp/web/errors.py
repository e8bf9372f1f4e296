"""Translated error pages; never a traceback."""

from __future__ import annotations

import contextlib

from flask import g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, SecurityError

from caseapp.extensions import db
from caseapp.i18n import _

# The database cannot be reached (PostgreSQL down, network) or is busy (SQLite's write lock
# held past the busy timeout, a full connection pool).
DATABASE_ERRORS = (OperationalError, InterfaceError, PoolTimeout)


class DatabaseUnavailable(Exception):
    """Raised where the database failed outside a view (loading the signed-in user)."""


def database_unavailable() -> bool:
    """True once this request met an unreachable or busy database: pages must not query it."""
    return bool(g.get("database_unavailable"))


def _rollback_quietly() -> None:
    # The connection may be gone; there is nothing to undo then.
    with contextlib.suppress(Exception):
        db.session.rollback()


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _page(code: int, title: str, message: str):
    if _wants_json():
        return jsonify(error=title), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def _messages():
    return {
        400: (
            _("Bad request"),
            _("The request could not be understood. Please go back and try again."),
        ),
        401: (_("Please sign in"), _("You need to sign in to do this.")),
        403: (_("Access denied"), _("You do not have permission to open this page.")),
        404: (_("Page not found"), _("This page does not exist or you cannot see it.")),
        405: (_("Not allowed"), _("This action is not possible here.")),
        409: (
            _("Changed meanwhile"),
            _("Someone else changed this record while you were editing it."),
        ),
        413: (_("Too large"), _("What you sent is too large.")),
        429: (_("Too many requests"), _("Please wait a moment and try again.")),
        500: (
            _("Something went wrong"),
            _("An unexpected error happened. Nothing was saved. Please try again later."),
        ),
    }


def register_error_handlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        db.session.rollback()
        title = _("Form expired")
        message = _("The form could not be verified. Please reload the page and send it again.")
        return _page(400, title, message)

    @app.errorhandler(StaleDataError)
    def stale(error):
        db.session.rollback()
        title, message = _messages()[409]
        return _page(409, title, message)

    @app.errorhandler(DatabaseUnavailable)
    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def unavailable(error):
        """503 with Lotse's own translated page, signed in or not; never a bare 500."""
        g.database_unavailable = True  # the signed-in user is not loaded again for this page
        _rollback_quietly()
        cause = error.__cause__ if isinstance(error, DatabaseUnavailable) else error
        busy = "locked" in str(cause).lower() or isinstance(cause, PoolTimeout)
        app.logger.warning("database %s: %s", "busy" if busy else "unavailable", cause)
        if busy:
            title = _("Lotse is busy")
            message = _(
                "Lotse is very busy at the moment. Nothing was saved. Please go back and send the form again in a moment; what you typed is still in the form."
            )
        else:
            title = _("Lotse is not available")
            message = _(
                "Lotse cannot reach its database at the moment. Nothing was saved. Please try again in a few minutes."
            )
        if _wants_json():
            response = jsonify(error=title)
        else:
            response = render_template("errors/unavailable.html", title=title, message=message)
        return response, 503, {"Retry-After": "5" if busy else "30"}

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        """A Host header not in TRUSTED_HOSTS: no URLs can be built, so a page without links."""
        title, message = _messages()[400]
        body = (
            f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"</head><body><h1>{escape(title)}</h1><p>{escape(message)}</p></body></html>"
        )
        return body, 400, {"Content-Type": "text/html; charset=utf-8"}

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def out_of_range(error):
        """A value the database or the calendar cannot hold (an id of 10^20, year 10000)."""
        _rollback_quietly()
        app.logger.warning("value out of range: %s", error)
        title, message = _messages()[400]
        return _page(400, title, message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        code = error.code or 500
        title, message = _messages().get(code, (error.name, ""))
        return _page(code, title, message)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        _rollback_quietly()
        app.logger.exception("unhandled error")
        title, message = _messages()[500]
        return _page(500, title, message)
