"""Errors as application/problem+json (RFC 9457), translated per Accept-Language.

Domain errors map onto statuses the same way everywhere: ValidationFailed → 400 with the
service's own (translated) reasons per field, NotFound → 404 (another office's records do
not exist for a token either), a stale version → 412, a person busy at that time → 409.
"""

from __future__ import annotations

import contextlib

import marshmallow as ma
from flask import current_app, jsonify
from sqlalchemy.exc import DataError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from caseapp.core.errors import DomainError, NotFound, StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.web.errors import DATABASE_ERRORS, DatabaseUnavailable

PROBLEM_JSON = "application/problem+json"


class ProblemSchema(ma.Schema):
    type = ma.fields.String(metadata={"description": "Always about:blank"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Reasons per field, as the pages show them"},
    )


class Problem(Exception):
    """Raise from an operation to answer with a problem document."""

    def __init__(self, status: int, detail: str = "", errors=None, headers=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Authentication required"),
        403: _("Access denied"),
        404: _("Not found"),
        405: _("Not allowed"),
        409: _("Conflict"),
        412: _("Changed meanwhile"),
        413: _("Too large"),
        415: _("Unsupported media type"),
        422: _("Invalid values"),
        428: _("Precondition required"),
        429: _("Too many requests"),
        500: _("Something went wrong"),
        503: _("Lotse is not available"),
    }


def response(status: int, detail: str = "", errors=None, headers=None):
    body = {"type": "about:blank", "title": _titles().get(status, str(status)), "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = {k: [str(m) for m in v] for k, v in errors.items()}
    answer = jsonify(body)
    answer.status_code = status
    answer.mimetype = PROBLEM_JSON
    answer.headers.update(headers or {})
    return answer


def unauthorized(reason: str):
    details = {
        "missing": _("Send an API token in the Authorization header (Bearer)."),
        "unknown": _("This API token is not known."),
        "revoked": _("This API token has been revoked."),
        "expired": _("This API token has expired."),
    }
    return response(
        401,
        details.get(reason, details["unknown"]),
        headers={"WWW-Authenticate": 'Bearer realm="lotse", error="invalid_token"'},
    )


def too_many(throttled):
    return response(
        429,
        _("Please wait a moment and try again."),
        headers={"Retry-After": str(throttled.retry_after)},
    )


def _schema_errors(messages) -> dict[str, list[str]]:
    """webargs' messages ({location: {field: [english]}}) as translated reasons per field."""
    known = {
        "Missing data for required field.": _("This field is required."),
        "Unknown field.": _("Unknown field."),
    }
    out: dict[str, list[str]] = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            out[prefix or "_"] = [known.get(v, _("Not a valid value.")) for v in value]
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                walk(f"{prefix}.{i}", inner)
        else:
            out[prefix or "_"] = [known.get(str(value), _("Not a valid value."))]

    for location in messages.values() if isinstance(messages, dict) else [messages]:
        walk("", location)
    return out


def _unavailable(error):
    """The database is down or busy: 503, as the pages answer (never a 500)."""
    with contextlib.suppress(Exception):
        db.session.rollback()
    current_app.logger.warning("database unavailable: %s", error)
    return response(503, _("Please wait a moment and try again."), headers={"Retry-After": "5"})


def register(blueprint) -> None:
    @blueprint.errorhandler(Problem)
    def problem(error: Problem):
        db.session.rollback()
        return response(error.status, error.detail, error.errors, error.headers)

    @blueprint.errorhandler(ValidationFailed)
    def invalid(error: ValidationFailed):
        db.session.rollback()
        return response(400, error.message or _("Some values are not valid."), error.errors)

    @blueprint.errorhandler(NotFound)
    def not_found(_error):
        db.session.rollback()
        return response(404)

    @blueprint.errorhandler(StaleVersion)
    @blueprint.errorhandler(StaleDataError)
    def stale(_error):
        db.session.rollback()
        return response(412, _("Someone else changed this record while you were editing it."))

    @blueprint.errorhandler(DomainError)
    def refused(error: DomainError):
        db.session.rollback()
        return response(400, error.message or _("Some values are not valid."))

    @blueprint.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        data = getattr(error, "data", None) or {}
        errors = _schema_errors(data["messages"]) if "messages" in data else None
        return response(error.code or 500, errors=errors)

    @blueprint.errorhandler(DataError)
    @blueprint.errorhandler(OverflowError)
    def out_of_range(_error):
        db.session.rollback()
        return response(400, _("Some values are not valid."))

    for kind in (*DATABASE_ERRORS, DatabaseUnavailable):
        blueprint.register_error_handler(kind, _unavailable)

    @blueprint.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        current_app.logger.exception("API error", exc_info=error)
        return response(500, _("An unexpected error happened. Nothing was saved."))
