"""The duplicate review against a real database: a resumable scan in batches, tiers with
evidence, a queue sorted by benefit that shrinks with decisions, clusters, merges."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.auth.models import User
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.people import casework, merging
from caseapp.people.models import DuplicateDecision, DuplicatePair, DuplicateScan
from caseapp.people.services import duplicates as review
from tests.factories.people import register


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def register_world(ctx, world):
    """Re-registrations, namesakes and a family, in two offices."""
    a, b = _user(world["caseworker_a"]), _user(world["caseworker_b"])
    oa, ob = world["office_a"], world["office_b"]
    made = {
        # The same woman at both offices, the second time with only the year and her phone.
        "rania": register(a, oa, given_name="Rania", family_name="Khalil", sex="f",
                          birth_year=1991, birth_month=6, birth_day=2, phone="0171 5550001"),
        "rania_b": register(b, ob, given_name="Ranya", family_name="Chalil", sex="f",
                            birth_year=1991, birth_month=None, birth_day=None,
                            phone="+49 171 5550001"),
        # The same man twice at office A: same full date, name spelled differently.
        "mohammed": register(a, oa, given_name="Mohammed", family_name="Al-Hassan",
                             birth_year=1988, birth_month=3, birth_day=14),
        "muhammad": register(a, oa, given_name="Muhammad", family_name="Alhasan",
                             birth_year=1988, birth_month=3, birth_day=14),
        # Namesakes: a common name and the same year, nothing else.
        "ahmad_1": register(a, oa, given_name="Ahmad", family_name="Karimi",
                            birth_year=1995, birth_month=None, birth_day=None),
        "ahmad_2": register(b, ob, given_name="Ahmad", family_name="Karimi",
                            birth_year=1995, birth_month=None, birth_day=None),
        # Twins in one household.
        "hassan": register(a, oa, given_name="Hassan", family_name="Haddad",
                           birth_year=2012, birth_month=6, birth_day=1, sex="m"),
        "hussein": register(a, oa, given_name="Hussein", family_name="Haddad",
                            birth_year=2012, birth_month=6, birth_day=1, sex="m"),
    }  # fmt: skip
    casework.link_household(a, made["hussein"], made["hassan"], role="child", other_role="child")
    db.session.commit()
    return made


def _pairs(scan_id):
    rows = db.session.scalars(select(DuplicatePair).where(DuplicatePair.scan_id == scan_id))
    return {(p.a_id, p.b_id): p for p in rows}


def _key(made, x, y):
    return tuple(sorted((made[x].id, made[y].id)))


def test_scan_finds_tiers_with_evidence_and_keeps_namesakes_and_twins_out(register_world):
    made = register_world
    scan = review.scan(None)
    assert scan.finished_at is not None
    pairs = _pairs(scan.id)
    rania = pairs[_key(made, "rania", "rania_b")]
    assert rania.tier == "certain" and "same_phone" in rania.reasons
    assert pairs[_key(made, "mohammed", "muhammad")].tier == "certain"
    namesakes = pairs.get(_key(made, "ahmad_1", "ahmad_2"))
    assert namesakes is None or namesakes.tier == "name_only"
    assert _key(made, "hassan", "hussein") not in pairs
    counts = review.queue_counts(scan.id)
    assert counts["certain"] == 2
    # Open cases in two offices come first: that is where repeated aid happens.
    first, _decision = review.queue(scan.id, "certain")[0]
    assert (first.a_id, first.b_id) == _key(made, "rania", "rania_b") and first.benefit >= 3


def test_an_interrupted_scan_goes_on_where_it_stopped(register_world):
    one_go = review.scan(None)
    expected = {(a, b, p.tier) for (a, b), p in _pairs(one_go.id).items()}
    # A scan in tiny batches, stopped after every one of them and started again.
    steps = 0
    while True:
        scan = review.scan(None, seconds=0, batch=7)
        steps += 1
        if scan.finished_at:
            break
        assert scan.last_key  # progress is kept
        assert steps < 500
    assert steps > 3
    assert {(a, b, p.tier) for (a, b), p in _pairs(scan.id).items()} == expected
    # The finished scan replaced the older one.
    assert db.session.scalar(select(func.count(DuplicateScan.id))) == 1


def test_every_batch_reports_its_progress_the_last_one_too(register_world):
    """A register that fits in one batch still reports what it found before the scan ends
    (the job page shows "pairs found so far"), and the report is committed: a scan that
    stops right after it and starts again stores no pair twice."""
    reports = []
    scan = review.scan(None, progress=lambda key, found: reports.append((key, found)))
    assert reports and reports[-1][1] == scan.pairs > 0
    expected = {(a, b, p.tier) for (a, b), p in _pairs(scan.id).items()}
    # Stopped right after the last batch's report, before it was marked finished:
    db.session.execute(
        DuplicateScan.__table__.update()
        .where(DuplicateScan.id == scan.id)
        .values(finished_at=None, last_key=reports[-1][0])
    )
    db.session.commit()
    again = review.scan(None)
    assert again.id == scan.id and again.finished_at
    assert {(a, b, p.tier) for (a, b), p in _pairs(again.id).items()} == expected
    assert again.pairs == len(expected)


def test_decisions_shrink_the_queue_and_are_never_proposed_again(register_world, world):
    made = register_world
    admin = _user(world["admin"])
    scan = review.scan(None)
    before = review.queue_counts(scan.id)["certain"]
    a, b = _key(made, "mohammed", "muhammad")
    review.decide(admin, a, b, "different")
    db.session.commit()
    assert review.queue_counts(scan.id)["certain"] == before - 1
    again = review.scan(None)  # a new scan finds the pair, the queue still leaves it out
    assert (a, b) in _pairs(again.id)
    assert (a, b) not in {(p.a_id, p.b_id) for p, _d in review.queue(again.id, "certain")}
    decision = db.session.scalar(select(DuplicateDecision))
    assert (decision.decided_by_id, decision.decision) == (admin.id, "different")
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "duplicate_decision"))
    assert audit.actor_id == admin.id and audit.details["decision"] == [None, "different"]
    # "Later" keeps the pair, at the end of its tier.
    x, y = _key(made, "rania", "rania_b")
    review.decide(admin, x, y, "later")
    db.session.commit()
    queue = review.queue(again.id, "certain")
    assert [(p.a_id, p.b_id, d) for p, d in queue][-1] == (x, y, "later")
    with pytest.raises(ValidationFailed):
        review.decide(admin, x, x, "different")
    with pytest.raises(ValidationFailed):
        review.decide(admin, x, y, "maybe")


def test_a_decision_follows_the_merged_record_and_informs_its_cluster(register_world, world):
    made = register_world
    admin = _user(world["admin"])
    third = register(
        _user(world["caseworker_a"]),
        world["office_a"],
        given_name="Mohamad",
        family_name="El Hassan",
        birth_year=1988,
        birth_month=3,
        birth_day=14,
    )
    scan = review.scan(None)
    trio = sorted((made["mohammed"].id, made["muhammad"].id, third.id))
    assert trio in review.pair_clusters(scan.id)
    # "Not the same person" on one pair keeps those two apart in every cluster.
    review.decide(admin, made["muhammad"].id, third.id, "different")
    db.session.commit()
    assert trio not in review.pair_clusters(scan.id)
    # Merging carries the decision over to the survivor and drops the removed record's pairs.
    merging.merge_people(admin, made["mohammed"], made["muhammad"], {})
    db.session.commit()
    low, high = sorted((made["mohammed"].id, third.id))
    moved = db.session.scalar(
        select(DuplicateDecision).where(
            DuplicateDecision.a_id == low, DuplicateDecision.b_id == high
        )
    )
    assert moved is not None and moved.decision == "different"
    assert not db.session.scalars(
        select(DuplicatePair).where(DuplicatePair.b_id == made["muhammad"].id)
    ).all()


def test_name_only_pairs_are_found_by_searching_a_name(register_world):
    made = register_world
    scan = review.scan(None)
    namesakes = _key(made, "ahmad_1", "ahmad_2")
    if namesakes not in _pairs(scan.id):
        pytest.skip("the namesakes are below even the 'same name only' tier")
    found = review.queue(scan.id, "name_only", name="Karimi")
    assert namesakes in {(p.a_id, p.b_id) for p, _d in found}
    assert review.queue(scan.id, "name_only", name="Rania") == []


def test_the_registration_hint_shows_the_tier(register_world, world):
    from caseapp.people import services
    from caseapp.people.validation import PersonData

    worker = _user(world["caseworker_a"])
    data = PersonData(
        given_name="Rania",
        family_name="Halil",
        birth_year=1991,
        sex="f",
        phone="0171/5550001",
        arrived_germany_on=date(2016, 1, 1),
    )
    found = services.duplicate_candidates(worker, services.facts_from_data(data))
    assert found and found[0][0].id == register_world["rania"].id
    assert found[0][1].tier == "certain" and "same_phone" in found[0][1].reasons


@pytest.mark.parametrize("ahead", [False, True])
def test_reading_the_next_batch_ahead_stores_the_same_pairs(register_world, ahead):
    """The read-ahead (the next batch read on its own connection while this one is paired)
    stores what batch after batch stores, and stops and goes on the same way."""
    expected = {(a, b, p.tier) for (a, b), p in _pairs(review.scan(None, ahead=False).id).items()}
    reports = []
    stored = review.scan(None, batch=3, ahead=ahead, progress=lambda k, n: reports.append(k))
    assert len(reports) > 3 and reports == sorted(reports)
    assert {(a, b, p.tier) for (a, b), p in _pairs(stored.id).items()} == expected
    assert stored.pairs == len(expected)
    steps = 0
    while True:  # stopped after every batch, started again
        scan = review.scan(None, seconds=0, batch=3, ahead=ahead)
        steps += 1
        if scan.finished_at:
            break
        assert steps < 500
    assert steps > 3
    assert {(a, b, p.tier) for (a, b), p in _pairs(scan.id).items()} == expected


def test_the_stored_scan_finds_what_the_whole_register_in_memory_finds(register_world, world):
    register(
        _user(world["caseworker_b"]),
        world["office_b"],
        given_name="Mohamad",
        family_name="El Hassan",
        birth_year=1988,
        birth_month=None,
        birth_day=None,
    )
    stored = review.scan(None, batch=5)
    in_memory = {(p.a_id, p.b_id, p.tier) for p in review.preview()}
    assert {(a, b, p.tier) for (a, b), p in _pairs(stored.id).items()} == in_memory


def test_an_address_is_street_house_number_and_postcode():
    def address(street, postcode="58762"):
        return review.evidence_of(
            phone_digits="",
            email="",
            street=street,
            postcode=postcode,
            nationalities=[],
            arrived=None,
        ).address

    assert address("Lennestraße 5") == address("Lennestr. 5") == address("lennestrasse  5")
    assert address("Lennestraße 5") != address("Lennestraße 7")  # neighbours, not one household
    assert address("Lennestraße 5") != address("Lennestraße 5", "58791")
    assert address("") == ""


def test_the_scan_loads_whole_only_the_persons_of_candidate_pairs(
    register_world, world, monkeypatch
):
    """A person sits in many buckets, and has a partner in each that holds their pair; the
    pair is compared in one of them only, so the scan loads the person once, not once per
    batch (the facts cache is switched off here so that every load shows)."""
    from caseapp.people.services import duplicate_scan

    loads: list[int] = []
    real = duplicate_scan.load_facts

    def counting(ids):
        loads.extend(ids)
        return real(ids)

    monkeypatch.setattr(duplicate_scan, "load_facts", counting)
    monkeypatch.setattr(duplicate_scan, "FACTS_CACHE", 0)
    scan = review.scan(None, batch=3)
    pairs = _pairs(scan.id)
    assert _key(register_world, "mohammed", "muhammad") in pairs
    for name in ("mohammed", "muhammad", "ahmad_1", "ahmad_2"):
        assert loads.count(register_world[name].id) == 1, name
    in_pairs = {pid for pair in pairs for pid in pair}
    assert set(loads) >= in_pairs


@pytest.mark.parametrize(
    ("year", "month", "day"), [(1990, 5, 12), (1990, 1, 1), (1990, None, None), (None, 3, 4)]
)
def test_a_batch_row_pairs_as_the_prepared_person_would(year, month, day):
    """The scan pairs buckets from its batch rows (duplicate_scan._pairing) and compares the
    pairs from loaded facts (prepare): both must read names and dates alike."""
    from caseapp.people.namematch import PersonFacts
    from caseapp.people.namematch.scoring import prepare
    from caseapp.people.services import duplicate_scan

    row = (7, "Nour El Houda", "Al-Hassan", 3, 1, "نور الهدى الحسن", year, month, day)
    row += ("1715550001", "Nour@Example.org", "Lennestr. 5", "53113", date(2016, 3, 1))
    facts = PersonFacts(
        id=7,
        given_name="Nour El Houda",
        family_name="Al-Hassan",
        original_name="نور الهدى الحسن",
        birth_year=year,
        birth_month=month,
        birth_day=day,
    )
    light = duplicate_scan._pairing(row, contacts=True)
    whole = prepare(facts)
    assert (light.id, light.tokens, light.n_given, light.original) == (
        whole.id,
        whole.tokens,
        whole.n_given,
        whole.original,
    )
    assert (light.year, light.month, light.day) == (whole.year, whole.month, whole.day)
    evidence = duplicate_scan.evidence_of(
        phone_digits="1715550001",
        email="Nour@Example.org",
        street="Lennestr. 5",
        postcode="53113",
        nationalities=(),
        arrived=date(2016, 3, 1),
    )
    assert light.evidence == evidence
    assert duplicate_scan._pairing(row, contacts=False).evidence is None
