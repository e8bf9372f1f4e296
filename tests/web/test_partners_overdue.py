"""Partners and the rest of the referral life: overdue reminders, paused partners, a link
used once even when the form is sent twice."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from caseapp.extensions import db
from caseapp.outbox.models import OutboxMessage
from caseapp.partners.models import Partner, PartnerLinkUse
from caseapp.referrals.models import Referral
from tests.factories.partners import PARTNER_EMAIL, _links, _path
from tests.factories.web import Actions


def test_an_overdue_referral_sends_the_partner_fresh_links(app, world, sent, clock):
    from caseapp.referrals.services import flag_overdue

    first = _links(app)
    clock.advance(days=6)  # the service answers within 5 days
    with app.test_request_context():
        assert flag_overdue() == 1
        db.session.commit()
    with app.app_context():
        mails = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == PARTNER_EMAIL)
        ).all()
    assert len(mails) == 2
    again = _links(app)
    assert again["accept"] != first["accept"]
    assert Actions(app.test_client()).post(_path(again["accept"]), {}).status_code == 302
    with app.app_context():
        assert db.session.get(Referral, sent["referral_id"]).status == "accepted"


def test_a_paused_partner_gets_no_links_and_old_links_stop(app, world, sent):
    accept = _path(_links(app)["accept"])
    with app.app_context():
        db.session.scalar(select(Partner)).active = False
        db.session.commit()
    assert app.test_client().get(accept).status_code == 404
    assert Actions(app.test_client()).post(accept, {}).status_code == 404
    with app.app_context():
        assert db.session.get(Referral, sent["referral_id"]).status == "sent"


def test_the_same_form_sent_twice_answers_once(app, world, sent):
    accept = _path(_links(app)["accept"])
    partner = Actions(app.test_client())
    page = partner.client.get(accept).get_data(as_text=True)
    submission = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', page)
    data = {"submission_id": submission.group(1)} if submission else {}
    first = partner.post(accept, data)
    second = partner.post(accept, data)
    assert first.status_code == 302
    assert second.status_code in (302, 410)
    with app.app_context():
        assert db.session.scalar(select(func.count(PartnerLinkUse.id))) == 1
        referral = db.session.get(Referral, sent["referral_id"])
        assert [e.to_status for e in referral.events].count("accepted") == 1


def test_respond_by_follows_the_partner_service(app, world, sent):
    with app.app_context():
        referral = db.session.get(Referral, sent["referral_id"])
        assert referral.respond_by - referral.sent_at == timedelta(days=3)
