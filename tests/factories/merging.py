"""A person with a row in every table that refers to persons, for the merge, export and
retention tests (and the small builders it needs)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from caseapp.appointments.models import Appointment
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.matches import services as matching
from caseapp.matches.models import Match, MatchRequest
from caseapp.offices.models import District
from caseapp.people import casework, merging
from caseapp.people.models import (
    DuplicateDecision,
    DuplicatePair,
    DuplicateScan,
    Person,
)
from caseapp.portal import services as portal
from caseapp.referrals import directory
from caseapp.referrals import services as referrals
from caseapp.referrals.models import Referral
from tests.factories.matching import consent_to_matching, trained_volunteer
from tests.factories.people import TODAY, _user, register
from tests.factories.volunteers import make_programme


def _service(office_id: int, name: str):
    return directory.create_service(
        None,
        directory.ServiceData(
            office_id=office_id, name_de=name, need_areas=["work"], languages=["de", "ar"]
        ),
        TODAY,
    )


def _appointment(person: Person, days: int) -> Appointment:
    start = utcnow().replace(microsecond=0) + timedelta(days=days)
    appointment = Appointment(
        person_id=person.id,
        office_id=person.office_id,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
    )
    db.session.add(appointment)
    db.session.flush()
    return appointment


def _waiting(worker, person: Person, programme_id: int, waiting_since: date) -> MatchRequest:
    consent_to_matching(worker, person)
    return matching.create_request(
        worker,
        person,
        matching.RequestData(programme_id=programme_id, waiting_since=waiting_since),
        TODAY,
    )


def survivor_id_before(removed: Person) -> int:
    """The survivor, registered just before the record to be removed."""
    return db.session.scalar(select(func.max(Person.id)).where(Person.id < removed.id))


def _removed_with_one_row_of_every_kind(world, worker, admin) -> dict:
    """The record to be removed, with a row in every table that refers to persons."""
    removed = register(
        worker, world["office_a"], given_name="Muhammad", family_name="Alhasan", phone="0171 1"
    )
    # An earlier duplicate already merged into it (persons.merged_into_id, person_merges).
    earlier = register(worker, world["office_a"], given_name="Mohamad", family_name="Alhassan")
    merging.merge_people(admin, removed, earlier, {})
    db.session.flush()
    case = removed.case
    consultation = casework.log_consultation(
        worker,
        case,
        casework.ConsultationData(
            at=utcnow() - timedelta(hours=1),
            duration_minutes=20,
            mode="phone",
            steps=[casework.StepData("Zeugnisse mitbringen", TODAY + timedelta(days=7), None)],
        ),
        office_id=removed.office_id,
    )
    from caseapp.people.models import AidKind

    kind = AidKind(name_de="Fahrkarte", min_interval_days=0)
    db.session.add(kind)
    db.session.flush()
    casework.record_aid(
        worker,
        case,
        kind_id=kind.id,
        given_on=TODAY,
        value_cents=100,
        note="",
        override_reason="",
        office_id=removed.office_id,
        today=TODAY,
    )
    consent = casework.record_consent(
        worker,
        case,
        purpose="referral",
        receiving_office_id=world["office_b"],
        categories=["contact"],
        scope="Kontaktdaten",
        given_on=TODAY,
        form="written",
        today=TODAY,
    )
    relative = register(worker, world["office_a"], given_name="Amina", sex="f")
    casework.link_household(worker, removed, relative, role="spouse", other_role="head")
    appointment = _appointment(removed, days=3)
    # A referral sent for the removed record ...
    service_b = _service(world["office_b"], "Arbeitsvermittlung")
    sent = referrals.create_referral(
        worker,
        removed,
        referrals.ReferralData(need="work", service_id=service_b.id, categories=["contact"]),
    )
    referrals.send_referral(worker, sent)
    # ... and one from office B whose receiving case at office A is the removed record.
    other_worker = _user(world["caseworker_b"])
    elsewhere = register(other_worker, world["office_b"], given_name="Rania", family_name="Khalil")
    received = Referral(
        person_id=elsewhere.id,
        case_id=elsewhere.case.id,
        from_office_id=world["office_b"],
        to_office_id=world["office_a"],
        service_id=_service(world["office_a"], "Sprachkurs-Beratung").id,
        need="work",
        status="accepted",
        receiving_person_id=removed.id,
    )
    db.session.add(received)
    # Waiting in one programme, matched with a volunteer in another.
    district = District(name="Altstadt")
    db.session.add(district)
    db.session.flush()
    waiting_in = make_programme(name_de="Willkommensbotschafter")
    matched_in = make_programme(kind="language_partner", name_de="Sprachpartner")
    waiting = _waiting(worker, removed, waiting_in, TODAY - timedelta(days=30))
    volunteer_id = trained_volunteer(world["volunteer"], matched_in, district.id, [("ar", "good")])
    matched = _waiting(worker, removed, matched_in, TODAY - timedelta(days=60))
    matched.status = "matched"
    match = Match(
        request_id=matched.id,
        programme_id=matched_in,
        person_id=removed.id,
        volunteer_id=volunteer_id,
        started_on=TODAY,
        planned_end_on=TODAY + timedelta(days=180),
    )
    db.session.add(match)
    portal.issue_code(worker, removed, now=utcnow(), valid_days=30)
    # A deadline entered by hand (feature package deadlines).
    from caseapp.deadlines import catalogue
    from caseapp.deadlines import services as deadlines
    from caseapp.deadlines.models import DeadlineKind

    catalogue.install_defaults()
    entered = db.session.scalar(
        select(DeadlineKind.id).where(DeadlineKind.code == "integration_course")
    )
    deadlines.enter_deadline(
        worker, removed, deadlines.EnteredDeadline(entered, TODAY + timedelta(weeks=3)), TODAY
    )
    # Data-protection requests (feature package privacy): a copy asked for in the portal, an
    # erasure request, and the mark an anonymisation leaves.
    from caseapp.privacy import services as privacy
    from caseapp.privacy.models import AnonymisedPerson

    privacy.request_export(worker, removed, via="portal")
    privacy.request_erasure(worker, removed, "")
    db.session.add(AnonymisedPerson(person_id=removed.id, rule="erasure"))
    # Pairs a duplicate scan found, and administrators' decisions on two pairs.
    scan = DuplicateScan(last_key="", pairs=2)
    db.session.add(scan)
    db.session.flush()
    for low, high in ((survivor_id_before(removed), removed.id), (removed.id, relative.id)):
        db.session.add(
            DuplicatePair(scan_id=scan.id, a_id=low, b_id=high, tier="possible", score=0.8)
        )
    db.session.add(DuplicateDecision(a_id=removed.id, b_id=elsewhere.id, decision="different"))
    db.session.add(
        DuplicateDecision(a_id=survivor_id_before(removed), b_id=removed.id, decision="later")
    )
    db.session.commit()
    return {
        "removed": removed,
        "earlier": earlier.id,
        "consultation": consultation.id,
        "consent": consent.id,
        "appointment": appointment.id,
        "sent": sent.id,
        "received": received.id,
        "requests": {waiting.id, matched.id},
        "match": match.id,
    }
