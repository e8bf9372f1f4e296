"""Routing rules choose the responsible service (pure, no app)."""

from __future__ import annotations

import pytest

from caseapp.referrals.routing import (
    Decision,
    ReferredPerson,
    RuleFacts,
    ServiceFacts,
    candidates,
    route,
)

WEST, NORTH, EAST = 1, 2, 3

SERVICES = [
    ServiceFacts(
        10,
        100,
        "Wohnungsamt West",
        frozenset({"housing"}),
        frozenset({WEST}),
        frozenset({"de", "ar"}),
    ),
    ServiceFacts(
        11,
        101,
        "Wohnungsamt Nord",
        frozenset({"housing"}),
        frozenset({NORTH}),
        frozenset({"de", "tr"}),
    ),
    ServiceFacts(
        12, 102, "Wohnraumberatung Stadt", frozenset({"housing"}), frozenset(), frozenset({"de"})
    ),
    ServiceFacts(
        13,
        103,
        "Jugendmigrationsdienst",
        frozenset({"housing", "education"}),
        frozenset(),
        frozenset({"de", "ar"}),
    ),
    ServiceFacts(
        14,
        104,
        "Jobcenter",
        frozenset({"work"}),
        frozenset({WEST, NORTH}),
        frozenset({"de"}),
        capacity="not_accepting",
    ),
    ServiceFacts(
        15,
        105,
        "Arbeitsberatung",
        frozenset({"work"}),
        frozenset(),
        frozenset({"de", "ar"}),
        capacity="waiting_list",
    ),
    ServiceFacts(16, 106, "Alt", frozenset({"health"}), frozenset(), frozenset(), active=False),
]

RULES = [
    RuleFacts(1, "housing", 10, priority=10, district_id=WEST),
    RuleFacts(2, "housing", 11, priority=10, district_id=NORTH),
    RuleFacts(3, "housing", 13, priority=5, age_group="minor"),
    RuleFacts(4, "housing", 12, priority=100),  # city-wide fallback
    RuleFacts(5, "work", 14, priority=10),
    RuleFacts(6, "work", 15, priority=50),
    RuleFacts(7, "housing", 10, priority=10, district_id=EAST, language="ar"),
    RuleFacts(8, "health", 16, priority=1),
    RuleFacts(9, "benefits", 12, priority=1, residence_status="asylum_seeker"),
]

ARABIC = frozenset({"ar"})


@pytest.mark.parametrize(
    ("need", "person", "service", "rule", "codes"),
    [
        # district rule wins over the fallback
        ("housing", ReferredPerson(WEST, ARABIC, 30), 10, 1, {"serves_district", "speaks", "rule"}),
        ("housing", ReferredPerson(NORTH, frozenset({"tr"}), 30), 11, 2, {"speaks"}),
        # no district rule for the east: a language rule applies only to Arabic speakers
        ("housing", ReferredPerson(EAST, ARABIC, 30), 10, 7, {"rule"}),
        ("housing", ReferredPerson(EAST, frozenset({"fa"}), 30), 12, 4, {"rule_fallback"}),
        # unknown district: the city-wide fallback
        ("housing", ReferredPerson(None, frozenset(), None), 12, 4, {"serves_city"}),
        # optional criteria: age group beats district by priority
        ("housing", ReferredPerson(WEST, ARABIC, 16), 13, 3, {"age_group"}),
        # not accepting is skipped; the waiting list still takes referrals
        ("work", ReferredPerson(WEST, ARABIC, 40), 15, 6, {"waiting_list"}),
        # residence status criterion
        ("benefits", ReferredPerson(WEST, ARABIC, 40, "asylum_seeker"), None, None, {"no_service"}),
        # inactive services never win; no other service covers health
        ("health", ReferredPerson(WEST, ARABIC, 40), None, None, {"no_service"}),
        # no rule at all: the directory
        ("education", ReferredPerson(WEST, ARABIC, 40), 13, None, {"directory", "serves_city"}),
    ],
)
def test_route_table(need, person, service, rule, codes):
    decision = route(need, person, RULES, SERVICES)
    assert decision.service_id == service
    assert decision.rule_id == rule
    assert codes <= {r.code for r in decision.reasons}


def test_residence_status_rule_needs_a_service_offering_the_need():
    """Rule 9 points at a service that does not offer benefits: skipped with a reason."""
    decision = route("benefits", ReferredPerson(WEST, ARABIC, 40, "asylum_seeker"), RULES, SERVICES)
    assert (12, "need_not_offered") in decision.skipped


def test_skipped_services_say_why():
    decision = route("work", ReferredPerson(WEST, ARABIC, 40), RULES, SERVICES)
    assert decision.skipped == ((14, "not_accepting"),)


def test_exclude_gives_an_alternative_after_a_decline():
    first = route("housing", ReferredPerson(WEST, ARABIC, 30), RULES, SERVICES)
    second = route(
        "housing", ReferredPerson(WEST, ARABIC, 30), RULES, SERVICES, exclude=frozenset({10})
    )
    assert first.service_id == 10 and second.service_id == 12


def test_age_groups():
    assert ReferredPerson(age=17).age_group == "minor"
    assert ReferredPerson(age=18).age_group == "adult"
    assert ReferredPerson(age=65).age_group == "senior"
    assert ReferredPerson().age_group == ""


def test_candidates_put_the_persons_district_first_and_leave_out_not_accepting():
    names = [s.name for s in candidates("housing", ReferredPerson(NORTH), SERVICES)]
    assert names[0] in {"Jugendmigrationsdienst", "Wohnraumberatung Stadt", "Wohnungsamt Nord"}
    assert names[-1] == "Wohnungsamt West"
    assert [s.id for s in candidates("work", ReferredPerson(WEST), SERVICES)] == [15]


def test_routing_is_pure():
    import sys

    assert isinstance(route("x", ReferredPerson(), [], []), Decision)
    import caseapp.referrals.routing as module

    with open(module.__file__) as handle:
        source = handle.read()
    assert "flask" not in source and "sqlalchemy" not in source
    assert "caseapp.referrals.routing" in sys.modules
