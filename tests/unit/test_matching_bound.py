"""The proven upper bound of a round (engine.bound) and the gap a pruned round reports."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from caseapp.matches.engine import bound, features, pruning, run_round, solver
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


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("k", [1, 3])
def test_pruning_records_true_limits_on_what_it_cut(seed, k):
    """The bound relies on these: no cut pair above its newcomer's or its volunteer's limit."""
    newcomers, volunteers = random_round(seed, n_new=120, n_vol=30)
    queue = sorted(newcomers, key=lambda n: n.id)
    vols = sorted(volunteers, key=lambda v: v.id)
    data = features.encode(queue, vols, MENTOR, DISTRICTS, TODAY, {}, set())
    n, v = features.candidate_pairs(data)
    gain = solver.to_gain(features.score_pairs(data, n, v, MENTOR))
    kept = pruning.pruned_candidates(data, MENTOR, k, solver.to_gain)
    kept_codes = set(data.pair_codes(kept.n, kept.v).tolist())
    cut = np.array([c not in kept_codes for c in data.pair_codes(n, v).tolist()], dtype=bool)
    assert cut.any()
    best_cut = np.full(len(queue), -1)
    np.maximum.at(best_cut, n[cut], gain[cut])
    assert (best_cut <= kept.row_cut).all()
    assert (gain[cut] <= kept.col_cut[v[cut]]).all()
    # Each person keeps at least their k best.
    for person, side in ((n, kept.n), (v, kept.v)):
        for who in np.unique(person).tolist():
            mine = np.sort(gain[person == who])[::-1][:k]
            theirs = np.sort(kept.gain[side == who])[::-1]
            assert theirs.size >= mine.size and (theirs[: mine.size] >= mine).all()


def test_the_row_limit_covers_a_rows_last_pair_when_rows_without_pairs_follow():
    from dataclasses import replace

    from caseapp.matches.engine.scoring import NewcomerProfile, VolunteerProfile

    since = TODAY - timedelta(days=30)
    first = NewcomerProfile(
        id=1,
        programme="mentor",
        languages={"ar": "native"},
        district="Hafen",
        waiting_since=since,
        age=30,
    )
    queue = [
        first,
        replace(first, id=2, languages={"ti": "native"}),
        replace(first, id=3, languages={"ti": "native"}),
    ]
    volunteer = VolunteerProfile(
        id="v1",
        languages={"ar": "native"},
        district="Hafen",
        approved_programmes=frozenset({"mentor"}),
        trained_programmes=frozenset({"mentor"}),
        good_conduct_valid_until=TODAY + timedelta(days=365),
        capacity=1,
        age=60,
    )
    # v2 fits best; v3, the last column, second best: the highest pair outside the best one.
    vols = [volunteer, replace(volunteer, id="v2", age=31), replace(volunteer, id="v3", age=40)]
    data = features.encode(queue, vols, MENTOR, DISTRICTS, TODAY, {}, set())
    kept = pruning.pruned_candidates(data, MENTOR, 1, solver.to_gain)
    n, v = features.candidate_pairs(data)
    gain = solver.to_gain(features.score_pairs(data, n, v, MENTOR))
    assert n.tolist() == [0, 0, 0] and int(np.argmax(gain)) == 1
    assert kept.row_cut.tolist() == [int(gain[2]), -1, -1]
