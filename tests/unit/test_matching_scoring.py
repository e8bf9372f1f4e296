"""Hard constraints, soft scores, explanations and matching rounds (pure, no app)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from caseapp.matches.engine import assign, features, run_round
from caseapp.matches.engine.scoring import (
    ALL_SLOTS,
    BASE_SCORE,
    HARD_CONSTRAINTS,
    Districts,
    NewcomerProfile,
    Programme,
    VolunteerProfile,
    Weights,
    hard_check,
    score_pair,
)

TODAY = date(2026, 3, 1)
MENTOR = Programme(code="mentor", requires_good_conduct=True)
DISTRICTS = Districts(
    {
        "Altstadt": {"Weststadt", "Oststadt"},
        "Weststadt": {"Nordstadt"},
        "Oststadt": set(),
        "Hafen": set(),
    }
)


def make_newcomer(**kw) -> NewcomerProfile:
    values = {
        "id": 1,
        "programme": "mentor",
        "languages": {"ar": "native", "de": "A2"},
        "district": "Altstadt",
        "waiting_since": TODAY - timedelta(days=41),
        "gender": "male",
    }
    return NewcomerProfile(**(values | kw))


def make_volunteer(**kw) -> VolunteerProfile:
    values = {
        "id": "v1",
        "languages": {"de": "native", "ar": "B2"},
        "district": "Altstadt",
        "approved_programmes": frozenset({"mentor"}),
        "trained_programmes": frozenset({"mentor"}),
        "good_conduct_valid_until": TODAY + timedelta(days=365),
        "capacity": 1,
        "gender": "female",
    }
    return VolunteerProfile(**(values | kw))


def check(newcomer=None, volunteer=None, programme=MENTOR):
    return hard_check(
        newcomer or make_newcomer(), volunteer or make_volunteer(), programme, DISTRICTS, TODAY
    )


# --- hard constraints -------------------------------------------------------------------


def test_a_matching_pair_fails_nothing():
    assert check() == ()


@pytest.mark.parametrize(
    ("code", "failing", "passing"),
    [
        ("inactive", {"active": False}, {"active": True}),
        ("not_approved", {"approved_programmes": frozenset({"kuemmerer"})}, {}),
        ("not_trained", {"trained_programmes": frozenset()}, {}),
        ("good_conduct_missing_or_expired", {"good_conduct_valid_until": None}, {}),
        (
            "good_conduct_missing_or_expired",
            {"good_conduct_valid_until": TODAY - timedelta(days=1)},
            {"good_conduct_valid_until": TODAY},
        ),
        ("no_capacity", {"capacity": 2, "active_matches": 2}, {"capacity": 2, "active_matches": 1}),
        ("no_capacity", {"capacity": 0}, {"capacity": 1}),
        ("out_of_reach", {"district": "Hafen"}, {"district": "Weststadt"}),
        ("out_of_reach", {"district": "Nordstadt"}, {"district": "Oststadt"}),
        ("no_shared_language", {"languages": {"de": "native"}}, {"languages": {"ar": "A2"}}),
        ("no_shared_language", {"languages": {"ar": "A1"}}, {"languages": {"ar": "C2"}}),
        ("no_common_availability", {"availability": frozenset()}, {"availability": ALL_SLOTS}),
    ],
)
def test_each_volunteer_side_constraint_fails_and_passes(code, failing, passing):
    newcomer = make_newcomer(languages={"ar": "native"})
    assert check(newcomer, make_volunteer(**failing)) == (code,)
    assert check(newcomer, make_volunteer(**passing)) == ()


def test_good_conduct_only_counts_where_the_programme_requires_it():
    volunteer = make_volunteer(good_conduct_valid_until=None)
    assert check(volunteer=volunteer, programme=Programme(code="mentor")) == ()


def test_neighbours_are_symmetric_and_reach_is_one_step():
    assert DISTRICTS.distance("Nordstadt", "Weststadt") == 1
    assert DISTRICTS.distance("Weststadt", "Altstadt") == 1
    assert DISTRICTS.distance("Altstadt", "Altstadt") == 0
    assert DISTRICTS.distance("Altstadt", "Nordstadt") is None
    assert DISTRICTS.distance("Unknown", "Unknown") == 0


def test_shared_language_needs_the_programme_level_unless_an_interpreter_is_arranged():
    tigrinya = make_newcomer(languages={"ti": "native", "de": "A1"})
    assert check(tigrinya) == ("no_shared_language",)
    assert check(replace(tigrinya, interpreter_arranged=True)) == ()
    assert check(make_newcomer(languages={"de": "A2"})) == ()
    assert check(
        make_newcomer(languages={"de": "A2"}), programme=replace(MENTOR, min_language_level="B1")
    ) == ("no_shared_language",)


def test_coarse_level_words_from_the_sign_up_form_are_understood():
    volunteer = make_volunteer(languages={"ar": "good"})
    assert check(make_newcomer(languages={"ar": "native"}), volunteer) == ()
    assert check(
        make_newcomer(languages={"ar": "native"}), make_volunteer(languages={"ar": "??"})
    ) == ("no_shared_language",)


def test_gender_preference():
    wants_woman = make_newcomer(gender="female", gender_preference="Female")
    assert check(wants_woman, make_volunteer(gender="female")) == ()
    assert check(wants_woman, make_volunteer(gender="male")) == ("gender_preference",)
    assert check(make_newcomer(gender_preference=None), make_volunteer(gender="male")) == ()


def test_availability_accepts_pairs_and_form_strings():
    newcomer = make_newcomer(availability=frozenset({(1, "evening"), (3, "morning")}))
    assert check(newcomer, make_volunteer(availability=frozenset({"1-evening"}))) == ()
    assert check(newcomer, make_volunteer(availability=[[3, "morning"]])) == ()  # JSON
    assert check(newcomer, make_volunteer(availability=frozenset({(1, "morning")}))) == (
        "no_common_availability",
    )


def test_do_not_rematch():
    newcomer = make_newcomer(do_not_match_ids=frozenset({"v1"}))
    assert check(newcomer) == ("do_not_rematch",)
    assert check(newcomer, make_volunteer(id="v2")) == ()


def test_failures_are_reported_together_in_a_fixed_order():
    volunteer = make_volunteer(active=False, district="Hafen", languages={"fr": "native"})
    assert check(volunteer=volunteer) == ("inactive", "out_of_reach", "no_shared_language")
    assert set(check(volunteer=volunteer)) <= set(HARD_CONSTRAINTS)


# --- soft scores and reasons ------------------------------------------------------------


def test_explains_a_good_pair_with_codes_not_words():
    newcomer = make_newcomer(needs=("work",), interests=("Football", "chess"), age=30)
    volunteer = make_volunteer(
        district="Weststadt", profession="HR clerk", interests=("football",), age=34
    )
    result = score_pair(newcomer, volunteer, MENTOR, DISTRICTS, TODAY)
    reasons = {r.code: r.params for r in result.parts}
    assert reasons["shared_language"] == {"language": "ar", "level": "B2"}
    assert reasons["needs_skill"] == {"need": "work", "skill": "HR clerk"}
    assert reasons["neighbouring_district"] == {"district": "Weststadt"}
    assert reasons["waited_days"] == {"days": 41}
    assert reasons["shared_interests"] == {"interests": ["football"]}
    assert reasons["similar_age"] == {"difference": 4}
    assert result.parts[0].code == "needs_skill"  # the strongest reason comes first
    assert result.score > BASE_SCORE


@pytest.mark.parametrize(
    ("need", "skill"),
    [
        ("work", "Personalwesen"),
        ("work", "job coaching"),
        ("language", "Deutschlehrerin"),
        ("housing", "Immobilienmaklerin"),
        ("health", "Krankenpfleger"),
        ("legal", "Rechtsanwältin"),
    ],
)
def test_needs_are_covered_by_matching_skills(need, skill):
    result = score_pair(
        make_newcomer(needs=(need,)), make_volunteer(skills=(skill,)), MENTOR, DISTRICTS, TODAY
    )
    assert any(r.code == "needs_skill" and r.params["skill"] == skill for r in result.parts)


def test_short_keywords_match_whole_words_only():
    result = score_pair(
        make_newcomer(needs=("work", "benefits")),
        make_volunteer(profession="Taxi driver", skills=("chrome",)),
        MENTOR,
        DISTRICTS,
        TODAY,
    )
    assert not any(r.code == "needs_skill" for r in result.parts)


def test_continuity_raises_the_score():
    plain = score_pair(make_newcomer(), make_volunteer(), MENTOR, DISTRICTS, TODAY)
    known = score_pair(
        make_newcomer(previous_volunteer_ids=frozenset({"v1"})),
        make_volunteer(),
        MENTOR,
        DISTRICTS,
        TODAY,
    )
    assert known.score > plain.score
    assert any(r.code == "continuity" for r in known.parts)


def test_waiting_time_raises_priority_monotonically_and_is_capped():
    scores = [
        score_pair(
            make_newcomer(waiting_since=TODAY - timedelta(days=d)),
            make_volunteer(),
            MENTOR,
            DISTRICTS,
            TODAY,
        ).score
        for d in (0, 10, 100, 365, 1000)
    ]
    assert scores == sorted(scores)
    assert scores[0] < scores[1] < scores[2] < scores[3]
    assert scores[3] == scores[4]


def test_weights_all_zero_give_every_candidate_the_base_score():
    flat = Programme(
        code="mentor",
        requires_good_conduct=True,
        weights=Weights(
            needs_skills=0, interests=0, age=0, language_level=0, distance=0, waiting_time=0,
            continuity=0,
        ),
    )  # fmt: skip
    newcomer = make_newcomer(needs=("work",), previous_volunteer_ids=frozenset({"v1"}))
    result = score_pair(newcomer, make_volunteer(profession="HR"), flat, DISTRICTS, TODAY)
    assert result.score == BASE_SCORE
    assert result.parts  # the facts are still explained


def test_weights_must_be_finite_and_not_negative():
    with pytest.raises(ValueError):
        Weights(distance=-1)
    with pytest.raises(ValueError):
        Weights(age=float("nan"))
    with pytest.raises(ValueError):
        Programme(code="mentor", min_language_level="Z9")


# --- the vectorised round agrees with the scalar functions ------------------------------


def random_people(seed: int, n_new: int = 40, n_vol: int = 25):
    rng = random.Random(seed)
    names = ["Altstadt", "Weststadt", "Oststadt", "Nordstadt", "Hafen"]
    langs = ["ar", "de", "fa", "ti", "uk", "ru", "tr"]
    levels = ["A1", "A2", "B1", "B2", "C1", "C2", "native", "basic", "fluent"]
    slots = sorted(ALL_SLOTS)
    hobbies = ["football", "chess", "music", "cooking", "hiking"]
    newcomers = [
        make_newcomer(
            id=i,
            languages={c: rng.choice(levels) for c in rng.sample(langs, rng.randint(1, 3))},
            district=rng.choice(names),
            gender=rng.choice(["male", "female"]),
            gender_preference=rng.choice([None, None, "female", "male", "diverse"]),
            age=rng.choice([None, rng.randint(18, 70)]),
            needs=tuple(rng.sample(["work", "housing", "language", "health", "other"], 2)),
            interests=tuple(rng.sample(hobbies, rng.randint(0, 3))),
            availability=frozenset(rng.sample(slots, rng.randint(0, 6))),
            waiting_since=TODAY - timedelta(days=rng.randint(0, 500)),
            interpreter_arranged=rng.random() < 0.1,
            previous_volunteer_ids=frozenset({f"v{rng.randint(0, n_vol)}"}),
            do_not_match_ids=frozenset({f"v{rng.randint(0, n_vol)}"})
            if rng.random() < 0.2
            else frozenset(),
        )
        for i in range(n_new)
    ]
    volunteers = [
        make_volunteer(
            id=f"v{j}",
            languages={c: rng.choice(levels) for c in rng.sample(langs, rng.randint(1, 3))},
            district=rng.choice(names),
            gender=rng.choice(["male", "female", "diverse"]),
            age=rng.choice([None, rng.randint(18, 80)]),
            profession=rng.choice(["HR clerk", "teacher", "nurse", "engineer", ""]),
            interests=tuple(rng.sample(hobbies, rng.randint(0, 3))),
            availability=frozenset(rng.sample(slots, rng.randint(1, 12))),
            capacity=rng.randint(0, 3),
            active_matches=rng.randint(0, 1),
            active=rng.random() < 0.9,
            trained_programmes=frozenset({"mentor"} if rng.random() < 0.9 else ()),
            good_conduct_valid_until=rng.choice([None, TODAY, TODAY + timedelta(days=30)]),
        )
        for j in range(n_vol)
    ]
    return newcomers, volunteers


@pytest.mark.parametrize("seed", range(8))
def test_vectorised_candidates_and_scores_equal_the_scalar_functions(seed):
    newcomers, volunteers = random_people(seed)
    rejected = {(0, "v1"), (3, "v2")}
    data = features.encode(newcomers, volunteers, MENTOR, DISTRICTS, TODAY, {}, rejected)
    n, v = features.candidate_pairs(data)
    found = set(zip(n.tolist(), v.tolist(), strict=True))
    expected = {
        (i, j)
        for i, a in enumerate(newcomers)
        for j, b in enumerate(volunteers)
        if not hard_check(a, b, MENTOR, DISTRICTS, TODAY) and (a.id, b.id) not in rejected
    }
    assert found == expected
    expected_scores = [
        score_pair(newcomers[i], volunteers[j], MENTOR, DISTRICTS, TODAY).score
        for i, j in zip(n.tolist(), v.tolist(), strict=True)
    ]
    assert features.score_pairs(data, n, v, MENTOR).tolist() == expected_scores
    # Without the lookup tables (too many kinds of people) the formulas give the same floats.
    data.needs_part = data.best_level = None
    assert features.score_pairs(data, n, v, MENTOR).tolist() == expected_scores


@pytest.mark.parametrize("seed", range(8))
def test_a_round_reaches_the_optimum_of_the_scalar_scores(seed):
    newcomers, volunteers = random_people(seed, n_new=30, n_vol=12)
    scores = {
        (a.id, b.id): score_pair(a, b, MENTOR, DISTRICTS, TODAY).score
        for a in newcomers
        for b in volunteers
        if not hard_check(a, b, MENTOR, DISTRICTS, TODAY)
    }
    best = assign(scores, {b.id: b.free_capacity for b in volunteers})
    result = run_round(newcomers, volunteers, MENTOR, DISTRICTS, TODAY)
    total = sum(p.score for p in result.proposals)
    assert total == pytest.approx(sum(scores[p] for p in best.items()), abs=1e-6)
    assert {p.newcomer_id for p in result.proposals} | {
        u.newcomer_id for u in result.unmatched
    } == {a.id for a in newcomers}
    per_volunteer = {}
    for p in result.proposals:
        per_volunteer[p.volunteer_id] = per_volunteer.get(p.volunteer_id, 0) + 1
    capacity = {b.id: b.free_capacity for b in volunteers}
    assert all(count <= capacity[v] for v, count in per_volunteer.items())


@pytest.mark.parametrize("seed", range(3))
def test_capping_candidates_keeps_the_best_pairs_and_stays_feasible(seed):
    newcomers, volunteers = random_people(seed, n_new=60, n_vol=20)
    exact = run_round(newcomers, volunteers, MENTOR, DISTRICTS, TODAY)
    capped = run_round(newcomers, volunteers, MENTOR, DISTRICTS, TODAY, max_candidates=3)
    assert capped.stats["solved_pairs"] <= capped.stats["candidate_pairs"]
    assert capped.stats["total_score"] <= exact.stats["total_score"] + 1e-9
    uncapped = run_round(newcomers, volunteers, MENTOR, DISTRICTS, TODAY, max_candidates=1000)
    assert uncapped.proposals == exact.proposals


# --- rounds: explanations, locks, rejections, bad input --------------------------------


def volunteers_pool():
    return [
        make_volunteer(id="v1", profession="HR clerk"),
        make_volunteer(id="v2", district="Weststadt", languages={"de": "native", "ar": "native"}),
        make_volunteer(id="v3", district="Hafen", languages={"ti": "native", "de": "native"}),
    ]


def test_every_proposal_and_every_unmatched_newcomer_is_explained():
    newcomers = [
        make_newcomer(id=1, needs=("work",)),
        make_newcomer(id=2),
        make_newcomer(id=3, languages={"ti": "native", "de": "A1"}),
        make_newcomer(id=4, waiting_since=TODAY - timedelta(days=5)),
    ]
    result = run_round(newcomers, volunteers_pool(), MENTOR, DISTRICTS, TODAY)
    assert {p.newcomer_id for p in result.proposals} == {1, 2}
    for p in result.proposals:
        codes = {r.code for r in p.reasons}
        assert "shared_language" in codes
        assert codes & {"same_district", "neighbouring_district"}
    assert next(p for p in result.proposals if p.newcomer_id == 1).volunteer_id == "v1"

    unmatched = {u.newcomer_id: u for u in result.unmatched}
    assert set(unmatched) == {3, 4}
    tigrinya = unmatched[3]
    assert tigrinya.reason.code == "no_candidate_language"
    assert tigrinya.reason.params["languages"] == ["ti"]
    # v3 speaks Tigrinya but lives too far; v1 and v2 are full now and do not speak it.
    assert [(m.volunteer_id, m.failed, m.fixes) for m in tigrinya.near_misses] == [
        ("v3", ("out_of_reach",), ("extend_reach",)),
        ("v1", ("no_capacity", "no_shared_language"), ("raise_capacity", "arrange_interpreter")),
        ("v2", ("no_capacity", "no_shared_language"), ("raise_capacity", "arrange_interpreter")),
    ]
    assert unmatched[4].reason.code == "candidates_taken"
    assert all(m.failed and m.fixes for m in unmatched[4].near_misses)
    assert set(result.timings) >= {"candidates", "score", "solve", "explain", "total"}


def test_the_round_maximises_the_total_not_first_come_first_served():
    # Newcomer 1 would take v1 greedily; the best total gives v1 to 2, who has no other.
    newcomers = [
        make_newcomer(id=1, needs=("work",)),
        make_newcomer(id=2, needs=("work",), district="Nordstadt", languages={"ar": "native"}),
    ]
    volunteers = [
        make_volunteer(id="v1", profession="HR", district="Weststadt"),
        make_volunteer(id="v2", district="Altstadt"),
    ]
    result = run_round(newcomers, volunteers, MENTOR, DISTRICTS, TODAY)
    assert {(p.newcomer_id, p.volunteer_id) for p in result.proposals} == {(1, "v2"), (2, "v1")}


def test_locked_pairs_stay_and_use_capacity_first():
    newcomers = [make_newcomer(id=1, needs=("work",)), make_newcomer(id=2)]
    volunteers = [make_volunteer(id="v1", profession="HR"), make_volunteer(id="v2")]
    result = run_round(newcomers, volunteers, MENTOR, DISTRICTS, TODAY, locked={2: "v1"})
    pairs = {(p.newcomer_id, p.volunteer_id, p.locked) for p in result.proposals}
    assert pairs == {(2, "v1", True), (1, "v2", False)}


def test_a_locked_pair_that_became_invalid_is_kept_and_flagged():
    volunteers = [make_volunteer(id="v1", active=False)]
    result = run_round(
        [make_newcomer(id=1)], volunteers, MENTOR, DISTRICTS, TODAY, locked={1: "v1"}
    )
    assert len(result.proposals) == 1
    assert result.proposals[0].locked
    assert result.proposals[0].failed == ("inactive",)


def test_locks_naming_unknown_people_are_ignored_not_fatal():
    result = run_round(
        [make_newcomer(id=1)],
        [make_volunteer()],
        MENTOR,
        DISTRICTS,
        TODAY,
        locked={9: "v1", 1: "zz"},
    )
    assert sorted(result.ignored_locks, key=repr) == [(1, "zz"), (9, "v1")]
    assert [(p.newcomer_id, p.volunteer_id) for p in result.proposals] == [(1, "v1")]


def test_rejected_pairs_are_never_proposed_again():
    newcomers = [make_newcomer(id=1)]
    volunteers = [make_volunteer(id="v1"), make_volunteer(id="v2", district="Weststadt")]
    result = run_round(newcomers, volunteers, MENTOR, DISTRICTS, TODAY, rejected={(1, "v1")})
    assert [(p.newcomer_id, p.volunteer_id) for p in result.proposals] == [(1, "v2")]
    only = run_round(newcomers, volunteers[:1], MENTOR, DISTRICTS, TODAY, rejected={(1, "v1")})
    assert only.proposals == []
    assert only.unmatched[0].reason.code == "no_candidate_excluded"
    assert only.unmatched[0].near_misses == ()  # a rejected volunteer is not suggested
    assert only.unmatched[0].blocked_by == {"rejected": 1}
    ended = run_round(
        [make_newcomer(id=1, do_not_match_ids=frozenset({"v1"}))],
        volunteers,
        MENTOR,
        DISTRICTS,
        TODAY,
    )
    assert [(p.newcomer_id, p.volunteer_id) for p in ended.proposals] == [(1, "v2")]


def test_a_programme_without_trained_volunteers_leaves_everyone_unmatched_with_a_reason():
    volunteers = [make_volunteer(id=f"v{i}", trained_programmes=frozenset()) for i in range(3)]
    newcomers = [make_newcomer(id=i) for i in range(4)]
    result = run_round(newcomers, volunteers, MENTOR, DISTRICTS, TODAY)
    assert result.proposals == []
    assert len(result.unmatched) == 4
    for u in result.unmatched:
        assert u.reason.code == "no_eligible_volunteer"
        assert u.reason.params["failed"] == "not_trained"
        assert u.near_misses[0].fixes == ("complete_training",)


def test_no_volunteers_at_all():
    result = run_round([make_newcomer()], [], MENTOR, DISTRICTS, TODAY)
    assert [u.reason.code for u in result.unmatched] == ["no_volunteers"]


def test_inactive_volunteers_and_full_capacity_are_not_proposed():
    volunteers = [
        make_volunteer(id="v1", active=False),
        make_volunteer(id="v2", capacity=2, active_matches=2),
    ]
    result = run_round([make_newcomer(id=1)], volunteers, MENTOR, DISTRICTS, TODAY)
    assert result.proposals == []
    misses = {m.volunteer_id: m for m in result.unmatched[0].near_misses}
    assert misses["v1"].failed == ("inactive",)
    assert misses["v2"].failed == ("no_capacity",) and misses["v2"].fixes == ("raise_capacity",)
    assert result.unmatched[0].reason.code == "no_eligible_volunteer"


def test_weights_all_zero_still_match_as_many_as_possible():
    flat = replace(MENTOR, weights=Weights(**dict.fromkeys(Weights.__dataclass_fields__, 0)))
    newcomers = [make_newcomer(id=1), make_newcomer(id=2, district="Nordstadt")]
    volunteers = [make_volunteer(id="v1", district="Weststadt"), make_volunteer(id="v2")]
    result = run_round(newcomers, volunteers, flat, DISTRICTS, TODAY)
    assert {(p.newcomer_id, p.volunteer_id) for p in result.proposals} == {(1, "v2"), (2, "v1")}
    assert all(p.score == BASE_SCORE for p in result.proposals)


def test_newcomers_waiting_for_another_programme_are_skipped():
    newcomers = [make_newcomer(id=1), make_newcomer(id=2, programme="kuemmerer")]
    result = run_round(newcomers, [make_volunteer()], MENTOR, DISTRICTS, TODAY)
    assert result.skipped_newcomer_ids == [2]
    assert [p.newcomer_id for p in result.proposals] == [1]


def test_same_people_in_any_order_give_the_same_round():
    newcomers, volunteers = random_people(11, n_new=50, n_vol=15)
    first = run_round(newcomers, volunteers, MENTOR, DISTRICTS, TODAY)
    rng = random.Random(3)
    rng.shuffle(newcomers)
    rng.shuffle(volunteers)
    again = run_round(newcomers, volunteers, MENTOR, DISTRICTS, TODAY)
    assert again.proposals == first.proposals
    assert again.unmatched == first.unmatched


def test_longer_waiting_wins_a_contested_volunteer():
    newcomers = [
        make_newcomer(id=1, waiting_since=TODAY - timedelta(days=10)),
        make_newcomer(id=2, waiting_since=TODAY - timedelta(days=200)),
    ]
    result = run_round(newcomers, [make_volunteer()], MENTOR, DISTRICTS, TODAY)
    assert [p.newcomer_id for p in result.proposals] == [2]
    assert np.isclose(result.stats["matched"], 1)


def test_equal_candidates_go_to_the_lower_id():
    twins = [make_newcomer(id=7), make_newcomer(id=4), make_newcomer(id=9)]
    result = run_round(twins, [make_volunteer(capacity=2)], MENTOR, DISTRICTS, TODAY)
    assert [p.newcomer_id for p in result.proposals] == [4, 7]
    assert [u.reason.code for u in result.unmatched] == ["candidates_taken"]


def test_empty_rounds_and_unusual_input_complete():
    assert run_round([], [], MENTOR, DISTRICTS, TODAY).proposals == []
    assert run_round([], [make_volunteer()], MENTOR, DISTRICTS, TODAY).unmatched == []
    stranger = make_newcomer(id=1, district="Somewhere new")
    result = run_round(
        [stranger, make_newcomer(id=2)],
        [make_volunteer(district="Somewhere new"), make_volunteer(id="v2")],
        MENTOR,
        DISTRICTS,
        TODAY,
        rejected=[[2, "v2"]],  # pairs may arrive as lists (JSON)
        near_misses=0,
    )
    assert [(p.newcomer_id, p.volunteer_id) for p in result.proposals] == [(1, "v1")]
    assert result.unmatched[0].reason.code == "no_candidate_excluded"
    assert result.unmatched[0].near_misses == ()
