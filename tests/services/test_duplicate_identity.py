"""The stored scan and the registration hint with the evidence from the papers (issue 20):
the AZR number, the parents' names and the place of birth, read from the database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.people.models import DuplicatePair
from caseapp.people.services import duplicates as review
from tests.factories.people import register


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def papers(ctx, world):
    a, b = _user(world["caseworker_a"]), _user(world["caseworker_b"])
    oa, ob = world["office_a"], world["office_b"]
    vague = {"birth_month": None, "birth_day": None}
    made = {
        # The same man at both offices: a year only, nothing shared but his AZR number.
        "nour": register(a, oa, given_name="Nour", family_name="Khalil", birth_year=1979,
                         azr_number="123456789012", **vague),
        "nur": register(b, ob, given_name="Nur", family_name="Chalil", birth_year=1979,
                        azr_number="123456789012", **vague),
        # Namesakes with the same full date and phone (a family phone) but different mothers.
        "omar_1": register(a, oa, given_name="Omar", family_name="Saleh", birth_year=2001,
                           birth_month=4, birth_day=9, phone="0171 5550002",
                           mother_name="Fatima"),
        "omar_2": register(a, oa, given_name="Omar", family_name="Saleh", birth_year=2001,
                           birth_month=4, birth_day=9, phone="0171 5550002",
                           mother_name="Amina"),
        # Two records with different AZR numbers: two persons.
        "lina_1": register(a, oa, given_name="Lina", family_name="Haddad", birth_year=1990,
                           birth_month=2, birth_day=3, azr_number="111111111111"),
        "lina_2": register(b, ob, given_name="Lina", family_name="Hadad", birth_year=1990,
                           birth_month=2, birth_day=3, azr_number="222222222222"),
        # A year and the same place of birth and mother: listed with those reasons.
        "samir_1": register(a, oa, given_name="Samir", family_name="Darwish", birth_year=1970,
                            birth_place="Homs", mother_name="Mariam", **vague),
        "samir_2": register(b, ob, given_name="Sameer", family_name="Darwisch",
                            birth_year=1970, birth_place="Homs, Syrien", mother_name="Maryam",
                            **vague),
        # One AZR number on records the key walk never pairs: different full dates (one is
        # written wrong) and a spelling no key bridges.
        "karim_1": register(a, oa, given_name="Karim", family_name="Mansour", birth_year=1984,
                            birth_month=5, birth_day=6, azr_number="333333333333"),
        "karim_2": register(b, ob, given_name="Karim", family_name="Mansour", birth_year=1984,
                            birth_month=6, birth_day=5, azr_number="333333333333"),
        "abdel_1": register(a, oa, given_name="Abdulrahman", family_name="Al-Dschasim",
                            birth_year=1979, azr_number="444444444444", **vague),
        "abdel_2": register(b, ob, given_name="Abdel", family_name="Jasem", birth_year=1979,
                            azr_number="444444444444", **vague),
    }  # fmt: skip
    return made


def _pairs(scan_id):
    rows = db.session.scalars(select(DuplicatePair).where(DuplicatePair.scan_id == scan_id))
    return {(p.a_id, p.b_id): p for p in rows}


def _key(made, x, y):
    return tuple(sorted((made[x].id, made[y].id)))


def test_the_scan_reads_the_papers_evidence_for_and_against(papers):
    pairs = _pairs(review.scan(None).id)
    nour = pairs[_key(papers, "nour", "nur")]
    assert nour.tier == "certain" and "same_azr" in nour.reasons
    assert _key(papers, "omar_1", "omar_2") not in pairs  # different mothers
    assert _key(papers, "lina_1", "lina_2") not in pairs  # different AZR numbers
    samir = pairs[_key(papers, "samir_1", "samir_2")]
    assert {"same_mother", "same_birth_place"} <= set(samir.reasons)
    for x, y in (("karim_1", "karim_2"), ("abdel_1", "abdel_2")):
        pair = pairs[_key(papers, x, y)]
        assert pair.tier == "possible" and "same_azr" in pair.reasons, (x, pair.reasons)
    # The stored scan and the in-memory review agree on every pair.
    in_memory = {(p.a_id, p.b_id, p.tier) for p in review.preview()}
    assert {(a, b, p.tier) for (a, b), p in pairs.items()} == in_memory


def test_a_scan_stopped_after_every_batch_stores_the_number_pairs_once(papers):
    expected = {(a, b, p.tier) for (a, b), p in _pairs(review.scan(None).id).items()}
    steps = 0
    while True:
        scan = review.scan(None, seconds=0, batch=3)
        steps += 1
        if scan.finished_at:
            break
        assert steps < 500
    assert {(a, b, p.tier) for (a, b), p in _pairs(scan.id).items()} == expected
    assert scan.pairs == len(expected)


def test_the_registration_hint_weighs_the_papers_too(papers, world):
    from caseapp.people import services
    from caseapp.people.validation import PersonData

    worker = _user(world["caseworker_a"])

    def hint(**kw):
        data = PersonData(given_name="Nour", family_name="Khalil", birth_year=1979, **kw)
        found = services.duplicate_candidates(worker, services.facts_from_data(data))
        return {p.id: c for p, c in found}

    same = hint(azr_number="1234 5678 9012")
    assert same[papers["nour"].id].tier == "certain"
    assert "same_azr" in same[papers["nour"].id].reasons
    assert papers["nour"].id not in hint(azr_number="999999999999")


def test_records_that_attended_appointments_at_the_same_time_are_two_persons(ctx, world):
    """One person is not at two appointments at once: the appointments package tells the
    scan who attended when (duplicate_facts.register_evidence), and that rules a pair out."""
    from datetime import timedelta

    from caseapp.appointments.models import ATTENDED, Appointment
    from caseapp.core.clock import utcnow

    a, b = _user(world["caseworker_a"]), _user(world["caseworker_b"])
    same = {"given_name": "Yusuf", "family_name": "Demir", "birth_year": 1993,
            "birth_month": 8, "birth_day": 17, "phone": "0171 5550009"}  # fmt: skip
    first = register(a, world["office_a"], **same)
    second = register(b, world["office_b"], **same)
    start = utcnow().replace(microsecond=0) - timedelta(days=3)

    def attend(person, office, minutes_later):
        at = start + timedelta(minutes=minutes_later)
        db.session.add(
            Appointment(
                person_id=person.id,
                office_id=office,
                starts_at=at,
                ends_at=at + timedelta(minutes=30),
                status=ATTENDED,
            )
        )
        db.session.commit()

    attend(first, world["office_a"], 0)
    attend(second, world["office_b"], 60)  # one after the other: could be one person
    pairs = _pairs(review.scan(None).id)
    assert pairs[tuple(sorted((first.id, second.id)))].tier == "certain"
    attend(second, world["office_b"], 15)  # overlapping the first: two persons
    assert tuple(sorted((first.id, second.id))) not in _pairs(review.scan(None).id)
    in_memory = {(p.a_id, p.b_id) for p in review.preview()}
    assert tuple(sorted((first.id, second.id))) not in in_memory


def test_the_search_box_finds_a_person_by_the_azr_number(papers, world):
    from caseapp.people.services.finder import find_people

    worker = _user(world["caseworker_a"])
    for typed in ("123456789012", "1234 5678 9012", "١٢٣٤٥٦٧٨٩٠١٢"):
        hits = find_people(worker, typed).hits
        assert hits and hits[0].person.id == papers["nour"].id, typed
        assert hits[0].reasons == ("azr_number",)
    # Only within the offices the caseworker may see: Nur is office B's record.
    assert papers["nur"].id not in {h.person.id for h in find_people(worker, "123456789012").hits}
    assert find_people(worker, "123456789013").hits == []
