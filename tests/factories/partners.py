"""Partners registered by an administrator and the signed links they are e-mailed, for the
partner-link and overdue-referral tests."""

from __future__ import annotations

import re

from sqlalchemy import select

from caseapp.extensions import db
from caseapp.outbox.models import OutboxMessage
from caseapp.partners.models import Partner
from tests.factories.web import Actions

PARTNER_EMAIL = "beratung@lenne-partner.example"
LINK_RE = re.compile(r"https?://\S+/partner/referrals/\d+/(?:accept|decline|complete)/\S+")


def _login(app, email):
    actions = Actions(app.test_client())
    assert actions.login(email).status_code == 302
    return actions


def _register_partner(app, world, **extra):
    admin = _login(app, world["admin"])
    form = {
        "name": "Migrationsberatung Lenne e. V.",
        "kind": "migration_counselling",
        "email": PARTNER_EMAIL,
        "contact_name": "Frau Demir",
        "language": "de",
        "service_name_de": "Sozialberatung",
        "need_areas": ["work"],
        "response_days": "5",
        "active": "y",
    }
    form.update(extra)
    response = admin.post("/partners/new?lang=en", form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        return db.session.scalar(select(Partner.office_id))


def _links(app, recipient=PARTNER_EMAIL) -> dict[str, str]:
    with app.app_context():
        bodies = db.session.scalars(
            select(OutboxMessage.body_text)
            .where(OutboxMessage.recipient == recipient)
            .order_by(OutboxMessage.id)
        ).all()
    found = {}
    for body in bodies:
        for url in LINK_RE.findall(body):
            found[url.split("/partner/referrals/")[1].split("/")[1]] = url
    return found


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]
