"""One matching round: prune, bound, solve (min-cost flow, in flow.py) and explain."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from caseapp.matches.engine import bound, features, pruning
from caseapp.matches.engine.explain import NearMiss, Unmatched, explain_unmatched
from caseapp.matches.engine.flow import (  # noqa: F401  (re-exported)
    SCALE,
    FlowNetwork,
    assign,
    flow_network,
    greedy_arrays,
    greedy_assign,
    solve_network,
    solve_pairs,
    sorted_ids,
    tie_break,
    to_gain,
)
from caseapp.matches.engine.scoring import (
    Districts,
    NewcomerProfile,
    Programme,
    Reason,
    VolunteerProfile,
    hard_check,
    score_pair,
)

__all__ = [
    "SCALE",
    "NearMiss",
    "Proposal",
    "RoundResult",
    "Unmatched",
    "assign",
    "greedy_assign",
    "run_round",
]


@dataclass(frozen=True, slots=True)
class Proposal:
    newcomer_id: Hashable
    volunteer_id: Hashable
    score: float
    reasons: tuple[Reason, ...]
    locked: bool = False
    # Hard constraints a locked pair no longer meets (say, the volunteer was deactivated).
    failed: tuple[str, ...] = ()


@dataclass(slots=True)
class RoundResult:
    proposals: list[Proposal]
    unmatched: list[Unmatched]
    timings: dict[str, float]  # seconds: candidates, score, solve, bound, explain, total
    stats: dict[str, int | float] = field(default_factory=dict)
    # Newcomers waiting for another programme, and locks naming unknown people: left out.
    skipped_newcomer_ids: list[Hashable] = field(default_factory=list)
    ignored_locks: list[tuple[Hashable, Hashable]] = field(default_factory=list)


def run_round(
    newcomers: Iterable[NewcomerProfile],
    volunteers: Iterable[VolunteerProfile],
    programme: Programme,
    districts: Districts,
    today: date,
    locked: Mapping[Hashable, Hashable] | None = None,
    rejected: Iterable[tuple[Hashable, Hashable]] | None = None,
    *,
    near_misses: int = 3,
    max_candidates: int | None = None,
) -> RoundResult:
    """Propose the best overall pairs for one programme, explaining every proposal and non-match.

    `locked` (newcomer id → volunteer id) are pairs a coordinator fixed: they are proposed
    again as they are and use up the volunteer's capacity first, and any hard constraint
    they no longer meet is listed in Proposal.failed. `rejected` pairs are never proposed
    (a lock wins over a rejection of the same pair). Capacity for the round is
    volunteer.capacity - active_matches - locked pairs.

    The round is exact by default. `max_candidates` (say 100) keeps only the pairs among each
    newcomer's or each volunteer's best that many before solving, which bounds memory and time
    for very large rounds at the price of a small loss; stats["upper_bound"] is then a proven
    bound on the best possible total over all pairs (engine.bound) and stats["gap"] how far
    below it the round's total is, as a share (0 for exact rounds).
    """
    started = time.perf_counter()
    locked = dict(locked or {})
    rejected_pairs = {tuple(pair) for pair in rejected or ()} - set(locked.items())
    pool = {n.id: n for n in newcomers}
    skipped = sorted_ids(i for i, n in pool.items() if n.programme != programme.code)
    by_v = {v.id: v for v in volunteers}
    vols = [by_v[i] for i in sorted_ids(by_v)]

    ignored, pinned = [], []
    for n_id in sorted_ids(locked):
        v_id = locked[n_id]
        if n_id in pool and v_id in by_v and pool[n_id].programme == programme.code:
            pinned.append((pool.pop(n_id), by_v[v_id]))
        else:
            ignored.append((n_id, v_id))
    skipped_set = set(skipped)
    queue = [pool[i] for i in sorted_ids(pool) if i not in skipped_set]

    locks_per_v = Counter(v.id for _, v in pinned)
    data = features.encode(queue, vols, programme, districts, today, locks_per_v, rejected_pairs)
    cut = None
    if max_candidates is None:
        n, v = features.candidate_pairs(data)
        seen = n.size
        t_candidates = time.perf_counter()
        score = features.score_pairs(data, n, v, programme)
        gain = to_gain(score)
        t_score = time.perf_counter()
    else:
        kept = pruning.pruned_candidates(data, programme, max_candidates, to_gain)
        n, v, gain, score, seen = kept.n, kept.v, kept.gain, kept.score, kept.seen
        t_score = time.perf_counter()
        t_candidates = t_score - kept.scoring
        cut = _cut(kept, data)
    chosen = solve_pairs(n, v, gain, data.v_free, len(queue))
    t_solve = time.perf_counter()
    # An exact round is the optimum (of the scores rounded to 1/SCALE): its gap is 0 by
    # construction, and the bound is computed only for pruned rounds.
    if cut is not None:
        upper, rescanned = bound.round_bound(
            data, programme, (n, v, gain, score), chosen, cut, SCALE
        )
    t_bound = time.perf_counter()

    proposals = [
        _locked_proposal(a, b, locks_per_v, programme, districts, today) for a, b in pinned
    ]
    matched = np.zeros(len(queue), dtype=bool)
    left = data.v_free.copy()
    for i, j in zip(n[chosen].tolist(), v[chosen].tolist(), strict=True):
        matched[i] = True
        left[j] -= 1
        scored = score_pair(queue[i], vols[j], programme, districts, today)
        proposals.append(Proposal(queue[i].id, vols[j].id, scored.score, scored.parts))
    rank = {x: i for i, x in enumerate(sorted_ids(p.newcomer_id for p in proposals))}
    proposals.sort(key=lambda p: rank[p.newcomer_id])
    unmatched = explain_unmatched(
        data, np.flatnonzero(~matched), left, programme, near_misses=near_misses
    )
    t_explain = time.perf_counter()
    total = float(sum(p.score for p in proposals))
    if cut is None:
        upper, rescanned = total, 0
    else:
        upper += sum(p.score for p in proposals if p.locked)  # fixed on both sides

    return RoundResult(
        proposals=proposals,
        unmatched=unmatched,
        timings={
            "candidates": t_candidates - started,
            "score": t_score - t_candidates,
            "solve": t_solve - t_score,
            "bound": t_bound - t_solve,
            "explain": t_explain - t_bound,
            "total": t_explain - started,
        },
        stats={
            "newcomers": len(queue) + len(pinned),
            "volunteers": len(vols),
            "eligible_volunteers": int(((data.v_failed == 0) & (data.v_free > 0)).sum()),
            "candidate_pairs": int(seen),
            "solved_pairs": int(n.size),
            "matched": int(chosen.sum()) + len(pinned),
            "locked": len(pinned),
            "total_score": total,
            # A proven bound on the best total of the full problem (engine.bound) and how
            # far below it this round's total is, as a share of the bound.
            "upper_bound": upper,
            "gap": max(0.0, (upper - total) / upper) if upper > 0 else 0.0,
            "pruned": cut is not None,
            "bound_rescanned": rescanned,
        },
        skipped_newcomer_ids=skipped,
        ignored_locks=ignored,
    )


def _cut(kept: pruning.Pruned, data: features.RoundData) -> bound.Cut:
    """Pruning's integer gain limits as score limits: a gain g stands for scores ≤ g + ½."""

    def limit(g: np.ndarray) -> np.ndarray:
        return np.where(g >= 0, (g + 0.5) / SCALE, -np.inf)

    return bound.Cut(
        limit(kept.row_cut), limit(kept.col_cut), data.n_district, data.v_district, data.reach
    )


def _locked_proposal(
    newcomer: NewcomerProfile,
    volunteer: VolunteerProfile,
    locks_per_v: Mapping[Hashable, int],
    programme: Programme,
    districts: Districts,
    today: date,
) -> Proposal:
    failed = list(hard_check(newcomer, volunteer, programme, districts, today))
    # The capacity check above ignores the other locks on the same volunteer.
    if locks_per_v[volunteer.id] > volunteer.free_capacity and "no_capacity" not in failed:
        failed.append("no_capacity")
    scored = score_pair(newcomer, volunteer, programme, districts, today)
    return Proposal(
        newcomer.id, volunteer.id, scored.score, scored.parts, locked=True, failed=tuple(failed)
    )
