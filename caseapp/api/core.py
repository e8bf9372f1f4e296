"""The API's frame: one blueprint, token check (deny by default), ETags and cursors.

Every operation is registered with `api_v1.route(rule, roles=...)`. The web layer's
`enforce_access` sees these endpoints as public (no browser session, no sign-in redirect,
no CSRF); the token check below is what guards them: a bearer token is required, and an
operation that names no roles is refused — the same deny-by-default as the pages.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import http
import json

import flask_smorest
from flask import current_app, g, request
from flask_smorest.utils import prepare_response
from werkzeug.routing import BaseConverter

from caseapp.api import problems, tokens
from caseapp.auth.roles import Role
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.web.access import public
from caseapp.web.throttle import Throttled
from caseapp.web.urls import MAX_ID

CASEWORK = frozenset({Role.CASEWORKER})
COORDINATION = frozenset({Role.COORDINATOR})
ANY_TOKEN = frozenset({Role.CASEWORKER, Role.COORDINATOR, Role.REPORTS})

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class Api(flask_smorest.Api):
    """flask-smorest's Api without its app-wide JSON error handler (the pages keep their
    translated HTML errors) and with every error response documented as problem+json.
    No catch-all "default" response: each operation lists the statuses it may answer."""

    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = problems.ProblemSchema
            prepare_response(response, self.spec, problems.PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Error", "schema": problems.ProblemSchema}
        prepare_response(response, self.spec, problems.PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


class ApiBlueprint(flask_smorest.Blueprint):
    def route(self, rule, *, roles: frozenset[Role], errors=(), **options):
        """Register an operation for tokens with any of `roles`; `errors` are the extra
        problem statuses it may answer (401, 403 and 429 are always documented)."""
        outer = super().route(rule, **options)

        def decorator(func):
            for status in sorted({401, 403, 429, *errors}):
                func = self.alt_response(status, response=http.HTTPStatus(status).name)(func)
            func.api_roles = frozenset(roles)
            public(func)  # for the web layer; the token check above each request decides
            return outer(func)

        return decorator


class IdConverter(BaseConverter):
    """A record id in a path: any digits; one beyond the database's integer range is an id no
    row has (a 404 problem from the operation, not the pages' 404 from routing)."""

    regex = r"\d{1,30}"

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if number <= MAX_ID else 0

    def to_url(self, value) -> str:
        return str(int(value))


api_v1 = ApiBlueprint("api_v1", __name__, url_prefix="/api/v1", description="Lotse API v1")
# Before any route of api_v1 is added to an app's map.
api_v1.record_once(lambda state: state.app.url_map.converters.setdefault("id", IdConverter))


@api_v1.before_request
def authenticate():
    """Bearer token → actor, or a problem: 401 (no usable token), 403 (address, role), 429."""
    view = current_app.view_functions.get(request.endpoint or "")
    allowed = getattr(view, "api_roles", None)
    if not allowed:
        return problems.response(403, _("You may not use this operation."))
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip() if scheme.lower() == "bearer" else ""
    now = utcnow()
    try:
        token = tokens.authenticate(secret, request.remote_addr, now)
    except tokens.TokenRefused as refused:
        db.session.rollback()
        return problems.unauthorized(refused.reason)
    except tokens.AddressRefused:
        db.session.rollback()
        return problems.response(403, _("This token may not be used from this address."))
    actor = tokens.actor_for(token)  # plain values, read before any commit expires the row
    try:
        tokens.count_use(
            token, request.remote_addr, now, current_app.config["API_REQUESTS_PER_MINUTE"]
        )
    except Throttled as throttled:
        db.session.commit()  # the last use is noted even when refused
        return problems.too_many(throttled)
    # The use is written with the request's own work (one commit per request, see below).
    g.api_use = (token.id, request.remote_addr, now)
    if not actor.roles & allowed:
        return problems.response(403, _("This token's roles do not allow this operation."))
    g.api_actor = actor
    return None


@api_v1.after_request
def note_use(response):
    """Commit the token's use: with the operation's writes when it succeeded (the operation
    may have committed both already), on its own after a refusal rolled them back."""
    use = g.pop("api_use", None)
    if use is not None:
        if response.status_code >= 400:
            db.session.rollback()
            token = db.session.get(tokens.ApiToken, use[0])
            with contextlib.suppress(Throttled):
                tokens.count_use(token, use[1], use[2], 2**31)
        db.session.commit()
    return response


def actor():
    return g.api_actor


# --- ETag / If-Match --------------------------------------------------------------------


def etag(kind: str, record) -> str:
    return f'"{kind}-{record.id}-v{record.version}"'


def with_etag(kind: str, record) -> dict:
    """Header for a response showing `record` (the version the next change must name)."""
    return {"ETag": etag(kind, record)}


def loaded_version(kind: str, record) -> int:
    """The version an update names in If-Match: 428 without it, 412 when it is stale."""
    if not request.headers.get("If-Match"):
        raise problems.Problem(
            428, _("Send the ETag of the record you read in an If-Match header.")
        )
    if not request.if_match.contains(etag(kind, record).strip('"')):
        raise problems.Problem(
            412, _("Someone else changed this record while you were editing it.")
        )
    return record.version


# --- cursor pagination -------------------------------------------------------------------


def encode_cursor(after_id: int) -> str:
    raw = json.dumps({"after": after_id}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))["after"]
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
            return value
    except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
        pass
    raise problems.Problem(
        422, errors={"cursor": [_("The cursor is not valid; start again without it.")]}
    )


def page(stmt, id_column, args: dict) -> dict:
    """One page of `stmt` ordered by id after the cursor; `next_cursor` when more follow."""
    size = args.get("limit") or PAGE_SIZE
    after = decode_cursor(args.get("cursor"))
    rows = list(
        db.session.scalars(
            stmt.order_by(None).where(id_column > after).order_by(id_column).limit(size + 1)
        )
    )
    more = len(rows) > size
    rows = rows[:size]
    return {"items": rows, "next_cursor": encode_cursor(rows[-1].id) if more else None}
