"""Consents through the UI: structured scope, the waiting list asking for its consent and
coming back with what was typed, the coordinator and the receiving office seeing nothing
without a valid consent."""

from __future__ import annotations

import html
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.matches.models import MatchRequest
from caseapp.people.models import Consent, Person
from caseapp.referrals.models import Referral
from tests.factories.matching import TODAY, build
from tests.factories.referrals import (
    MARKER_MESSAGE,
    MARKER_PHONE,
    _referral_id,
    _send,
    referral_records,
)
from tests.factories.web import Actions


def _login(app, email: str) -> Actions:
    actions = Actions(app.test_client())
    assert actions.login(email).status_code == 302
    return actions


def _person(app, world, office: str, given: str, district_id: int | None = None) -> int:
    from caseapp.people.services import register_person
    from caseapp.people.validation import PersonData

    with app.test_request_context():
        email = world["caseworker_a" if office == "office_a" else "caseworker_b"]
        worker = db.session.scalar(select(User).where(User.email == email))
        person = register_person(
            worker,
            PersonData(
                given_name=given,
                family_name="Hamdan",
                birth_year=1988,
                district_id=district_id,
                languages=[{"code": "ar", "level": "native"}],
            ),
            office_id=world[office],
            caseworker_id=None,
            today=TODAY,
        )
        db.session.commit()
        return person.id


def _link(page: str, anchor_id: str) -> str:
    """The href of the first link inside the element with this id."""
    block = page[page.index(f'id="{anchor_id}"') :]
    return html.unescape(re.search(r'href="([^"]+)"', block).group(1))


def test_waiting_list_asks_for_the_consent_and_comes_back_with_what_was_typed(
    app, world, make_user
):
    ids = build(app, world, make_user)
    dana = _person(app, world, "office_a", "Dana", ids["districts"]["alt"])
    a = _login(app, world["caseworker_a"])
    url = f"/matching/people/{dana}/request"
    shown = a.client.get(f"{url}?lang=en").get_data(as_text=True)
    assert "has not consented to being matched with a volunteer" in shown  # said at once
    typed = {
        "programme": ids["programme_id"],
        "waiting_since": "2026-10-01",
        "gender_preference": "female",
        "interests": "Schach, Kochen",
        "availability": ["1-evening", "3-morning"],
        "interpreter_arranged": "y",
        "notes": "Spricht etwas Deutsch; خط عربي",
    }
    refused = a.post(f"{url}?lang=en", typed)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Dana Hamdan has not consented to being matched with a volunteer" in page
    assert 'value="Schach, Kochen"' in page  # nothing typed is lost on the refusal either
    with app.app_context():
        assert db.session.scalar(select(func.count(MatchRequest.id))) == 3  # build's three

    # The link records the consent, preset to matching ...
    consent_url = _link(page, "consent-missing")
    assert consent_url.startswith(f"/people/{dana}/consents/new?")
    form = a.client.get(consent_url).get_data(as_text=True)
    assert '<option selected value="volunteer_matching">' in form
    recorded = a.post(
        consent_url, {"purpose": "volunteer_matching", "given_on": "2026-11-30", "form": "oral"}
    )
    assert recorded.status_code == 302
    # ... and goes back to the waiting-list form with everything typed before.
    back = recorded.headers["Location"]
    assert urlsplit(back).path == url
    assert parse_qs(urlsplit(back).query)["availability"] == ["1-evening", "3-morning"]
    again = a.client.get(back).get_data(as_text=True)
    assert 'value="Schach, Kochen"' in again and "Spricht etwas Deutsch; خط عربي" in again
    assert 'value="2026-10-01"' in again
    assert 'id="slot-1-evening" checked' in again and 'id="slot-3-morning" checked' in again
    assert 'id="slot-2-evening" checked' not in again
    assert '<option selected value="female">' in again
    assert 'id="consent-missing"' not in again
    saved = a.post(url, typed)
    assert saved.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(MatchRequest).where(MatchRequest.person_id == dana))
        assert row.interests == "Schach, Kochen" and row.availability == ["1-evening", "3-morning"]
        assert row.waiting_since == date(2026, 10, 1) and row.interpreter_arranged
        consent = db.session.scalar(select(Consent).where(Consent.person_id == dana))
        assert consent.purpose == "volunteer_matching"


def test_coordinator_does_not_see_people_without_a_matching_consent(app, world, make_user):
    from caseapp.people import casework

    ids = build(app, world, make_user)
    # Rami (office B) got on the list before consent was checked; Lina withdrew hers.
    rami = _person(app, world, "office_b", "Rami", ids["districts"]["alt"])
    lina = _person(app, world, "office_b", "Lina", ids["districts"]["alt"])
    with app.test_request_context():
        db.session.add(
            MatchRequest(programme_id=ids["programme_id"], person_id=rami, waiting_since=TODAY)
        )
        person = db.session.get(Person, lina)
        consent = casework.record_consent(
            None,
            person.case,
            purpose="volunteer_matching",
            receiving_office_id=None,
            scope="",
            given_on=TODAY,
            form="written",
            today=TODAY,
        )
        db.session.add(
            MatchRequest(programme_id=ids["programme_id"], person_id=lina, waiting_since=TODAY)
        )
        db.session.commit()
        consent_id = consent.id
    coordinator = _login(app, world["coordinator"])
    listing = coordinator.client.get("/matching/waiting").get_data(as_text=True)
    assert "Lina" in listing and "Amal" in listing  # a valid consent: shown
    with app.test_request_context():
        person = db.session.get(Person, lina)
        casework.withdraw_consent(None, person.case, consent_id, TODAY)
        db.session.commit()
    listing = coordinator.client.get("/matching/waiting").get_data(as_text=True)
    assert "Amal" in listing
    assert "Rami" not in listing and "Lina" not in listing
    # Nor does a round propose them, so no round page shows them either.
    location = coordinator.post(f"/matching/programmes/{ids['programme_id']}/run", {}).headers[
        "Location"
    ]
    round_page = coordinator.client.get(location).get_data(as_text=True)
    assert "Amal" in round_page and "Rami" not in round_page and "Lina" not in round_page


def test_referral_form_offers_only_what_the_consent_covers(app, world):
    ids = referral_records(app, world, categories=("contact",))
    a = _login(app, world["caseworker_a"])
    page = a.client.get(f"/referrals/new/{ids['person_id']}?lang=en").get_data(as_text=True)
    assert 'value="contact"' in page
    assert 'value="residence"' not in page and 'value="vulnerabilities"' not in page
    refused = _send(a, ids, categories=["contact", "residence", "vulnerabilities"])
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "Not covered by the consent to share with Jobcenter B" in text
    assert "Residence status" in text and "Vulnerability flags" in text
    with app.app_context():
        assert db.session.scalar(select(func.count(Referral.id))) == 0
    assert _send(a, ids, categories=["contact"]).status_code == 302


def test_referral_form_without_consent_links_to_a_preset_consent_form(app, world):
    ids = referral_records(app, world, consent=False)
    a = _login(app, world["caseworker_a"])
    page = a.client.get(f"/referrals/new/{ids['person_id']}?lang=en").get_data(as_text=True)
    link = _link(page, "no-sharing-consent")
    query = parse_qs(urlsplit(link).query)
    assert query["purpose"] == ["referral"] and query["office"] == [str(world["office_b"])]
    form = a.client.get(link).get_data(as_text=True)
    assert '<option selected value="referral">' in form
    assert f'<option selected value="{world["office_b"]}">' in form
    recorded = a.post(
        link,
        {
            "purpose": "referral",
            "receiving_office": world["office_b"],
            "categories": ["contact", "languages"],
            "scope": "mündlich mit Dolmetscherin",
            "given_on": "2026-11-30",
            "valid_until": "2027-11-30",
            "form": "oral_interpreter",
        },
    )
    assert recorded.status_code == 302
    assert urlsplit(recorded.headers["Location"]).path == f"/referrals/new/{ids['person_id']}"
    with app.app_context():
        consent = db.session.scalar(select(Consent))
        assert consent.categories == ["contact", "languages"]
        assert consent.scope == "mündlich mit Dolmetscherin"
        assert consent.valid_until == date(2027, 11, 30)
    again = a.client.get(recorded.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert 'value="languages"' in again and 'value="residence"' not in again
    case_file = a.client.get(f"/people/{ids['person_id']}?lang=en").get_data(as_text=True)
    assert "Contact details (phone, e-mail, address)" in case_file
    assert "mündlich mit Dolmetscherin" in case_file


def test_withdrawing_hides_the_message_too_and_says_so(app, world):
    ids = referral_records(app, world)
    a = _login(app, world["caseworker_a"])
    rid = _referral_id(_send(a, ids))
    b = _login(app, world["caseworker_b"])
    before = b.client.get(f"/referrals/{rid}?lang=en").get_data(as_text=True)
    assert MARKER_MESSAGE in before and MARKER_PHONE in before
    a.post(f"/people/{ids['person_id']}/consents/{ids['consent_id']}/withdraw", {})
    after = b.client.get(f"/referrals/{rid}?lang=en").get_data(as_text=True)
    assert MARKER_MESSAGE not in after and MARKER_PHONE not in after
    assert "The person has withdrawn the consent" in after
    # The sending office keeps its own message.
    assert MARKER_MESSAGE in a.client.get(f"/referrals/{rid}?lang=en").get_data(as_text=True)


def test_the_consent_form_goes_back_only_to_this_site(app, world):
    ids = referral_records(app, world, consent=False)
    a = _login(app, world["caseworker_a"])
    for target in ("//evil.example/login", "https://evil.example/", "/\\evil.example"):
        response = a.post(
            f"/people/{ids['person_id']}/consents/new",
            {"purpose": "reminders", "given_on": "2026-11-30", "form": "written"},
            query_string={"next": target},
        )
        assert response.status_code == 302
        assert response.headers["Location"] == f"/people/{ids['person_id']}"
