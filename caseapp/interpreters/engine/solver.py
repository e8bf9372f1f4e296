"""The interpreter round: the best overall assignment of interpreters to appointments.

The matching engine's min-cost flow (`caseapp.matches.engine.assign`) cannot say "one
interpreter, no two appointments that overlap" or "paid interpreters within a budget" by
itself, so it is used as the bound of a small branch and bound:

- each interpreter's candidate appointments are split into cliques (appointments that all
  clash with each other); a clique is one "volunteer" of capacity 1 for `assign`. That is a
  relaxation: it never forbids an allowed plan, but may put two clashing appointments from
  different cliques on one interpreter, or spend more than the budget;
- where the relaxed plan breaks a rule, one of the offending pairs is branched on (fixed, or
  forbidden) and both halves are solved again, pruning any half whose relaxed total cannot
  beat the best valid plan found so far (each relaxed plan, repaired greedily, is one);
- without a budget the problem falls apart into independent parts (an interpreter's stretch
  of mutually reachable appointments never touches their other stretches), each solved alone.

The result is optimal unless the time limit ended the search first (`RoundPlan.optimal`);
then it is the best valid plan found.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from caseapp.interpreters.engine import search
from caseapp.interpreters.engine.criteria import (
    HARD_CRITERIA,
    Interpreter,
    Need,
    Settings,
    failures,
    merged_windows,
    score,
)


@dataclass(frozen=True, slots=True)
class Proposal:
    need_id: Hashable
    interpreter_id: Hashable
    score: float
    reasons: tuple[str, ...]
    cost_cents: int = 0


@dataclass(frozen=True, slots=True)
class Unmatched:
    """An appointment without an interpreter in this round.

    `reason` is the first hard criterion at which no interpreter remained (in HARD_CRITERIA
    order); "taken" means some qualified, but the best overall plan needed them elsewhere;
    "over_budget" that only paid interpreters qualified and the budget did not reach.
    `blocked_by` counts, per criterion, the interpreters that fail it.
    """

    need_id: Hashable
    reason: str
    blocked_by: tuple[tuple[str, int], ...]
    candidates: int = 0


@dataclass(slots=True)
class RoundPlan:
    proposals: list[Proposal]
    unmatched: list[Unmatched]
    optimal: bool
    timings: dict[str, float] = field(default_factory=dict)
    stats: dict[str, int | float] = field(default_factory=dict)


def plan_round(
    needs: Iterable[Need],
    interpreters: Iterable[Interpreter],
    settings: Settings,
    *,
    time_limit: float = 4.0,
) -> RoundPlan:
    """Propose an interpreter for as many appointments as possible, each with its reasons."""
    started = time.perf_counter()
    needs = sorted(needs, key=lambda n: (n.starts_at, str(n.id)))
    by_need = {n.id: n for n in needs}
    times = {n.id: search.span(n) for n in needs}
    people = {i.id: i for i in interpreters}
    travel = settings.travel_minutes

    # Only interpreters of the appointment's language are checked in full; the others fail
    # "language" (and are counted as such when an appointment stays without interpreter).
    speakers: dict[str, list[Interpreter]] = defaultdict(list)
    for person in people.values():
        for code in {c for c, _v in person.languages}:
            speakers[code].append(person)
    windows = {i: merged_windows(p) for i, p in people.items()}
    failed: dict[Hashable, dict[Hashable, list[str] | None]] = {}
    candidates: list[tuple[Hashable, Hashable, float, tuple[str, ...], int]] = []
    for need in needs:
        per = failed[need.id] = {}
        day = need.starts_at.weekday()
        start = need.starts_at.hour * 60 + need.starts_at.minute
        end = need.ends_at.hour * 60 + need.ends_at.minute
        same_day = need.starts_at.date() == need.ends_at.date()
        for person in speakers.get(need.language, ()):
            # Most interpreters are away at any given time: that check first, the rest after.
            free = same_day and any(
                lo <= start and end <= hi for lo, hi in windows[person.id].get(day, ())
            )
            if not free:
                per[person.id] = None  # fails availability; the full list only if explained
                continue
            codes = failures(person, need, travel, windows[person.id])
            cost = person.cost_cents(need)
            if not codes and settings.budget_cents is not None and cost > settings.budget_cents:
                codes = ["over_budget"]
            if codes:
                per[person.id] = codes
                continue
            scored = score(person, need)
            candidates.append((need.id, person.id, scored.score, scored.reasons, cost))
    t_candidates = time.perf_counter()

    pairs = search.make_pairs(candidates, times, travel)
    deadline = started + time_limit
    chosen, optimal, nodes, upper = search.solve(
        pairs, times, travel, settings.budget_cents, deadline
    )
    t_solve = time.perf_counter()

    reasons = {(n, i): r for n, i, _s, r, _c in candidates}
    proposals = [
        Proposal(p.need, p.interpreter, p.score, reasons[(p.need, p.interpreter)], p.cost)
        for p in sorted(chosen, key=lambda p: (by_need[p.need].starts_at, str(p.need)))
    ]
    matched = {p.need for p in chosen}
    spent = sum(p.cost for p in chosen)
    candidate_count: dict[Hashable, int] = defaultdict(int)
    paid_of: dict[Hashable, list] = defaultdict(list)
    for n, i, _s, _r, c in candidates:
        candidate_count[n] += 1
        if c:
            paid_of[n].append((i, c))
    busy: dict[Hashable, list] = defaultdict(list)
    for p in chosen:
        busy[p.interpreter].append(p.need)
    unmatched = []
    for need in needs:
        if need.id in matched:
            continue
        speaking = len(speakers.get(need.language, ()))
        for person_id, codes in failed[need.id].items():
            if codes is None:
                person = people[person_id]
                failed[need.id][person_id] = failures(person, need, travel, windows[person_id])
        reason, blocked = _explain(failed[need.id], speaking, len(people) - speaking)
        if reason == "taken" and settings.budget_cents is not None:
            # A paid interpreter was free then, but the budget did not reach that far.
            for i, c in paid_of[need.id]:
                if spent + c > settings.budget_cents and not any(
                    search.clash_spans(times[need.id], times[q], travel) for q in busy[i]
                ):
                    reason = "over_budget"
                    break
        unmatched.append(Unmatched(need.id, reason, blocked, candidate_count[need.id]))
    t_end = time.perf_counter()
    return RoundPlan(
        proposals=proposals,
        unmatched=unmatched,
        optimal=optimal,
        timings={
            "candidates": t_candidates - started,
            "solve": t_solve - t_candidates,
            "explain": t_end - t_solve,
            "total": t_end - started,
        },
        stats={
            "needs": len(needs),
            "interpreters": len(people),
            "candidate_pairs": len(candidates),
            "matched": len(proposals),
            "nodes": nodes,
            "total_score": round(sum(p.score for p in proposals), 3),
            # The relaxed optimum: no plan can score more (equal to total_score when optimal).
            "upper_bound": round(upper, 3),
            "cost_cents": spent,
        },
    )


def _explain(failed: dict[Hashable, list[str]], speaking: int, others: int):
    counts: dict[str, int] = defaultdict(int)
    counts["language"] = others
    for codes in failed.values():
        for code in codes:
            counts[code] += 1
    blocked = tuple((c, counts[c]) for c in HARD_CRITERIA if counts.get(c))
    if len(failed) < speaking:
        return "taken", blocked
    if not speaking:
        return "language", blocked
    remaining = list(failed.values())
    for code in HARD_CRITERIA:
        remaining = [codes for codes in remaining if code not in codes]
        if not remaining:
            return code, blocked
    return "taken", blocked  # pragma: no cover - every failing interpreter fails some code
