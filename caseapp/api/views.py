"""Administrators manage API tokens; everyone may read the API's description."""

from __future__ import annotations

from flask import abort, current_app, jsonify, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from caseapp.api import problems, tokens
from caseapp.api.blueprint import bp
from caseapp.api.forms import TokenForm
from caseapp.auth.roles import Role
from caseapp.core.clock import local_today, utcnow
from caseapp.core.errors import NotFound
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.offices.models import Office
from caseapp.web import flow
from caseapp.web.access import access, public
from caseapp.web.forms import BaseForm


def _office_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Office.id, Office.name).where(Office.active.is_(True)).order_by(Office.name)
    )
    return [(r.id, r.name) for r in rows]


@bp.get("/admin/api-tokens")
@access(Role.ADMIN)
def tokens_index():
    return render_template(
        "api/tokens.html", tokens=tokens.all_tokens(), now=utcnow(), confirm=BaseForm()
    )


@bp.route("/admin/api-tokens/new", methods=["GET", "POST"])
@access(Role.ADMIN)
def token_new():
    form = TokenForm(office_choices=_office_choices())
    if request.method == "GET":
        form.expires_on.data = local_today().replace(year=local_today().year + 1)
    created: list[tuple] = []

    def create():
        token, secret = tokens.create_token(
            current_user,
            tokens.TokenData(
                name=form.name.data or "",
                office_id=form.office.data,
                roles=list(form.roles.data or []),
                expires_on=form.expires_on.data,
                allowed_ips=form.allowed_ips.data or "",
            ),
        )
        created.append((token, secret))
        return token

    done = flow.submit(form, create, to=url_for("api.tokens_index"))
    if done and created:
        # The secret is shown once, on this answer only: it is never stored nor redirected.
        token, secret = created[0]
        answer = current_app.make_response(
            render_template("api/token_created.html", token=token, secret=secret)
        )
        answer.headers["Cache-Control"] = "no-store"
        return answer
    if done:
        return done  # a repeated submission leads to the list, without the secret
    return render_template("api/token_form.html", form=form), flow.status(form)


@bp.post("/admin/api-tokens/<int:token_id>/revoke")
@access(Role.ADMIN)
def token_revoke(token_id: int):
    try:
        token = tokens.get_token(token_id)
    except NotFound:
        abort(404)
    done = flow.submit(
        BaseForm(),
        lambda: tokens.revoke_token(current_user, token, utcnow()),
        to=url_for("api.tokens_index"),
        message=_("The token has been revoked."),
    )
    return done or abort(400)


@bp.get("/api/v1/")
@public
def index():
    """Where to start: the OpenAPI document and its page."""
    return jsonify(
        {
            "name": "Lotse API",
            "version": "v1",
            "openapi": url_for("api.openapi_json"),
            "documentation": url_for("api.docs"),
        }
    )


@bp.route("/api/v1/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@public
def not_found(rest: str):
    """Anything else under /api/v1/ (an id that is not a number, a path that does not
    exist): a problem document, not the pages' error answer."""
    return problems.response(404)


@bp.get("/api/v1/openapi.json")
@public
def openapi_json():
    return jsonify(current_app.extensions["lotse_api"].spec.to_dict())


@bp.get("/api/v1/docs")
@public
def docs():
    """The OpenAPI document as a page, rendered here (no script, no CDN)."""
    spec = current_app.extensions["lotse_api"].spec.to_dict()
    operations = []
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                operations.append((op.get("tags", [""])[0], path, method.upper(), op))
    operations.sort(key=lambda o: (o[0], o[1], o[2]))
    return render_template("api/docs.html", spec=spec, operations=operations)
