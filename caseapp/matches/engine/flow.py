"""Best overall assignment of newcomers to volunteers: min-cost flow over scored pairs, and
the greedy assignment the benchmarks compare it with."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

# Scores become integer costs as round(score * SCALE): scores closer than 1/(2*SCALE) may be
# treated as equal, so a returned total is within 0.001 per matched newcomer of the optimum,
# and a score below 0.0005 (rounding to 0) is worth no more than leaving the newcomer unmatched.
SCALE = 1000
# OR-Tools rejects costs whose magnitude times the node count nears 2**63.
_COST_LIMIT = 2**60


def to_gain(score: np.ndarray) -> np.ndarray:
    """Scores as the integer gains the solver maximises (see SCALE)."""
    return np.rint(score * SCALE).astype(np.int64)


def sorted_ids(ids: Iterable[Hashable]) -> list[Hashable]:
    """Ids in their natural order; mixed types (say 3 and "3") by type name, then repr."""
    unique = set(ids)
    try:
        return sorted(unique)
    except TypeError:
        return sorted(unique, key=lambda x: (type(x).__name__, repr(x)))


@dataclass(frozen=True, slots=True)
class FlowNetwork:
    """The arrays handed to OR-Tools; kept apart so a benchmark can time the bare solver."""

    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    nodes: np.ndarray
    supplies: np.ndarray
    pair_arcs: slice  # arcs of the kept pairs, in the order of `kept`
    kept: np.ndarray  # indices of the input pairs that became arcs


def flow_network(
    n: np.ndarray, v: np.ndarray, gain: np.ndarray, capacity: np.ndarray, n_count: int
) -> FlowNetwork:
    """Network: source → newcomer (1) → volunteer (1, cost −gain) → sink (capacity).

    A source → sink bypass carries the flow of newcomers left unmatched at cost 0, so the
    fixed supply never forces a match that is worth less than nothing. Only pairs with a
    positive gain and a volunteer with capacity become arcs; gains get the tie_break.
    """
    nodes = 2 + n_count + capacity.size
    if n.size and int(np.abs(gain).max()) * nodes >= _COST_LIMIT:
        raise ValueError("scores too large for integer costs; scale them down")
    gain = tie_break(gain, n, n_count, int(capacity.sum()), nodes)
    kept = np.flatnonzero((gain > 0) & (capacity[v] > 0))
    n, v, gain = n[kept], v[kept], gain[kept].astype(np.int64)
    newcomers = np.flatnonzero(np.bincount(n, minlength=n_count))
    volunteers = np.flatnonzero(np.bincount(v, minlength=capacity.size))
    source, sink, first_v = 0, 1, 2 + n_count
    supply = newcomers.size
    tails = np.concatenate(
        [np.full(newcomers.size, source), 2 + n, first_v + volunteers, [source]]
    ).astype(np.int32)
    heads = np.concatenate(
        [2 + newcomers, first_v + v, np.full(volunteers.size, sink), [sink]]
    ).astype(np.int32)
    capacities = np.concatenate(
        [np.ones(newcomers.size + n.size, dtype=np.int64), capacity[volunteers], [supply]]
    ).astype(np.int64)
    costs = np.concatenate(
        [np.zeros(newcomers.size, dtype=np.int64), -gain, np.zeros(volunteers.size + 1, np.int64)]
    )
    return FlowNetwork(
        tails=tails,
        heads=heads,
        capacities=capacities,
        costs=costs,
        nodes=np.array([source, sink], dtype=np.int32),
        supplies=np.array([supply, -supply], dtype=np.int64),
        pair_arcs=slice(newcomers.size, newcomers.size + n.size),
        kept=kept,
    )


def solve_network(net: FlowNetwork) -> min_cost_flow.SimpleMinCostFlow:
    """Add the arcs in bulk and solve; raises ValueError when costs are out of range."""
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(net.tails, net.heads, net.capacities, net.costs)
    solver.set_nodes_supplies(net.nodes, net.supplies)
    status = solver.solve()
    if status == solver.BAD_COST_RANGE:
        raise ValueError("scores too large for integer costs; scale them down")
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    return solver


def tie_break(gain: np.ndarray, n: np.ndarray, n_count: int, slots: int, nodes: int) -> np.ndarray:
    """Gains rescaled so that, among assignments of equal total, lower newcomer indices win.

    gain * M + bonus, where the bonus falls with the newcomer's index and M exceeds the sum of
    bonuses of any assignment, so the optimum itself never changes. When the costs would
    leave OR-Tools' range the bonus uses coarser index buckets (or is dropped).
    """
    matches = max(1, min(n_count, slots))
    top = max(1, int(gain.max(initial=0)))
    buckets = min(n_count, _COST_LIMIT // (nodes * (top * matches + 1)))
    if buckets < 2:
        return gain
    bonus = (n_count - 1 - n.astype(np.int64)) * buckets // n_count
    return np.where(gain > 0, gain * (matches * buckets) + bonus, 0)


def solve_pairs(
    n: np.ndarray, v: np.ndarray, gain: np.ndarray, capacity: np.ndarray, n_count: int
) -> np.ndarray:
    """Boolean mask over the pairs: the chosen ones, maximising the total integer gain.

    n and v are dense 0-based indices; capacity is indexed by v. Among equally good
    assignments the one matching lower newcomer indices is preferred (see tie_break); what
    ties remain are settled by the order of the pairs, which callers fix by sorting ids, so
    equal inputs give equal output.
    """
    chosen = np.zeros(n.size, dtype=bool)
    if n.size == 0:
        return chosen
    net = flow_network(n, v, gain, capacity, n_count)
    if net.kept.size == 0:
        return chosen
    solver = solve_network(net)
    arcs = np.arange(net.pair_arcs.start, net.pair_arcs.stop)
    chosen[net.kept] = solver.flows(arcs) > 0
    return chosen


def _index_pairs(
    scores: Mapping[tuple[Hashable, Hashable], float], capacity: Mapping[Hashable, int]
) -> tuple[list, list, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Ids sorted, pairs as index arrays in (newcomer, volunteer) id order, capacities."""
    n_ids = sorted_ids(n for n, _ in scores)
    v_ids = sorted_ids([v for _, v in scores] + list(capacity))
    n_pos = {x: i for i, x in enumerate(n_ids)}
    v_pos = {x: i for i, x in enumerate(v_ids)}
    n = np.fromiter((n_pos[a] for a, _ in scores), dtype=np.int64, count=len(scores))
    v = np.fromiter((v_pos[b] for _, b in scores), dtype=np.int64, count=len(scores))
    s = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
    if not np.isfinite(s).all():
        raise ValueError("scores must be finite numbers")
    order = np.lexsort((v, n))
    # A volunteer missing from `capacity` takes nobody; negative capacities count as 0.
    cap = np.array([max(0, int(capacity.get(x, 0))) for x in v_ids], dtype=np.int64)
    return n_ids, v_ids, n[order], v[order], s[order], cap


def assign(
    scores: Mapping[tuple[Hashable, Hashable], float], capacity: Mapping[Hashable, int]
) -> dict[Hashable, Hashable]:
    """Newcomer id → volunteer id maximising the total score of the chosen pairs.

    `scores` lists the only allowed pairs (higher is better; any finite number); each
    newcomer is matched at most once and each volunteer at most `capacity[volunteer]` times.
    Leaving a newcomer unmatched is worth 0, so pairs scoring 0 or less (after scaling, see
    SCALE) are never chosen. Among equally good assignments the one matching the lowest
    newcomer ids is preferred; remaining ties follow the id order in which the network is
    built, so the result never depends on the dict order of the input.
    """
    if not scores:
        return {}
    n_ids, v_ids, n, v, s, cap = _index_pairs(scores, capacity)
    if np.abs(s).max() * SCALE >= _COST_LIMIT:
        raise ValueError("scores too large for integer costs; scale them down")
    chosen = solve_pairs(n, v, to_gain(s), cap, len(n_ids))
    return {n_ids[i]: v_ids[j] for i, j in zip(n[chosen].tolist(), v[chosen].tolist(), strict=True)}


def greedy_arrays(
    n: np.ndarray, v: np.ndarray, score: np.ndarray, capacity: np.ndarray, n_count: int
) -> np.ndarray:
    """Best pair first, skipping taken newcomers and full volunteers (a baseline only)."""
    order = np.lexsort((v, n, -score))
    order = order[score[order] > 0]
    taken = bytearray(n_count)
    left = capacity.astype(np.int64).tolist()
    chosen = np.zeros(n.size, dtype=bool)
    n_list, v_list = n.tolist(), v.tolist()
    for k in order.tolist():
        i, j = n_list[k], v_list[k]
        if not taken[i] and left[j] > 0:
            taken[i] = 1
            left[j] -= 1
            chosen[k] = True
    return chosen


def greedy_assign(
    scores: Mapping[tuple[Hashable, Hashable], float], capacity: Mapping[Hashable, int]
) -> dict[Hashable, Hashable]:
    """First-come-first-served by score: what tools do today; for benchmark comparisons."""
    if not scores:
        return {}
    n_ids, v_ids, n, v, s, cap = _index_pairs(scores, capacity)
    chosen = greedy_arrays(n, v, s, cap, len(n_ids))
    return {n_ids[i]: v_ids[j] for i, j in zip(n[chosen].tolist(), v[chosen].tolist(), strict=True)}
