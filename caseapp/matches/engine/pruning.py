"""Optional cap on candidate pairs for very large rounds: keep each person's best pairs only.

One pass over the candidate blocks, O(pairs) and without sorting: gains are put into BUCKETS
equal-width buckets between the lowest and the highest score a programme allows, and a
person keeps every pair whose bucket is at least that of their k-th best pair (a histogram
per newcomer row, and one per volunteer column summed over the blocks). That keeps each
person's k best pairs, plus the pairs tied with the k-th best within one bucket, so the result
is deterministic and never fewer than the k best. What was cut is summarised for the bound
(engine.bound): the best score cut per newcomer and an upper limit per volunteer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from caseapp.matches.engine import features
from caseapp.matches.engine.scoring import BASE_SCORE, Programme

BUCKETS = 512


@dataclass(slots=True)
class Pruned:
    """The kept pairs and what is known about the cut ones (gains: integer, see SCALE)."""

    n: np.ndarray  # int32 newcomer rows
    v: np.ndarray  # int32 volunteer columns
    gain: np.ndarray  # int64
    score: np.ndarray  # float64, as features.score_pairs
    seen: int  # candidate pairs before the cut
    scoring: float  # seconds spent scoring (part of the caller's elapsed time)
    # Per newcomer: highest gain outside its own best (so of any cut pair), -1 if none.
    row_cut: np.ndarray
    col_cut: np.ndarray  # per volunteer: no cut pair has a higher gain; -1 if none was cut


def _thresholds(hist: np.ndarray, k: int) -> np.ndarray:
    """Per row of a (rows, BUCKETS) histogram, the lowest bucket still kept (0: keep all)."""
    from_top = np.cumsum(hist[:, ::-1], axis=1)
    enough = from_top[:, -1] >= k
    first = np.argmax(from_top >= k, axis=1)
    return np.where(enough, BUCKETS - 1 - first, 0).astype(np.int32)


def _bucket_gain_top(bucket: np.ndarray, low: int, top: int) -> np.ndarray:
    """The highest gain that falls into each bucket (the inverse of the bucketing below)."""
    span = max(1, top - low)
    # bucket(g) = (g - low) * (B - 1) // span; the largest g with bucket(g) <= b.
    return low + ((bucket.astype(np.int64) + 1) * span - 1) // (BUCKETS - 1)


def pruned_candidates(
    data: features.RoundData,
    programme: Programme,
    k: int,
    to_gain: Callable[[np.ndarray], np.ndarray],
) -> Pruned:
    """Candidate pairs reduced to (at least) the union of each newcomer's and volunteer's k best.

    Streams over candidate blocks, so the full pair list never exists: a newcomer's pairs all
    sit in one block, and for volunteers a histogram per column grows block by block; its cut
    only rises, so a pair dropped early would also be dropped at the end, where the final cut
    is made once more on what was kept.
    """
    if k < 1:
        raise ValueError("max_candidates must be at least 1")
    n_new, n_vol = len(data.newcomers), len(data.volunteers)
    weights = programme.weights
    best_score = BASE_SCORE + sum(getattr(weights, f) for f in weights.__dataclass_fields__)
    low, top = (int(x) for x in to_gain(np.array([BASE_SCORE, best_score])))
    span = max(1, top - low)

    col_hist = np.zeros((n_vol, BUCKETS), dtype=np.int32)
    col_keep = np.zeros(n_vol, dtype=np.int32)  # lowest bucket kept per column so far
    row_cut = np.full(n_new, -1, dtype=np.int64)
    parts: list[tuple[np.ndarray, ...]] = []
    seen, scoring = 0, 0.0
    for block in features.candidate_blocks(data):
        n, v = block.n, block.v
        seen += n.size
        if n.size == 0:
            continue
        start = time.perf_counter()
        score = features.score_pairs(data, n, v, programme)
        gain = to_gain(score)
        scoring += time.perf_counter() - start
        bucket = np.clip((gain - low) * (BUCKETS - 1) // span, 0, BUCKETS - 1).astype(np.int32)
        rows, cols = block.rows.size, block.cols.size

        row_hist = np.bincount(block.r * BUCKETS + bucket, minlength=rows * BUCKETS)
        row_keep = _thresholds(row_hist.reshape(rows, BUCKETS), k)
        in_row = bucket >= row_keep[block.r]

        local = np.bincount(block.c * BUCKETS + bucket, minlength=cols * BUCKETS)
        col_hist[block.cols] += local.reshape(cols, BUCKETS).astype(np.int32)
        col_keep[block.cols] = _thresholds(col_hist[block.cols], k)
        in_col = bucket >= col_keep[v]

        # The best cut pair per newcomer: pairs come row by row (np.nonzero's order).
        cut = ~in_row
        if cut.any():
            cut_gain = np.where(cut, gain, -1)
            present = np.flatnonzero(np.bincount(block.r, minlength=rows))
            starts = np.searchsorted(block.r, present)  # strictly rising: one segment per row
            row_cut[block.rows[present]] = np.maximum.reduceat(cut_gain, starts)

        keep = in_row | in_col
        parts.append((n[keep], v[keep], gain[keep], score[keep], bucket[keep], in_row[keep]))

    col_cut = np.where(col_keep > 0, _bucket_gain_top(col_keep - 1, low, top), -1)
    if not parts:
        empty = np.zeros(0, dtype=np.int32)
        return Pruned(empty, empty, np.zeros(0, np.int64), np.zeros(0), seen, scoring,
                      row_cut, col_cut)  # fmt: skip
    n, v, gain, score, bucket, in_row = (np.concatenate(x) for x in zip(*parts, strict=True))
    # A volunteer's cut only rose after a pair was kept: cut again with the final one.
    keep = in_row | (bucket >= col_keep[v])
    return Pruned(
        n[keep], v[keep], gain[keep].astype(np.int64), score[keep], seen, scoring, row_cut, col_cut
    )
