"""Calendar feed pages (own address, revoke) and the public HSDS endpoints."""

from __future__ import annotations

from flask import abort, current_app, jsonify, make_response, render_template, request, url_for
from flask_login import current_user

from caseapp.auth.models import User
from caseapp.auth.roles import Role
from caseapp.extensions import db
from caseapp.feeds import calendars, hsds
from caseapp.feeds.blueprint import bp, hsds_bp
from caseapp.i18n import DEFAULT_LANGUAGE, _, current_language
from caseapp.outbox.links import external_url
from caseapp.referrals.models import Service
from caseapp.web import flow
from caseapp.web.access import access, public
from caseapp.web.forms import BaseForm
from caseapp.web.idempotency import SubmissionIdField

OWNERS = (Role.CASEWORKER, Role.VOLUNTEER)


class FeedForm(BaseForm):
    submission_id = SubmissionIdField()


@bp.get("/")
@access(*OWNERS)
def index():
    feed = calendars.active_feed(current_user)
    url = external_url("feeds.ics", token=feed.token) if feed else ""
    return render_template("feeds/index.html", feed=feed, url=url, form=FeedForm())


@bp.post("/new")
@access(*OWNERS)
def create():
    form = FeedForm()
    done = flow.submit(
        form,
        lambda: calendars.create_feed(current_user),
        to=url_for("feeds.index"),
        message=_("Your calendar address has been created. Any earlier address no longer works."),
    )
    return done or abort(400)


@bp.post("/revoke")
@access(*OWNERS)
def revoke():
    form = FeedForm()
    done = flow.submit(
        form,
        lambda: calendars.revoke_feed(current_user),
        to=url_for("feeds.index"),
        message=_("Your calendar address no longer works."),
    )
    return done or abort(400)


@bp.get("/<token>.ics")
@public
def ics(token: str):
    feed = calendars.feed_by_token(token)
    if feed is None:
        abort(404)
    user = db.session.get(User, feed.user_id)
    language = user.preferred_language or DEFAULT_LANGUAGE
    body = calendars.calendar_bytes(user, language, request.host.split(":")[0])
    calendars.mark_used(feed, user)
    db.session.commit()
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="lotse.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- HSDS ----------------------------------------------------------------------------------

MAX_PER_PAGE = 100


def _ids() -> hsds.Ids:
    return hsds.Ids(current_app.config.get("BASE_URL") or "")


def _language() -> str:
    wanted = (request.args.get("lang") or "").strip().lower()
    return wanted if wanted in hsds.LANGUAGES else current_language()


def _service_url(service: Service) -> str:
    return external_url("directory.service", service_id=service.id)


def _paging() -> tuple[int, int]:
    page = request.args.get("page", 1, type=int) or 1
    per_page = request.args.get("per_page", 50, type=int) or 50
    return max(page, 1), min(max(per_page, 1), MAX_PER_PAGE)


def _json(data, language: str):
    response = jsonify(data)
    response.headers["Content-Language"] = language
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _by_uuid(stmt, kind: str, uuid: str):
    ids = _ids()
    for row in db.session.scalars(stmt):
        if ids(kind, row.id) == uuid:
            return row
    abort(404)


@hsds_bp.get("/")
@public
def info():
    return _json(
        {
            "version": hsds.HSDS_VERSION,
            "profile": "https://docs.openreferral.org/en/v3.0/",
            "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json",
            "description": "Lotse service directory",
        },
        _language(),
    )


def _listing(stmt, build):
    language = _language()
    page, per_page = _paging()
    total = hsds.count(stmt)
    rows = db.session.scalars(stmt.offset((page - 1) * per_page).limit(per_page)).all()
    return _json(hsds.page([build(row, language) for row in rows], total, page, per_page), language)


@hsds_bp.get("/services")
@public
def services():
    ids = _ids()
    full = request.args.get("full") == "true"
    return _listing(
        hsds.public_services(),
        lambda row, lang: hsds.service(ids, row, lang, url=_service_url(row), full=full),
    )


@hsds_bp.get("/services/<uuid>")
@public
def service(uuid: str):
    row = _by_uuid(hsds.public_services(), "service", uuid)
    language = _language()
    return _json(hsds.service(_ids(), row, language, url=_service_url(row)), language)


@hsds_bp.get("/organizations")
@public
def organizations():
    ids = _ids()
    return _listing(hsds.public_offices(), lambda row, lang: hsds.organization(ids, row, lang))


@hsds_bp.get("/organizations/<uuid>")
@public
def organization(uuid: str):
    office = _by_uuid(hsds.public_offices(), "organization", uuid)
    language = _language()
    return _json(hsds.organization(_ids(), office, language), language)


@hsds_bp.get("/service_at_locations")
@public
def service_at_locations():
    ids = _ids()
    return _listing(
        hsds.public_services(), lambda row, lang: hsds.service_at_location(ids, row, lang)
    )


@hsds_bp.get("/service_at_locations/<uuid>")
@public
def service_at_location(uuid: str):
    row = _by_uuid(hsds.public_services(), "service-at-location", uuid)
    language = _language()
    return _json(hsds.service_at_location(_ids(), row, language), language)


@hsds_bp.get("/datapackage.zip")
@public
def datapackage():
    language = _language()
    body = hsds.datapackage_zip(_ids(), language, _service_url, str(_("Service directory")))
    response = make_response(body)
    response.headers["Content-Type"] = "application/zip"
    response.headers["Content-Disposition"] = 'attachment; filename="lotse-hsds-datapackage.zip"'
    return response
