"""A proven upper bound on the best possible total score of a round, from its dual.

The round solves: choose pairs x_nv ∈ {0, 1} among the candidate pairs (those meeting every
hard constraint and not excluded: rejected, do-not-rematch) to maximise Σ s_nv x_nv, with each
newcomer matched at most once (Σ_v x_nv ≤ 1) and each volunteer at most cap_v times
(Σ_n x_nv ≤ cap_v, the capacity left after active matches and locked pairs). Locked pairs are
outside this problem: they are fixed, and their scores are added on both sides.

Weak LP duality: for ANY prices p_v ≥ 0,

    UB(p) = Σ_v cap_v · p_v + Σ_n max(0, max_v (s_nv − p_v))

is at least the total of every feasible choice, since for each chosen pair
s_nv = (s_nv − p_v) + p_v ≤ u_n + p_v, each newcomer contributes at most one u_n ≥ 0 and each
volunteer at most cap_v prices. It therefore bounds the optimum of the FULL problem, also when
the solver saw only a pruned set of pairs, as long as the max over v covers every candidate
pair; any upper estimate of each u_n keeps it valid.

Prices: the smallest that make the solution an equilibrium on the pairs the solver saw
(p_v = 0 for a volunteer with places left, u_n = 0 for an unmatched newcomer, u_n + p_v =
s_nv on chosen pairs), by Bellman-Ford rounds on integer gains. For an exact round UB(p) then
equals the optimum up to the rounding of scores to 1/SCALE (about 10⁻⁵ of the total, checked
by the tests); a round reports such an exact round as gap 0 without computing it.

Pruned rounds: pruning records limits on the cut pairs (no cut pair of newcomer n scores more
than its best cut pair, none at volunteer v more than v's cut line), which bound u_n cheaply
(`_cut_best`). Newcomers for whom those limits might matter are scanned again, streamed in
blocks like the first pass: first the unmatched ones, whose best pair per volunteer becomes a
floor under that volunteer's price (after which they gain nothing: u_n = 0), then, at the
raised prices, the others whose limit exceeds what their kept pairs give, for their exact
u_n. The gap (UB − total) / UB is a proven limit on what pruning cost: the true loss against
the unpruned optimum is never larger (the measured ones are smaller still).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from caseapp.matches.engine import features
from caseapp.matches.engine.scoring import Programme


@dataclass(frozen=True, slots=True)
class Cut:
    """What pruning left out, as score limits: no cut pair of newcomer n scores more than
    row_limit[n], none at volunteer v more than col_limit[v] (-inf: nothing was cut)."""

    row_limit: np.ndarray
    col_limit: np.ndarray
    n_district: np.ndarray
    v_district: np.ndarray
    reach: np.ndarray  # (D, D): 0 same district, 1 neighbouring, 2 out of reach


def prices(
    n: np.ndarray,
    v: np.ndarray,
    gain: np.ndarray,
    chosen: np.ndarray,
    capacity: np.ndarray,
    n_count: int,
    rounds: int = 100,
) -> np.ndarray:
    """Volunteer prices p ≥ 0 (in gain units) from the chosen pairs; any p gives a valid bound.

    Bellman-Ford from p = 0: a full volunteer's price rises to the best s_nv − u_n of the
    newcomers who would like it, u_n being what a newcomer gets (its pair minus that price).
    Integer gains, and the solution is optimal for them, so it stops (or `rounds` ends it).
    """
    p = np.zeros(capacity.size, dtype=np.int64)
    if n.size == 0 or not chosen.any():
        return p
    matched_n, matched_v = n[chosen], v[chosen]
    full = np.bincount(matched_v, minlength=capacity.size) >= capacity
    value = np.zeros(n_count, dtype=np.int64)
    value[matched_n] = gain[chosen]
    at = np.zeros(n_count, dtype=np.int64)
    at[matched_n] = matched_v
    matched = np.zeros(n_count, dtype=bool)
    matched[matched_n] = True
    sel = np.flatnonzero(full[v] & (gain > 0))  # only pairs at full volunteers raise a price
    if sel.size == 0:
        return p
    by = v[sel].astype(np.uint16) if capacity.size <= 1 << 16 else v[sel]  # radix sort
    order = sel[np.argsort(by, kind="stable")]
    n, v, gain = n[order], v[order], gain[order]
    starts = np.flatnonzero(np.r_[True, v[1:] != v[:-1]])
    cols = v[starts]
    for _ in range(rounds):
        u = np.where(matched, np.maximum(value - p[at], 0), 0)
        raised = np.maximum(p[cols], np.maximum.reduceat(gain - u[n], starts))
        if np.array_equal(raised, p[cols]):
            break
        p[cols] = raised
    return p


def upper_bound(
    n: np.ndarray,
    v: np.ndarray,
    score: np.ndarray,
    capacity: np.ndarray,
    n_count: int,
    p: np.ndarray,
    cut: Cut | None = None,
    rescan: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    settled: np.ndarray | None = None,
    settled_slack: float = 0.0,
) -> tuple[float, int]:
    """UB(p) over the kept pairs plus, when pruned, every pair pruning cut (see the module).

    The limits in `cut` bound the cut pairs cheaply but loosely; newcomers for whom they might
    matter are looked at again with `rescan(rows_mask, p)`, which returns per newcomer the
    exact max of s_nv − p_v over ALL its candidate pairs (-inf for rows not asked for).
    Newcomers in `settled` are known to have no pair above the prices by more than
    `settled_slack`. Returns the bound and the number of newcomers rescanned.
    """
    best = np.zeros(n_count, dtype=np.float64)  # u_n = max(0, ...)
    if n.size:
        np.maximum.at(best, n, score - p[v])
    rescanned = 0
    if cut is not None:
        loose = _cut_best(cut, p, n_count)
        if settled is not None:
            loose[settled] = 0.0
            best[settled] = max(0.0, settled_slack)
        if rescan is None:
            best = np.maximum(best, loose)
        else:
            again = loose > best
            rescanned = int(again.sum())
            if rescanned:
                best = np.maximum(best, rescan(again, p))
    return float(np.dot(capacity.astype(np.float64), p) + best.sum()), rescanned


def round_bound(
    data: features.RoundData,
    programme: Programme,
    kept: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    chosen: np.ndarray,
    cut: Cut,
    scale: int,
) -> tuple[float, int]:
    """The bound of a solved, pruned round and how many newcomers were scanned again for it.

    Prices from the solution, raised first so that no unmatched newcomer has any candidate
    pair above them (a scan of those rows); then the rows whose cut limits might matter are
    scanned at those prices (see the module). `kept` is the solved pairs: newcomer rows,
    volunteer columns, integer gains, scores."""
    n, v, gain, score = kept
    capacity, n_count = data.v_free, len(data.newcomers)
    p = prices(n, v, gain, chosen, capacity, n_count)
    matched = np.zeros(n_count, dtype=bool)
    matched[n[chosen]] = True
    # Unmatched newcomers with cut pairs that might score above the prices: every pair of
    # theirs sets a floor under its volunteer's price, and then they gain nothing at all.
    again = ~matched & (_cut_best(cut, p / scale, n_count) > 0)
    slack = 0.0
    if again.any():
        _, floor = scan(data, programme, again, p / scale, columns=True)
        floor_gain = np.where(np.isfinite(floor), np.ceil(floor * scale), 0).astype(np.int64)
        p = np.maximum(p, floor_gain)
        slack = float(np.max(floor - p / scale))  # ≤ 0 up to float rounding
    return upper_bound(
        n,
        v,
        score,
        capacity,
        n_count,
        p / scale,
        cut,
        lambda rows, q: scan(data, programme, rows, q)[0],
        again,
        slack,
    )


def scan(
    data: features.RoundData,
    programme: Programme,
    only: np.ndarray,
    p: np.ndarray,
    *,
    columns: bool = False,
) -> tuple[np.ndarray, np.ndarray | None]:
    """All candidate pairs of the newcomer rows in `only`, again: per row the max of
    s_nv − p_v, and (`columns`) per volunteer the best score among those rows."""
    best = np.full(len(data.newcomers), -np.inf)
    top = np.full(len(data.volunteers), -np.inf) if columns else None
    for block in features.candidate_blocks(data, only=only):
        if block.r.size == 0:
            continue
        v = block.v
        score = features.score_pairs(data, block.n, v, programme)
        rows = np.flatnonzero(np.bincount(block.r, minlength=block.rows.size))
        starts = np.searchsorted(block.r, rows)  # pairs come row by row
        best[block.rows[rows]] = np.maximum.reduceat(score - p[v], starts)
        if top is not None:
            np.maximum.at(top, v, score)
    return best, top


def _cut_best(cut: Cut, p: np.ndarray, n_count: int) -> np.ndarray:
    """Per newcomer, max over volunteers in reach of min(row limit, column limit) − p_v.

    Volunteers sorted by their limit c: for a newcomer limit r, those with c ≥ r give
    r − min p (a suffix minimum), those with c < r give max (c − p) (a prefix maximum).
    """
    out = np.zeros(n_count, dtype=np.float64)
    has_row = np.isfinite(cut.row_limit)
    vols = np.flatnonzero(np.isfinite(cut.col_limit))
    if not has_row.any() or vols.size == 0:
        return out
    for d in np.unique(cut.n_district[has_row]).tolist():
        near = vols[cut.reach[d][cut.v_district[vols]] <= 1]
        rows = np.flatnonzero(has_row & (cut.n_district == d))
        if near.size == 0:
            continue
        order = np.argsort(cut.col_limit[near], kind="stable")
        c, price = cut.col_limit[near][order], p[near][order]
        suffix_min = np.minimum.accumulate(price[::-1])[::-1]
        prefix_max = np.maximum.accumulate(c - price)
        r = cut.row_limit[rows]
        idx = np.searchsorted(c, r, side="left")
        above = np.where(idx < c.size, r - suffix_min[np.minimum(idx, c.size - 1)], -np.inf)
        below = np.where(idx > 0, prefix_max[np.maximum(idx - 1, 0)], -np.inf)
        out[rows] = np.maximum(0.0, np.maximum(above, below))
    return out
