"""The interpreter round (pure): optimal against brute force on small instances, every plan
valid (no double booking, travel time, budget), and reasons for every appointment left out."""

from __future__ import annotations

import ast
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from caseapp.interpreters.engine import (
    Booking,
    Interpreter,
    Need,
    Settings,
    clash,
    failures,
    plan_round,
    score,
)

MONDAY = datetime(2027, 1, 4, 8, 0)
WEEK = tuple((d, 8 * 60, 17 * 60) for d in range(5))


def need(id, hour, minutes=60, *, day=0, office=1, language="ar", **kw) -> Need:
    start = MONDAY + timedelta(days=day, hours=hour - 8)
    return Need(
        id=id,
        office_id=office,
        districts=kw.pop("districts", frozenset({office})),
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        language=language,
        **kw,
    )


def person(id, languages=(("ar", "ar-levant"),), **kw) -> Interpreter:
    kw.setdefault("availability", WEEK)
    kw.setdefault("pledge", True)
    return Interpreter(id=id, languages=frozenset(languages), **kw)


def brute_force(needs, interpreters, settings) -> float:
    """The best total score over every valid plan, by trying them all."""
    options = []
    for n in needs:
        fits = [
            i
            for i in interpreters
            if not failures(i, n, settings.travel_minutes)
            and (settings.budget_cents is None or i.cost_cents(n) <= settings.budget_cents)
        ]
        options.append([None, *fits])
    best = 0.0

    def walk(k, chosen, value, cost):
        nonlocal best
        if k == len(needs):
            best = max(best, value)
            return
        n = needs[k]
        for i in options[k]:
            if i is None:
                walk(k + 1, chosen, value, cost)
                continue
            spent = cost + i.cost_cents(n)
            if settings.budget_cents is not None and spent > settings.budget_cents:
                continue
            if any(j.id == i.id and clash(n, m, settings.travel_minutes) for m, j in chosen):
                continue
            walk(k + 1, [*chosen, (n, i)], value + score(i, n).score, spent)

    walk(0, [], 0.0, 0)
    return round(best, 3)


def assert_valid(plan, needs, interpreters, settings):
    by_need = {n.id: n for n in needs}
    by_id = {i.id: i for i in interpreters}
    seen = set()
    for p in plan.proposals:
        assert p.need_id not in seen
        seen.add(p.need_id)
        assert not failures(by_id[p.interpreter_id], by_need[p.need_id], settings.travel_minutes)
    for a in plan.proposals:
        for b in plan.proposals:
            if a is not b and a.interpreter_id == b.interpreter_id:
                assert not clash(by_need[a.need_id], by_need[b.need_id], settings.travel_minutes)
    if settings.budget_cents is not None:
        assert sum(p.cost_cents for p in plan.proposals) <= settings.budget_cents
    assert {u.need_id for u in plan.unmatched} == set(by_need) - seen


def random_instance(rng: random.Random):
    varieties = [("ar", "ar-levant"), ("ar", "ar-iraq"), ("ar", ""), ("fa", "fa-prs"), ("fa", "")]
    needs = []
    for k in range(rng.randrange(2, 8)):
        language = rng.choice(["ar", "fa"])
        start = MONDAY + timedelta(days=rng.randrange(2), minutes=30 * rng.randrange(14))
        office = rng.randrange(3)
        needs.append(
            Need(
                id=k,
                office_id=office,
                districts=frozenset({office}),
                starts_at=start,
                ends_at=start + timedelta(minutes=rng.choice([30, 60, 90])),
                language=language,
                variety=rng.choice(["", f"{language}-{'levant' if language == 'ar' else 'prs'}"]),
                variety_strict=rng.random() < 0.3,
                gender=rng.choice(["", "", "female", "male"]),
                gender_strict=rng.random() < 0.4,
                mode=rng.choice(["in_person", "in_person", "phone", "video"]),
            )
        )
    interpreters = []
    for k in range(rng.randrange(1, 5)):
        paid = rng.random() < 0.4
        slots = {(rng.randrange(2), 480, 720), (rng.randrange(2), 720, 1020)}
        booking_start = MONDAY + timedelta(days=rng.randrange(2), minutes=30 * rng.randrange(14))
        interpreters.append(
            Interpreter(
                id=100 + k,
                languages=frozenset(rng.sample(varieties, 2)),
                gender=rng.choice(["female", "male"]),
                paid=paid,
                hourly_rate_cents=rng.choice([3000, 4500, 6000]) if paid else 0,
                districts=frozenset(rng.sample(range(3), 2)) if rng.random() < 0.3 else frozenset(),
                availability=tuple(sorted(slots)),
                modes=frozenset(rng.sample(["in_person", "phone", "video"], rng.randrange(1, 4))),
                pledge=rng.random() < 0.9,
                bookings=(Booking(booking_start, booking_start + timedelta(minutes=60), 0),)
                if rng.random() < 0.3
                else (),
                declined=frozenset({0}) if rng.random() < 0.2 else frozenset(),
            )
        )
    settings = Settings(
        travel_minutes=rng.choice([0, 30, 60]), budget_cents=rng.choice([None, None, 4500, 9000])
    )
    return needs, interpreters, settings


@pytest.mark.parametrize("seed", range(12))
def test_rounds_are_optimal_against_brute_force(seed):
    rng = random.Random(seed)
    for _ in range(40):
        needs, interpreters, settings = random_instance(rng)
        plan = plan_round(needs, interpreters, settings)
        assert plan.optimal
        assert_valid(plan, needs, interpreters, settings)
        assert plan.stats["total_score"] == pytest.approx(
            brute_force(needs, interpreters, settings), abs=1e-6
        )
        assert plan.stats["upper_bound"] >= plan.stats["total_score"] - 1e-6


def test_no_double_booking_and_travel_between_offices():
    # Two appointments back to back at different offices: one interpreter cannot do both with
    # 30 minutes of travel, but can at the same office or with the second one by phone.
    needs = [need(1, 9), need(2, 10, office=2)]
    only = [person(7)]
    plan = plan_round(needs, only, Settings(travel_minutes=30))
    assert len(plan.proposals) == 1
    assert plan.unmatched[0].reason == "taken"
    same_office = [need(1, 9), need(2, 10)]
    assert len(plan_round(same_office, only, Settings(travel_minutes=30)).proposals) == 2
    by_phone = [need(1, 9), need(2, 10, office=2, mode="phone")]
    assert len(plan_round(by_phone, only, Settings(travel_minutes=30)).proposals) == 2
    overlapping = [need(1, 9, 90), need(2, 10)]
    assert len(plan_round(overlapping, only, Settings(travel_minutes=0)).proposals) == 1


def test_volunteers_preferred_and_paid_within_budget():
    volunteer = person(1)
    paid = person(2, paid=True, hourly_rate_cents=6000)
    plan = plan_round([need(1, 9)], [volunteer, paid], Settings())
    assert [(p.interpreter_id, p.reasons[0]) for p in plan.proposals] == [(1, "volunteer")]
    # Three overlapping appointments, one volunteer, a paid interpreter each hour: the budget
    # pays for one paid hour only.
    needs = [need(1, 9), need(2, 9), need(3, 9)]
    paid2 = person(3, paid=True, hourly_rate_cents=5000)
    plan = plan_round(needs, [volunteer, paid, paid2], Settings(budget_cents=6000))
    assert len(plan.proposals) == 2
    assert sum(p.cost_cents for p in plan.proposals) == 5000  # the cheaper one
    assert plan.unmatched[0].reason == "over_budget"


def test_variety_and_gender_hard_or_soft_with_reasons():
    iraqi = person(1, languages=[("ar", "ar-iraq")], gender="male")
    soft = need(1, 9, variety="ar-levant", gender="female")
    plan = plan_round([soft], [iraqi], Settings())
    assert set(plan.proposals[0].reasons) >= {"variety_other", "gender_other"}
    strict_variety = need(1, 9, variety="ar-levant", variety_strict=True)
    plan = plan_round([strict_variety], [iraqi], Settings())
    assert plan.proposals == [] and plan.unmatched[0].reason == "variety"
    assert dict(plan.unmatched[0].blocked_by) == {"variety": 1}
    strict_gender = need(1, 9, gender="female", gender_strict=True)
    assert plan_round([strict_gender], [iraqi], Settings()).unmatched[0].reason == "gender"
    # A better fit wins over one that only meets the hard criteria.
    levantine = person(2, languages=[("ar", "ar-levant")], gender="female")
    plan = plan_round([soft], [iraqi, levantine], Settings())
    assert plan.proposals[0].interpreter_id == 2
    assert {"variety_match", "gender_match"} <= set(plan.proposals[0].reasons)


def test_pledge_availability_language_and_declines_explain_misses():
    cases = [
        (person(1, pledge=False), need(1, 9), "no_pledge"),
        (person(1), need(1, 9, language="ti"), "language"),
        (person(1), need(1, 18), "availability"),
        (person(1, modes=frozenset({"in_person"})), need(1, 9, mode="video"), "mode"),
        (person(1, districts=frozenset({5})), need(1, 9), "district"),
        (person(1, declined=frozenset({1})), need(1, 9), "declined"),
        (
            person(
                1, bookings=(Booking(MONDAY + timedelta(hours=1), MONDAY + timedelta(hours=2)),)
            ),
            need(1, 9),
            "booked",
        ),
    ]
    for interpreter, n, reason in cases:
        plan = plan_round([n], [interpreter], Settings())
        assert plan.proposals == [], reason
        assert plan.unmatched[0].reason == reason


def test_the_engine_stays_pure():
    root = Path(__file__).resolve().parents[2] / "caseapp" / "interpreters" / "engine"
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(("flask", "sqlalchemy", "caseapp.extensions")), path
