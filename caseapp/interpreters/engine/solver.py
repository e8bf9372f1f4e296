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

from caseapp.interpreters.engine.criteria import (
    HARD_CRITERIA,
    IN_PERSON,
    Interpreter,
    Need,
    Settings,
    failures,
    merged_windows,
    score,
)
from caseapp.matches.engine import assign

_EPS = 1e-6


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


@dataclass(frozen=True, slots=True)
class _Pair:
    index: int
    need: Hashable
    interpreter: Hashable
    clique: tuple
    score: float
    cost: int


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
    times = {n.id: _span(n) for n in needs}
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

    pairs = _pairs(candidates, times, travel)
    deadline = started + time_limit
    chosen, optimal, nodes, upper = _solve(pairs, times, travel, settings.budget_cents, deadline)
    t_solve = time.perf_counter()

    reasons = {(n, i): r for n, i, _s, r, _c in candidates}
    proposals = [
        Proposal(p.need, p.interpreter, p.score, reasons[(p.need, p.interpreter)], p.cost)
        for p in sorted(chosen, key=lambda p: (by_need[p.need].starts_at, str(p.need)))
    ]
    matched = {p.need for p in chosen}
    spent = sum(p.cost for p in chosen)
    candidate_count: dict[Hashable, int] = defaultdict(int)
    for n, _i, _s, _r, _c in candidates:
        candidate_count[n] += 1
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
            for n, i, _s, _r, c in candidates:
                free = not any(_clash(times[n], times[q], travel) for q in busy[i])
                if n == need.id and c and spent + c > settings.budget_cents and free:
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


def _span(need: Need) -> tuple[int, int, Hashable, bool]:
    """(start, end in epoch minutes, office, in person): what clashes are computed from."""
    start = int(need.starts_at.timestamp() // 60)
    end = int(need.ends_at.timestamp() // 60)
    return start, end, need.office_id, need.mode == IN_PERSON


def _clash(a: tuple, b: tuple, travel: int) -> bool:
    """`criteria.clash` on spans."""
    gap = travel if a[3] and b[3] and a[2] != b[2] else 0
    return a[0] < b[1] + gap and b[0] < a[1] + gap


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


def _pairs(candidates, times, travel: int) -> list[_Pair]:
    """Candidate pairs with each interpreter's candidates grouped into cliques of clashes."""
    per_person: dict[Hashable, list] = defaultdict(list)
    for n, i, s, _r, c in candidates:
        per_person[i].append((n, s, c))
    pairs: list[_Pair] = []
    for person in sorted(per_person, key=str):
        items = sorted(per_person[person], key=lambda x: (times[x[0]][0], str(x[0])))
        cliques: list[list] = []
        for n, s, c in items:
            need = times[n]
            # Only the latest cliques can hold appointments a later-starting one clashes with.
            for k in range(len(cliques) - 1, max(-1, len(cliques) - 4), -1):
                if all(_clash(need, times[m], travel) for m in cliques[k]):
                    cliques[k].append(n)
                    break
            else:
                k = len(cliques)
                cliques.append([n])
            pairs.append(_Pair(len(pairs), n, person, (person, k), s, c))
    return pairs


def _solve(pairs: list[_Pair], times, travel: int, budget: int | None, deadline: float):
    """The best valid set of pairs; (pairs, optimal, branch-and-bound nodes, upper bound)."""
    if not pairs:
        return [], True, 0, 0.0
    parts = sorted(_parts(pairs, times, travel), key=len)
    chosen: list[_Pair] = []
    optimal, nodes, bound = True, 0, 0.0
    for k, part in enumerate(parts):
        # Each part gets its share of the time left, so none goes without a plan.
        share = max(0.0, deadline - time.perf_counter()) / (len(parts) - k)
        best, done, count, top = _branch_and_bound(
            part, times, travel, None, time.perf_counter() + share
        )
        chosen.extend(best)
        optimal &= done
        nodes += count
        bound += top
    if budget is not None and sum(p.cost for p in chosen) > budget:
        # The budget ties every part together: search the whole round at once.
        best, done, count, top = _branch_and_bound(pairs, times, travel, budget, deadline)
        return best, done, nodes + count, top
    return chosen, optimal, nodes, bound


def _parts(pairs: list[_Pair], times, travel: int) -> list[list[_Pair]]:
    """Independent parts: needs linked through an interpreter's stretch of close appointments."""
    parent: dict = {}

    def root(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    per_person: dict[Hashable, list[_Pair]] = defaultdict(list)
    for p in pairs:
        per_person[p.interpreter].append(p)
    stretch: dict[int, tuple] = {}
    for person, items in per_person.items():
        items.sort(key=lambda p: times[p.need][0])
        k, reach = 0, None
        for p in items:
            need = times[p.need]
            if reach is not None and need[0] >= reach:
                k += 1
                reach = None
            end = need[1] + travel
            reach = end if reach is None else max(reach, end)
            stretch[p.index] = (person, k)
    for p in pairs:
        a, b = root(("n", p.need)), root(("s", stretch[p.index]))
        if a != b:
            parent[a] = b
    groups: dict = defaultdict(list)
    for p in pairs:
        groups[root(("n", p.need))].append(p)
    return list(groups.values())


def _violations(chosen: list[_Pair], forced: set[int], times, travel: int, budget):
    """Pairs to branch on where the plan breaks a rule (first the first one); [] if valid.

    Of two clashing pairs the weaker one (not fixed) is named; over budget, the dearest."""
    per_person: dict[Hashable, list[_Pair]] = defaultdict(list)
    for p in chosen:
        per_person[p.interpreter].append(p)
    found: list[_Pair] = []
    for person in sorted(per_person, key=str):
        items = per_person[person]
        if len(items) < 2:
            continue
        items.sort(key=lambda p: (times[p.need][0], p.index))
        for x in range(len(items)):
            for y in range(x + 1, len(items)):
                a, b = items[x], items[y]
                if _clash(times[a.need], times[b.need], travel):
                    weaker = sorted((a, b), key=lambda p: (p.index in forced, p.score, -p.index))
                    found.append(weaker[0])
    excess = 0 if budget is None else sum(p.cost for p in chosen) - budget
    if not found and excess > 0:
        # The dearest paid pairs, as many as it takes to get back within the budget.
        paid = sorted(
            (p for p in chosen if p.cost and p.index not in forced),
            key=lambda p: (-p.cost, p.score, -p.index),
        )
        for p in paid:
            found.append(p)
            excess -= p.cost
            if excess <= 0:
                break
    return found


def _repair(chosen: list[_Pair], forced: list[_Pair], times, travel: int, budget):
    """A valid plan from a relaxed one: forced pairs, then the best pairs that still fit."""
    kept = list(forced)
    spent = sum(p.cost for p in forced)
    forced_ids = {p.index for p in forced}
    for p in sorted(chosen, key=lambda p: (-p.score, p.index)):
        if p.index in forced_ids:
            continue
        if budget is not None and spent + p.cost > budget:
            continue
        need = times[p.need]
        if any(
            q.interpreter == p.interpreter and _clash(need, times[q.need], travel) for q in kept
        ):
            continue
        kept.append(p)
        spent += p.cost
    return kept


def _branch_and_bound(pairs: list[_Pair], times, travel: int, budget, deadline: float):
    """(best pairs, proven optimal, nodes, upper bound) for one part of the round."""
    by_person: dict[Hashable, list[_Pair]] = defaultdict(list)
    for p in pairs:
        by_person[p.interpreter].append(p)
    index = {p.index: p for p in pairs}

    def evaluate(forced_ids, forbidden):
        forced = [index[i] for i in sorted(forced_ids)]
        left = None if budget is None else budget - sum(p.cost for p in forced)
        if left is not None and left < 0:
            return None
        taken_needs = {p.need for p in forced}
        blocked = set()
        for f in forced:
            need = times[f.need]
            for q in by_person[f.interpreter]:
                if q.index != f.index and _clash(need, times[q.need], travel):
                    blocked.add(q.index)
        allowed = [
            p
            for p in pairs
            if p.need not in taken_needs
            and p.index not in forbidden
            and p.index not in blocked
            and (left is None or p.cost <= left)
        ]
        plan = forced + _relax(allowed)
        return plan, sum(p.score for p in plan), forced

    root = evaluate(frozenset(), frozenset())
    upper = root[1]
    best = _repair(root[0], [], times, travel, budget)
    best_value = sum(p.score for p in best)
    # A dive first: keep the valid part of the relaxed plan, solve again for the rest, and
    # repeat; it ends within a few solves near the optimum, so the search below prunes well.
    kept = best
    for _ in range(12):
        if time.perf_counter() > deadline:
            break
        dived = evaluate(frozenset(p.index for p in kept), frozenset())
        if dived is None:
            break
        repaired = _repair(dived[0], dived[2], times, travel, budget)
        value = sum(p.score for p in repaired)
        if value > best_value + _EPS:
            best, best_value = repaired, value
        if len(repaired) == len(kept) or not _violations(dived[0], set(), times, travel, budget):
            break
        kept = repaired
    nodes = 1
    stack: list[tuple[frozenset[int], frozenset[int]]] = [(frozenset(), frozenset())]
    while stack:
        if time.perf_counter() > deadline:
            return best, False, nodes, upper
        forced_ids, forbidden = stack.pop()
        result = evaluate(forced_ids, forbidden) if nodes > 1 or forced_ids else root
        nodes += 1
        if result is None:
            continue
        plan, value, forced = result
        if value <= best_value + _EPS:
            continue
        culprits = _violations(plan, forced_ids, times, travel, budget)
        if not culprits:
            best, best_value = plan, value
            continue
        repaired = _repair(plan, forced, times, travel, budget)
        repaired_value = sum(p.score for p in repaired)
        if repaired_value > best_value + _EPS:
            best, best_value = repaired, repaired_value
        culprit = culprits[0]
        stack.append((forced_ids, forbidden | {culprit.index}))
        stack.append((forced_ids | {culprit.index}, forbidden))
    return best, True, nodes, upper


def _relax(allowed: list[_Pair]) -> list[_Pair]:
    """The relaxed optimum: each clique of an interpreter takes at most one appointment."""
    if not allowed:
        return []
    scores = {(p.need, p.clique): p.score for p in allowed}
    lookup = {(p.need, p.clique): p for p in allowed}
    capacity = {p.clique: 1 for p in allowed}
    return [lookup[(n, c)] for n, c in assign(scores, capacity).items()]
