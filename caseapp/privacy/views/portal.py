"""The consent passport in the newcomer portal (/portal/privacy)."""

from __future__ import annotations

from flask import abort, url_for
from flask_login import current_user

from caseapp.audit import services as audit
from caseapp.auth.roles import Role
from caseapp.core.clock import local_today
from caseapp.core.errors import NotFound
from caseapp.i18n import _
from caseapp.people.vocab import CONSENT_PURPOSES, DATA_CATEGORIES
from caseapp.portal import services as portal
from caseapp.privacy import passport as passports
from caseapp.privacy.blueprint import bp
from caseapp.privacy.forms import ButtonForm
from caseapp.referrals.vocab import STATUS
from caseapp.web import flow
from caseapp.web.access import access


def _own_person():
    person = portal.person_for(current_user)
    if person is None:
        abort(404)
    return person


@bp.get("/portal/privacy")
@access(Role.NEWCOMER)
def passport():
    person = _own_person()
    audit.record(
        current_user,
        "portal_view",
        "person",
        person.id,
        office_id=person.office_id,
        purpose="portal",
    )
    page = passports.passport(person)
    return flow.render_audited(
        "privacy/passport.html",
        page=page,
        form=ButtonForm(),
        today=local_today(),
        purposes=CONSENT_PURPOSES,
        categories=DATA_CATEGORIES,
        statuses=STATUS,
    )


@bp.post("/portal/privacy/consents/<int:consent_id>/withdraw")
@access(Role.NEWCOMER)
def passport_withdraw(consent_id: int):
    person = _own_person()

    def withdraw():
        try:
            return passports.withdraw(current_user, person, consent_id, local_today())
        except NotFound:
            abort(404)

    return flow.submit(
        ButtonForm(),
        withdraw,
        to=url_for("privacy.passport"),
        message=_("Your consent is withdrawn. Nobody may use it from now on."),
    ) or abort(400)


@bp.post("/portal/privacy/copy")
@access(Role.NEWCOMER)
def passport_request_copy():
    person = _own_person()
    return flow.submit(
        ButtonForm(),
        lambda: passports.request_copy(current_user, person),
        to=url_for("privacy.passport"),
        message=_("Your office will prepare a copy of your data for you."),
    ) or abort(400)
