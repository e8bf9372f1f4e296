"""Branch and bound around the matching engine's min-cost flow (see solver.py for the idea).

Pairs carry dense indices; times are spans in epoch minutes (`span`), so clashes are integer
comparisons. `solve` returns the best valid set of pairs, whether it is proven optimal, the
number of nodes searched and the relaxed upper bound.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass

from caseapp.interpreters.engine.criteria import IN_PERSON, Need
from caseapp.matches.engine import assign

_EPS = 1e-6
DIVE_STEPS = 30


@dataclass(frozen=True, slots=True)
class Pair:
    index: int
    need: Hashable
    interpreter: Hashable
    clique: tuple
    score: float
    cost: int


def span(need: Need) -> tuple[int, int, Hashable, bool]:
    """(start, end in epoch minutes, office, in person): what clashes are computed from."""
    start = int(need.starts_at.timestamp() // 60)
    end = int(need.ends_at.timestamp() // 60)
    return start, end, need.office_id, need.mode == IN_PERSON


def clash_spans(a: tuple, b: tuple, travel: int) -> bool:
    """`criteria.clash` on spans."""
    gap = travel if a[3] and b[3] and a[2] != b[2] else 0
    return a[0] < b[1] + gap and b[0] < a[1] + gap


def make_pairs(candidates, times, travel: int) -> list[Pair]:
    """Candidate pairs with each interpreter's candidates grouped into cliques of clashes."""
    per_person: dict[Hashable, list] = defaultdict(list)
    for n, i, s, _r, c in candidates:
        per_person[i].append((n, s, c))
    pairs: list[Pair] = []
    for person in sorted(per_person, key=str):
        items = sorted(per_person[person], key=lambda x: (times[x[0]][0], str(x[0])))
        cliques: list[list] = []
        for n, s, c in items:
            need = times[n]
            # Only the latest cliques can hold appointments a later-starting one clashes with.
            for k in range(len(cliques) - 1, max(-1, len(cliques) - 4), -1):
                if all(clash_spans(need, times[m], travel) for m in cliques[k]):
                    cliques[k].append(n)
                    break
            else:
                k = len(cliques)
                cliques.append([n])
            pairs.append(Pair(len(pairs), n, person, (person, k), s, c))
    return pairs


def solve(pairs: list[Pair], times, travel: int, budget: int | None, deadline: float):
    """The best valid set of pairs; (pairs, optimal, branch-and-bound nodes, upper bound)."""
    if not pairs:
        return [], True, 0, 0.0
    parts = sorted(_parts(pairs, times, travel), key=len)
    chosen: list[Pair] = []
    optimal, nodes, bound = True, 0, 0.0
    # With a budget, half the time is kept for searching the whole round should it bind.
    now = time.perf_counter()
    parts_deadline = deadline if budget is None else now + max(0.0, deadline - now) / 2
    for k, part in enumerate(parts):
        # Each part gets its share of the time left, so none goes without a plan.
        share = max(0.0, parts_deadline - time.perf_counter()) / (len(parts) - k)
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


def _parts(pairs: list[Pair], times, travel: int) -> list[list[Pair]]:
    """Independent parts: needs linked through an interpreter's stretch of close appointments."""
    parent: dict = {}

    def root(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    per_person: dict[Hashable, list[Pair]] = defaultdict(list)
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


def _violations(chosen: list[Pair], forced: set[int], times, travel: int, budget):
    """Pairs to branch on where the plan breaks a rule (first the first one); [] if valid.

    Of two clashing pairs the weaker one (not fixed) is named; over budget, the dearest."""
    per_person: dict[Hashable, list[Pair]] = defaultdict(list)
    for p in chosen:
        per_person[p.interpreter].append(p)
    found: list[Pair] = []
    for person in sorted(per_person, key=str):
        items = per_person[person]
        if len(items) < 2:
            continue
        items.sort(key=lambda p: (times[p.need][0], p.index))
        for x in range(len(items)):
            for y in range(x + 1, len(items)):
                a, b = items[x], items[y]
                if clash_spans(times[a.need], times[b.need], travel):
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


def _repair(chosen: list[Pair], forced: list[Pair], times, travel: int, budget):
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
            q.interpreter == p.interpreter and clash_spans(need, times[q.need], travel)
            for q in kept
        ):
            continue
        kept.append(p)
        spent += p.cost
    return kept


def _branch_and_bound(pairs: list[Pair], times, travel: int, budget, deadline: float):
    """(best pairs, proven optimal, nodes, upper bound) for one part of the round."""
    by_person: dict[Hashable, list[Pair]] = defaultdict(list)
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
                if q.index != f.index and clash_spans(need, times[q.need], travel):
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
    # The dive runs to its end whatever the time limit (a few dozen solves at most), so the
    # plan's quality does not depend on how busy the machine is; the limit bounds the search.
    for _ in range(DIVE_STEPS):
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


def _relax(allowed: list[Pair]) -> list[Pair]:
    """The relaxed optimum: each clique of an interpreter takes at most one appointment."""
    if not allowed:
        return []
    scores = {(p.need, p.clique): p.score for p in allowed}
    lookup = {(p.need, p.clique): p for p in allowed}
    capacity = {p.clique: 1 for p in allowed}
    return [lookup[(n, c)] for n, c in assign(scores, capacity).items()]
