"""The registration duplicate hint reads few persons: by id when a name has few matches, through
the birth-year window when it has many; both give the same candidates, and a different full
date of birth is never one."""

from __future__ import annotations

import pytest

from caseapp.people import namematch, services
from caseapp.people.namematch.scoring import prepare
from caseapp.people.services import search
from caseapp.people.services.duplicate_scan import evidence_of
from caseapp.people.validation import PersonData
from tests.factories.people import _user, register


@pytest.fixture
def namesakes(ctx, world):
    worker = _user(world["caseworker_a"])
    office = world["office_a"]
    made = {
        "same_date": register(worker, office, given_name="Muhammad", family_name="Alhasan"),
        "year_only": register(worker, office, birth_year=1988, birth_month=None, birth_day=None),
        "no_year": register(
            worker,
            office,
            given_name="Mohamad",
            family_name="El Hassan",
            birth_year=None,
            birth_month=None,
            birth_day=None,
        ),
        "other_date": register(worker, office, birth_month=9, birth_day=30),
        "far_year": register(worker, office, birth_year=1970, birth_month=None, birth_day=None),
        "other_name": register(worker, office, given_name="Rania", family_name="Khalil"),
    }
    return worker, made


def _typed(**kw):
    base = {"id": 0, "given_name": "Mohammed", "family_name": "Al-Hassan", "birth_year": 1988}
    base.update(birth_month=3, birth_day=14, **kw)
    return namematch.PersonFacts(**base)


def test_the_hint_finds_the_same_whether_it_reads_by_id_or_by_birth_window(namesakes, monkeypatch):
    worker, made = namesakes
    by_id = search.duplicate_candidates(worker, _typed(), limit=10)
    monkeypatch.setattr(search, "FEW_NAME_MATCHES", 0)  # the common-name plan
    by_window = search.duplicate_candidates(worker, _typed(), limit=10)
    assert [(p.id, c) for p, c in by_id] == [(p.id, c) for p, c in by_window]
    found = {p.id for p, _c in by_id}
    assert made["same_date"].id in found
    assert made["year_only"].id in found
    # A different full date, a birth year far away, another name: never candidates.
    assert made["other_date"].id not in found
    assert made["far_year"].id not in found
    assert made["other_name"].id not in found


def test_a_different_full_date_keeps_even_an_otherwise_identical_record_below_the_hint():
    """The hint skips such rows before comparing them (search._dates_differ): this is the
    bound it relies on (scoring.dates_rule_out), with every other kind of evidence agreeing."""
    contacts = evidence_of(
        phone_digits="1715550001",
        email="r@example.org",
        street="Lennestr. 5",
        postcode="53113",
        nationalities=("SY",),
        arrived=None,
    )
    same = {
        "given_name": "Mohammed Ali",
        "family_name": "Al-Hassan",
        "original_name": "محمد علي الحسن",
        "birth_year": 1988,
        "sex": "m",
        "evidence": contacts,
    }
    a = prepare(namematch.PersonFacts(id=1, birth_month=3, birth_day=14, **same))
    b = prepare(namematch.PersonFacts(id=2, birth_month=3, birth_day=15, **same))
    assert search._dates_differ(a, _Row(b))
    assert namematch.scoring.compare_prepared(a, b).score < search.CANDIDATE_MIN_SCORE
    assert not search._dates_differ(a, _Row(a))


class _Row:
    def __init__(self, p):
        self.birth_year, self.birth_month, self.birth_day = p.year, p.month, p.day


def test_the_hint_still_shows_the_registered_person_through_the_service(namesakes):
    worker, made = namesakes
    data = PersonData(given_name="Muhammad", family_name="Alhasan", birth_year=1988)
    found = services.duplicate_candidates(worker, services.facts_from_data(data))
    assert made["same_date"].id in {p.id for p, _c in found}
