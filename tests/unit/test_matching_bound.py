"""The proven upper bound of a round (engine.bound) and the gap a pruned round reports."""

from __future__ import annotations

import numpy as np
import pytest

from caseapp.matches.engine import bound, features, run_round, solver
from tests.factories.matching_profiles import (
    DISTRICTS,
    MENTOR,
    TODAY,
    locks_and_rejections,
    random_round,
)


def rounds(seed: int, k: int):
    newcomers, volunteers = random_round(seed)
    locked, rejected = locks_and_rejections(seed, newcomers, volunteers)
    args = (newcomers, volunteers, MENTOR, DISTRICTS, TODAY, locked, rejected)
    return run_round(*args), run_round(*args, max_candidates=k)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("k", [1, 2, 4])
def test_bound_is_above_the_exact_optimum_and_pruned_below_it(seed, k):
    exact, pruned = rounds(seed, k)
    best = exact.stats["total_score"]  # optimal (scores rounded to 1/SCALE, see SCALE)
    assert pruned.stats["pruned"] and not exact.stats["pruned"]
    assert pruned.stats["total_score"] <= best + 1e-9
    assert pruned.stats["upper_bound"] >= best - 1e-9
    assert exact.stats["upper_bound"] >= best - 1e-9
    gap = pruned.stats["gap"]
    upper = pruned.stats["upper_bound"]
    assert gap == pytest.approx((upper - pruned.stats["total_score"]) / upper)
    assert exact.stats["gap"] == 0.0  # exact by construction


def test_pruning_that_cuts_nothing_gives_the_exact_round_and_bound():
    exact, uncapped = rounds(3, 10_000)
    assert uncapped.proposals == exact.proposals
    # Nothing cut: the prices alone make the bound tight up to the rounding of scores.
    assert exact.stats["upper_bound"] <= uncapped.stats["upper_bound"]
    assert uncapped.stats["gap"] < 1e-4


def test_a_round_with_pairs_cut_reports_a_positive_gap_somewhere():
    gaps = [rounds(seed, 1)[1].stats["gap"] for seed in range(8)]
    assert max(gaps) > 0


@pytest.mark.parametrize("seed", range(5))
def test_any_prices_bound_the_optimum(seed):
    """Weak duality: UB(p) ≥ optimum for every p ≥ 0, not only the solver's prices."""
    newcomers, volunteers = random_round(seed)
    vols = sorted(volunteers, key=lambda v: v.id)
    queue = sorted(newcomers, key=lambda n: n.id)
    data = features.encode(queue, vols, MENTOR, DISTRICTS, TODAY, {}, set())
    n, v = features.candidate_pairs(data)
    score = features.score_pairs(data, n, v, MENTOR)
    chosen = solver.solve_pairs(n, v, solver.to_gain(score), data.v_free, len(queue))
    best = score[chosen].sum()
    rng = np.random.default_rng(seed)
    for _ in range(20):
        p = rng.uniform(0, 12, size=len(vols)) * (rng.random(len(vols)) < 0.7)
        assert bound.upper_bound(n, v, score, data.v_free, len(queue), p)[0] >= best - 1e-9
    p = bound.prices(n, v, solver.to_gain(score), chosen, data.v_free, len(queue))
    tight, _ = bound.upper_bound(n, v, score, data.v_free, len(queue), p / solver.SCALE)
    assert best - 1e-9 <= tight <= best * (1 + 1e-4)
