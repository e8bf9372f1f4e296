"""Translated error pages; never a traceback."""

from __future__ import annotations

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from caseapp.extensions import db
from caseapp.i18n import _


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

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        code = error.code or 500
        title, message = _messages().get(code, (error.name, ""))
        return _page(code, title, message)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        title, message = _messages()[500]
        return _page(500, title, message)
