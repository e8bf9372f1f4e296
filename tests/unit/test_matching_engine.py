"""The solver core `assign` against independent exact methods (pure, no app)."""

from __future__ import annotations

import itertools
import random
import subprocess
import sys

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from caseapp.matches.engine.solver import SCALE, assign, greedy_assign

FORBIDDEN = 1e9


def total(scores, assignment):
    return sum(scores[(n, v)] for n, v in assignment.items())


def assert_feasible(scores, capacity, assignment):
    assert all((n, v) in scores for n, v in assignment.items())
    used: dict = {}
    for v in assignment.values():
        used[v] = used.get(v, 0) + 1
    assert all(count <= capacity.get(v, 0) for v, count in used.items())


def optimum_lsa(scores, capacity):
    """Best total by scipy: one column per capacity slot plus one "unmatched" column per row."""
    newcomers = sorted({n for n, _ in scores}, key=repr)
    slots = [v for v in sorted(capacity, key=repr) for _ in range(max(0, capacity[v]))]
    if not newcomers:
        return 0.0
    cost = np.full((len(newcomers), len(slots) + len(newcomers)), FORBIDDEN)
    cost[:, len(slots) :] = 0.0
    for i, n in enumerate(newcomers):
        for j, v in enumerate(slots):
            if (n, v) in scores:
                cost[i, j] = -scores[(n, v)]
    rows, cols = linear_sum_assignment(cost)
    assert (cost[rows, cols] < FORBIDDEN).all()
    return -float(cost[rows, cols].sum())


def optimum_brute(scores, capacity):
    newcomers = sorted({n for n, _ in scores}, key=repr)
    options = [[None] + [v for (m, v) in scores if m == n] for n in newcomers]
    best = 0.0
    for choice in itertools.product(*options):
        chosen = [v for v in choice if v is not None]
        if all(chosen.count(v) <= capacity.get(v, 0) for v in set(chosen)):
            value = sum(scores[(n, v)] for n, v in zip(newcomers, choice, strict=True) if v)
            best = max(best, value)
    return best


def random_instance(seed):
    rng = random.Random(seed)
    n_new, n_vol = rng.randint(0, 7), rng.randint(0, 5)
    kind = rng.choice(["ints", "floats", "ties", "small_ints", "sparse"])
    density = 0.25 if kind == "sparse" else rng.uniform(0.3, 1.0)
    capacity = {f"v{j}": rng.randint(0, 3) for j in range(n_vol)}
    scores = {}
    for i in range(n_new):
        for j in range(n_vol):
            if rng.random() < density:
                if kind == "ints":
                    s = rng.randint(-3, 6)
                elif kind == "floats":
                    s = rng.uniform(-1.0, 3.0)
                elif kind == "ties":
                    s = 1
                else:
                    s = rng.randint(0, 2)
                scores[(i, f"v{j}")] = s
    return scores, capacity, kind


@pytest.mark.parametrize("seed", range(400))
def test_assign_is_optimal_on_random_instances(seed):
    scores, capacity, kind = random_instance(seed)
    result = assign(scores, capacity)
    assert_feasible(scores, capacity, result)
    # Each chosen pair's score is rounded to 1/SCALE, so floats may lose that much per match.
    tolerance = 1e-9 if kind != "floats" else len(result) / SCALE + 1e-9
    expected = optimum_lsa(scores, capacity)
    assert total(scores, result) == pytest.approx(expected, abs=tolerance)
    assert all(scores[pair] > 0 for pair in result.items())
    if len({n for n, _ in scores}) <= 5:
        assert optimum_brute(scores, capacity) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_assign_is_optimal_on_larger_instances(seed):
    rng = random.Random(1000 + seed)
    capacity = {v: rng.randint(0, 3) for v in range(25)}
    scores = {
        (f"n{i:02d}", v): rng.randint(-2, 50) / 4
        for i in range(60)
        for v in range(25)
        if rng.random() < 0.3
    }
    result = assign(scores, capacity)
    assert_feasible(scores, capacity, result)
    assert total(scores, result) == pytest.approx(optimum_lsa(scores, capacity), abs=1e-9)


def test_empty_inputs():
    assert assign({}, {}) == {}
    assert assign({}, {"a": 3}) == {}
    assert assign({(1, "a"): 5}, {}) == {}


def test_capacity_zero_and_volunteers_without_pairs():
    scores = {(1, "a"): 5, (2, "a"): 4, (2, "b"): 1}
    assert assign(scores, {"a": 0, "b": 1, "c": 2}) == {2: "b"}
    assert assign(scores, {"a": 2, "b": 0, "idle": 5}) == {1: "a", 2: "a"}


def test_negative_and_zero_pairs_are_never_chosen():
    assert assign({(1, "a"): -1, (2, "a"): 0, (3, "b"): -0.2}, {"a": 5, "b": 5}) == {}
    assert assign({(1, "a"): 0.0004}, {"a": 1}) == {}  # rounds to 0 at SCALE 1000
    assert assign({(1, "a"): -1, (1, "b"): 2}, {"a": 1, "b": 1}) == {1: "b"}


def test_prefers_the_best_total_over_the_best_single_pair():
    scores = {(1, "a"): 10, (1, "b"): 9, (2, "a"): 9}
    assert assign(scores, {"a": 1, "b": 1}) == {1: "b", 2: "a"}
    assert greedy_assign(scores, {"a": 1, "b": 1}) == {1: "a"}


def test_one_high_pair_beats_two_poor_ones():
    scores = {(1, "a"): 10, (1, "b"): 1, (2, "a"): 1}
    assert assign(scores, {"a": 1, "b": 1}) == {1: "a"}


def test_respects_capacity_greater_than_one():
    scores = {(n, "a"): 5 for n in range(5)} | {(n, "b"): 1 for n in range(5)}
    result = assign(scores, {"a": 3, "b": 1})
    assert list(result.values()).count("a") == 3
    assert list(result.values()).count("b") == 1


def test_string_and_mixed_ids():
    scores = {("amal", "vol-2"): 2.5, ("bilal", "vol-2"): 2.5, ("bilal", "vol-1"): 1.0}
    assert assign(scores, {"vol-1": 1, "vol-2": 1}) == {"amal": "vol-2", "bilal": "vol-1"}
    mixed = {(1, "x"): 1, ("1", "x"): 2, (2, 7): 3}
    result = assign(mixed, {"x": 1, 7: 1})
    assert result == {"1": "x", 2: 7}


@pytest.mark.parametrize("seed", range(30))
def test_same_input_in_any_order_gives_the_same_result(seed):
    rng = random.Random(seed)
    # Many ties, so only the tie-breaking decides which optimal assignment comes back.
    scores = {(n, f"v{v}"): rng.choice([1, 1, 1, 2]) for n in range(12) for v in range(6)}
    capacity = {f"v{v}": rng.randint(0, 2) for v in range(6)}
    first = assign(scores, capacity)
    for _ in range(5):
        items = list(scores.items())
        rng.shuffle(items)
        caps = list(capacity.items())
        rng.shuffle(caps)
        again = assign(dict(items), dict(caps))
        assert list(again.items()) == list(first.items())


def test_all_ties_match_as_many_as_capacity_allows_deterministically():
    scores = {(n, "a"): 1 for n in range(4)}
    result = assign(scores, {"a": 2})
    assert result == {0: "a", 1: "a"}
    assert assign(dict(reversed(scores.items())), {"a": 2}) == result


def test_rejects_non_finite_and_oversized_scores():
    with pytest.raises(ValueError):
        assign({(1, "a"): float("nan")}, {"a": 1})
    with pytest.raises(ValueError):
        assign({(1, "a"): float("inf")}, {"a": 1})
    with pytest.raises(ValueError):
        assign({(1, "a"): 1e18}, {"a": 1})


@pytest.mark.parametrize("seed", range(40))
def test_greedy_baseline_is_feasible_and_never_better(seed):
    scores, capacity, _ = random_instance(seed)
    greedy = greedy_assign(scores, capacity)
    assert_feasible(scores, capacity, greedy)
    assert total(scores, greedy) <= total(scores, assign(scores, capacity)) + 1e-6


def test_engine_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, caseapp.matches.engine.solver, caseapp.matches.engine.scoring;"
        "bad = [m for m in ('flask', 'sqlalchemy', 'flask_babel') if m in sys.modules];"
        "sys.exit(str(bad) if bad else 0)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_ties_prefer_lower_newcomer_ids():
    scores = {(n, "a"): 1 for n in (5, 3, 9, 4)}
    assert assign(scores, {"a": 2}) == {3: "a", 4: "a"}
    # Equal totals either way: 1 with b and 2 with a, or 3 with a; lower ids win.
    scores = {(1, "b"): 1, (2, "a"): 1, (3, "a"): 2}
    assert assign(scores, {"a": 1, "b": 1}) == {1: "b", 3: "a"}
    scores = {("x", "a"): 2, ("y", "a"): 1, ("y", "b"): 1, ("z", "b"): 2}
    assert assign(scores, {"a": 1, "b": 1}) == {"x": "a", "z": "b"}


def test_large_scores_keep_the_optimum_when_the_tie_break_must_coarsen():
    scores = {(1, "a"): 4e8, (1, "b"): 3e8, (2, "a"): 3.5e8}
    assert assign(scores, {"a": 1, "b": 1}) == {1: "b", 2: "a"}
