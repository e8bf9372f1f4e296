"""A consent's scope is the data categories a referral shares, and it is enforced: a referral
shares only what a valid consent for that office covers, and matching needs its own consent."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from caseapp.auth.models import User
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.matches import adapters
from caseapp.matches import services as matching
from caseapp.people import casework, consents
from caseapp.people.models import Consent
from caseapp.people.services import get_person
from caseapp.referrals import services
from caseapp.referrals.models import Referral
from caseapp.referrals.vocab import CATEGORIES
from caseapp.volunteers.models import Programme
from tests.factories.matching import TODAY, build
from tests.factories.referrals import referral_records

SHARED_ON = date(2026, 11, 22)


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def contact_only(app, world):
    """Rania of office A, a service of office B, and her consent to share contact details only."""
    ids = referral_records(app, world, categories=("contact",))
    with app.test_request_context():
        yield ids, _user(world["caseworker_a"]), _user(world["caseworker_b"])
        db.session.rollback()


def _draft(worker, ids, categories, message="Bitte um Termin") -> Referral:
    person = get_person(worker, ids["person_id"], audit_read=False)
    data = services.ReferralData(
        need="work", service_id=ids["service_id"], message=message, categories=categories
    )
    return services.create_referral(worker, person, data)


@pytest.mark.parametrize("category", ["residence", "vulnerabilities"])
def test_a_contact_only_consent_does_not_let_a_referral_share_more(contact_only, category):
    ids, worker, _receiver = contact_only
    referral = _draft(worker, ids, ["contact", category])
    with pytest.raises(ValidationFailed) as refused:
        services.send_referral(worker, referral)
    reason = refused.value.errors["categories"][0]
    # It names what is not covered (in the reader's language), not what is.
    assert str(CATEGORIES[category]) in reason and str(CATEGORIES["contact"]) not in reason
    assert referral.status == "draft" and referral.shared == {}
    # Contact details alone are covered.
    allowed = _draft(worker, ids, ["contact"])
    services.send_referral(worker, allowed)
    assert set(allowed.shared) == {"identity", "contact"}
    assert services.allowed_categories(ids["person_id"], allowed.to_office_id) == ["contact"]


def test_withdrawing_hides_the_snapshot_and_ends_sharing(contact_only):
    ids, worker, _receiver = contact_only
    referral = _draft(worker, ids, ["contact"])
    services.send_referral(worker, referral)
    db.session.commit()
    assert services.shared_data(referral)["contact"]["phone"]
    person = get_person(worker, ids["person_id"], audit_read=False)
    casework.withdraw_consent(worker, person.case, ids["consent_id"], SHARED_ON)
    assert services.sharing_ended(referral) == "withdrawn"
    assert services.shared_data(referral) is None
    assert referral.shared == {}  # the copy is erased, not only hidden
    assert services.allowed_categories(ids["person_id"], referral.to_office_id) == []


def test_an_expired_consent_neither_sends_nor_keeps_showing(contact_only, clock):
    ids, worker, _receiver = contact_only
    person = get_person(worker, ids["person_id"], audit_read=False)
    consent = db.session.get(Consent, ids["consent_id"])
    consent.valid_until = clock.today + timedelta(days=2)
    referral = _draft(worker, ids, ["contact"])
    services.send_referral(worker, referral)
    db.session.commit()
    clock.advance(days=3)
    assert services.sharing_ended(referral) == "expired"
    services.flag_overdue()  # the daily run erases copies held under an ended consent
    assert referral.shared == {}
    later = _draft(worker, ids, ["contact"])
    with pytest.raises(ValidationFailed) as refused:
        services.send_referral(worker, later)
    assert "consent" in refused.value.errors
    assert person.full_name in refused.value.errors["consent"][0]


def test_the_newest_consent_for_the_office_decides_and_one_naming_no_office_counts(
    contact_only, make_office
):
    ids, worker, _receiver = contact_only
    person = get_person(worker, ids["person_id"], audit_read=False)
    referral = _draft(worker, ids, ["languages"])
    to_office = referral.to_office_id
    elsewhere = make_office(name="Gesundheitsamt")
    casework.record_consent(
        worker,
        person.case,
        purpose="referral",
        receiving_office_id=elsewhere,
        categories=["languages", "residence"],
        scope="",
        given_on=SHARED_ON,
        form="oral",
        today=SHARED_ON,
    )
    assert services.allowed_categories(person.id, to_office) == ["contact"]  # not another's
    # A consent to share with any office (only older records name none) counts for this one.
    db.session.add(
        Consent(
            person_id=person.id,
            purpose="referral",
            receiving_office_id=None,
            categories=["languages"],
            given_on=SHARED_ON,
            form="written",
        )
    )
    db.session.flush()
    assert services.allowed_categories(person.id, to_office) == ["languages"]
    services.send_referral(worker, referral)
    assert set(referral.shared) == {"identity", "languages"}


def test_recording_refuses_unknown_categories_and_an_end_before_the_start(contact_only):
    ids, worker, _receiver = contact_only
    person = get_person(worker, ids["person_id"], audit_read=False)
    with pytest.raises(ValidationFailed) as refused:
        casework.record_consent(
            worker,
            person.case,
            purpose="referral",
            receiving_office_id=None,
            categories=["contact", "bank_account"],
            scope="",
            given_on=SHARED_ON,
            valid_until=SHARED_ON - timedelta(days=1),
            form="written",
            today=SHARED_ON,
        )
    assert {"categories", "valid_until", "receiving_office"} <= set(refused.value.errors)
    consent = casework.record_consent(
        worker,
        person.case,
        purpose="volunteer_matching",
        receiving_office_id=None,
        categories=["languages", "contact", "languages"],
        scope="  ",
        given_on=SHARED_ON,
        form="written",
        today=SHARED_ON,
    )
    assert consent.categories == ["contact", "languages"]  # known order, once each


@pytest.fixture
def waiting(app, world, make_user):
    return build(app, world, make_user)


def test_the_waiting_list_needs_a_valid_matching_consent(app, world, waiting):
    ids = waiting
    with app.test_request_context():
        worker = _user(world["caseworker_a"])
        from caseapp.people.services import register_person
        from caseapp.people.validation import PersonData

        dana = register_person(
            worker,
            PersonData(given_name="Dana", family_name="Hamdan", birth_year=1988),
            office_id=world["office_a"],
            caseworker_id=worker.id,
            today=TODAY,
        )
        # Only a consent to share with another office: not enough.
        casework.record_consent(
            worker,
            dana.case,
            purpose="referral",
            receiving_office_id=world["office_b"],
            categories=["contact"],
            scope="",
            given_on=TODAY,
            form="written",
            today=TODAY,
        )
        data = matching.RequestData(programme_id=ids["programme_id"], waiting_since=TODAY)
        with pytest.raises(ValidationFailed) as refused:
            matching.create_request(worker, dana, data, TODAY)
        assert "Dana Hamdan" in refused.value.errors["consent"][0]
        consent = casework.record_consent(
            worker,
            dana.case,
            purpose="volunteer_matching",
            receiving_office_id=None,
            scope="",
            given_on=TODAY,
            form="oral_interpreter",
            today=TODAY,
        )
        request = matching.create_request(worker, dana, data, TODAY)
        programme = db.session.get(Programme, ids["programme_id"])
        assert request.id in {n.id for n in adapters.load_newcomers(programme, TODAY)}
        # Withdrawn: no longer proposed to anyone.
        casework.withdraw_consent(worker, dana.case, consent.id, TODAY)
        assert request.id not in {n.id for n in adapters.load_newcomers(programme, TODAY)}
        assert not consents.has_consent(dana.id, "volunteer_matching", TODAY)
        db.session.rollback()


def test_the_migration_keeps_old_free_text_as_a_note_and_gives_no_categories(app, world):
    """Existing consents share nothing new without a fresh decision (see the migration)."""
    ids = referral_records(app, world, consent=False)
    with app.app_context():
        worker_id = _user(world["caseworker_a"]).id
        db.session.remove()
        downgrade(revision="5334a489b7cf")  # before consents had categories
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO consents (person_id, purpose, receiving_office_id, scope,"
                    " given_on, form, recorded_by_id, created_at) VALUES (:person, 'referral',"
                    " :office, 'Kontaktdaten und Aufenthaltsstatus', '2026-11-01', 'written',"
                    " :worker, '2026-11-01 10:00:00')"
                ),
                {"person": ids["person_id"], "office": world["office_b"], "worker": worker_id},
            )
        upgrade(revision="heads")
        consent = db.session.scalar(select(Consent).where(Consent.person_id == ids["person_id"]))
        assert consent.categories == []
        assert consent.scope == "Kontaktdaten und Aufenthaltsstatus"  # kept, as the note
        assert consent.valid_until is None and consent.state(SHARED_ON) == "valid"
        assert services.allowed_categories(ids["person_id"], world["office_b"], SHARED_ON) == []
