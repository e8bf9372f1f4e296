"""Referral answers without an account: a partner registered by an administrator receives
the referral by e-mail with signed links, sees only the consented snapshot, and answers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.outbox.models import OutboxMessage
from caseapp.outbox.senders import ChannelSender, SmtpSender, SmtpSettings
from caseapp.outbox.services import RetryPolicy, deliver_due
from caseapp.partners.models import Partner, PartnerLinkUse
from caseapp.referrals.models import Referral
from tests.factories.partners import (
    PARTNER_EMAIL,
    _links,
    _login,
    _path,
    _register_partner,
)
from tests.factories.referrals import (
    MARKER_MESSAGE,
    MARKER_PHONE,
    MARKER_RESIDENCE_NOTE,
    MARKER_STREET,
    _send,
    referral_records,
)
from tests.factories.web import Actions


def _status(app, referral_id):
    with app.app_context():
        return db.session.get(Referral, referral_id).status


def test_partner_gets_the_referral_by_mail_answers_and_the_sender_is_told(
    app, world, sent, smtp_server
):
    # The e-mail goes to the partner's address through the outbox, with signed links.
    with app.test_request_context():
        sender = ChannelSender(
            SmtpSender(
                SmtpSettings(host="127.0.0.1", port=smtp_server.port, mail_from="l@x.example")
            )
        )
        deliver_due(utcnow(), sender, RetryPolicy(max_attempts=1))
    mails = [m for m in smtp_server.messages if m["To"] == PARTNER_EMAIL]
    assert len(mails) == 1
    body = mails[0].get_body(("plain",)).get_content()
    assert "Frau Demir" in body and "/partner/referrals/" in body
    assert MARKER_PHONE not in body  # the e-mail itself carries no personal data
    links = _links(app)
    assert set(links) == {"accept", "decline"}

    partner = Actions(app.test_client())
    page = partner.client.get(_path(links["accept"]))
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    # Exactly the consented snapshot: contact details, not notes, residence or vulnerabilities.
    assert MARKER_PHONE in text and MARKER_STREET in text and MARKER_MESSAGE in text
    assert MARKER_RESIDENCE_NOTE not in text
    assert "Geduldet" not in text and "Schwangerschaft" not in text

    answered = partner.post(_path(links["accept"]), {})
    assert answered.status_code == 302 and "/partner/done" in answered.headers["Location"]
    assert _status(app, sent["referral_id"]) == "accepted"
    with app.app_context():
        assert db.session.scalar(select(PartnerLinkUse.action)) == "accept"
        # Closed loop: the sending caseworker is told, as for an office with an account.
        told = db.session.scalars(
            select(OutboxMessage.subject).where(OutboxMessage.recipient == world["caseworker_a"])
        ).all()
    assert len(told) == 1

    # The same link again: refused, clearly, without a server error.
    again = Actions(app.test_client())
    reused = again.client.get(_path(links["accept"]).replace("lang=de", "lang=en"))
    assert reused.status_code == 410
    assert "already been used" in reused.get_data(as_text=True)
    assert again.post(_path(links["accept"]), {}).status_code == 410

    # Accepting sent the link for the outcome; declining is no longer possible.
    links = _links(app)
    assert "complete" in links
    declined = partner.client.get(_path(links["decline"]).replace("lang=de", "lang=en"))
    assert declined.status_code == 200 and 'id="not-possible"' in declined.get_data(as_text=True)
    no_outcome = partner.post(_path(links["complete"]), {"note": ""})
    assert no_outcome.status_code == 400
    assert _status(app, sent["referral_id"]) == "accepted"
    done = partner.post(_path(links["complete"]), {"note": "Beratung hat stattgefunden"})
    assert done.status_code == 302
    with app.app_context():
        referral = db.session.get(Referral, sent["referral_id"])
        assert referral.status == "completed" and referral.outcome == "Beratung hat stattgefunden"


def test_decline_needs_a_reason_and_proposes_nothing_to_the_partner(app, world, sent):
    links = _links(app)
    partner = Actions(app.test_client())
    refused = partner.post(_path(links["decline"]).replace("lang=de", "lang=en"), {"note": " "})
    assert refused.status_code == 400
    assert "reason for declining" in refused.get_data(as_text=True)
    assert _status(app, sent["referral_id"]) == "sent"
    assert partner.post(_path(links["decline"]), {"note": "Keine Kapazität"}).status_code == 302
    with app.app_context():
        referral = db.session.get(Referral, sent["referral_id"])
        assert referral.status == "declined" and referral.decline_reason == "Keine Kapazität"


def test_tampered_expired_and_foreign_links_are_refused(app, world, sent, clock):
    accept = _path(_links(app)["accept"])
    client = app.test_client()
    head, _sep, query = accept.partition("?")
    token = head.rsplit("/", 1)[1]
    # Change a character well inside the signature: the last base64 character of a signature
    # carries unused bits, so changing it alone may leave the signature's bytes as they were.
    spot = len(head) - 6
    tampered = head[:spot] + ("A" if head[spot] != "A" else "B") + head[spot + 1 :] + "?" + query
    response = client.get(tampered.replace("lang=de", "lang=en"))
    assert response.status_code == 404
    assert "not valid" in response.get_data(as_text=True)
    # The token of this referral on another referral's address, or for another action.
    other = head.replace(
        f"/referrals/{sent['referral_id']}/", f"/referrals/{sent['referral_id'] + 1}/"
    )
    assert client.get(other).status_code == 404
    assert client.get(head.replace("/accept/", "/complete/")).status_code == 404
    assert client.get(f"/partner/referrals/{sent['referral_id']}/delete/{token}").status_code == 404
    assert client.get(f"/partner/referrals/{sent['referral_id']}/accept/x").status_code == 404
    # Fifteen days later the link has expired; nothing changed.
    clock.advance(days=15)
    expired = client.get(accept.replace("lang=de", "lang=en"))
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    assert Actions(client).post(accept, {}).status_code == 410
    assert _status(app, sent["referral_id"]) == "sent"


def test_withdrawn_consent_hides_the_snapshot_from_the_partner(app, world, sent, clock):
    from caseapp.people.consents import withdraw_consent
    from caseapp.people.models import Case

    with app.test_request_context():
        worker = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        case = db.session.scalar(select(Case).where(Case.person_id == sent["person_id"]))
        withdraw_consent(worker, case, sent["consent_id"], clock.today)
        db.session.commit()
    page = app.test_client().get(_path(_links(app)["accept"]).replace("lang=de", "lang=en"))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'id="consent-ended"' in text
    assert MARKER_PHONE not in text and MARKER_STREET not in text and MARKER_MESSAGE not in text
    with app.app_context():
        assert db.session.get(Referral, sent["referral_id"]).shared == {}


def test_a_referral_to_an_office_with_an_account_gets_no_partner_links(app, world):
    ids = referral_records(app, world)  # office B has accounts
    a = _login(app, world["caseworker_a"])
    assert _send(a, ids).status_code == 302
    with app.app_context():
        bodies = db.session.scalars(select(OutboxMessage.body_text)).all()
    assert not any("/partner/referrals/" in body for body in bodies)


@pytest.mark.parametrize("role", ["caseworker_a", "coordinator", "volunteer"])
def test_partner_administration_is_for_administrators_only(app, world, role):
    office_id = _register_partner(app, world)
    with app.app_context():
        partner_id = db.session.scalar(select(Partner.id).where(Partner.office_id == office_id))
    actions = _login(app, world[role])
    for url in ("/partners/", "/partners/new", f"/partners/{partner_id}"):
        assert actions.client.get(url).status_code == 403
    assert actions.post(f"/partners/{partner_id}", {"email": "x@y.example"}).status_code == 403
    anonymous = app.test_client().get("/partners/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_administrator_registers_and_changes_a_partner(app, world):
    office_id = _register_partner(app, world)
    admin = _login(app, world["admin"])
    with app.app_context():
        partner = db.session.scalar(select(Partner).where(Partner.office_id == office_id))
        partner_id, version = partner.id, partner.version
        assert partner.email == PARTNER_EMAIL
    listing = admin.client.get("/partners/?lang=en").get_data(as_text=True)
    assert "Migrationsberatung Lenne" in listing and PARTNER_EMAIL in listing
    page = admin.client.get(f"/partners/{partner_id}?lang=en").get_data(as_text=True)
    assert "Sozialberatung" in page
    bad = admin.post(
        f"/partners/{partner_id}?lang=en",
        {"email": "not-an-address", "language": "tr", "version": version},
    )
    assert bad.status_code == 400
    changed = admin.post(
        f"/partners/{partner_id}",
        {"email": "neu@lenne-partner.example", "language": "tr", "version": version},
    )
    assert changed.status_code == 302
    with app.app_context():
        partner = db.session.get(Partner, partner_id)
        assert (partner.email, partner.language, partner.active) == (
            "neu@lenne-partner.example",
            "tr",
            False,
        )
    # The partner's office is in the public directory with its service.
    assert "Sozialberatung" in app.test_client().get("/directory/").get_data(as_text=True)


def access_matrix_urls(app, world) -> dict[str, str]:
    """Working URLs of the partner endpoints, for the role x route matrix
    (tests/web/test_access.py): a registered partner, and a live link of a sent referral."""
    office_id = _register_partner(app, world)
    ids = referral_records(app, world, to_office_id=office_id)
    assert _send(_login(app, world["caseworker_a"]), ids).status_code == 302
    with app.app_context():
        partner_id = db.session.scalar(select(Partner.id))
    return {
        "partners.edit": f"/partners/{partner_id}",
        "partner_links.answer": _path(_links(app)["accept"]),
    }


def test_access_matrix_urls_work(app, world):
    urls = access_matrix_urls(app, world)
    assert app.test_client().get(urls["partner_links.answer"]).status_code == 200
    admin = _login(app, world["admin"])
    assert admin.client.get(urls["partners.edit"]).status_code == 200
