"""Optional cap on candidate pairs for very large rounds: keep each person's best pairs only."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from caseapp.matches.engine import features
from caseapp.matches.engine.scoring import Programme


def _kth_largest(dense: np.ndarray, k: int, axis: int) -> np.ndarray:
    """The k-th largest value along an axis (-1, i.e. "keep all", when there are fewer)."""
    size = dense.shape[axis]
    if size <= k:
        return np.full(dense.shape[1 - axis], -1, dtype=dense.dtype)
    return np.take(np.partition(dense, size - k, axis=axis), size - k, axis=axis)


def pruned_candidates(
    data: features.RoundData,
    programme: Programme,
    k: int,
    to_gain: Callable[[np.ndarray], np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, float]:
    """Candidate pairs reduced to the union of each newcomer's and each volunteer's k best.

    Ties go to the lower volunteer (for a newcomer's list) or newcomer (for a volunteer's)
    index, so the result is exact and deterministic. Streams over candidate blocks, so the
    full pair list never exists: a newcomer's pairs all sit in one block, and for volunteers
    a running k-best per column is kept, with the final cut made once all blocks are seen.
    Returns rows, columns, gains, the number of candidates seen and the seconds spent
    scoring (part of the caller's elapsed time, reported apart).
    """
    if k < 1:
        raise ValueError("max_candidates must be at least 1")
    n_new, n_vol = len(data.newcomers), len(data.volunteers)
    # Per volunteer, the k largest "column values" seen so far; -1 fills empty places.
    best = np.full((k, n_vol), -1, dtype=np.int64)
    parts: list[tuple[np.ndarray, ...]] = []
    seen, scoring = 0, 0.0
    for block in features.candidate_blocks(data):
        n, v = block.n, block.v
        seen += n.size
        if n.size == 0:
            continue
        start = time.perf_counter()
        gain = to_gain(features.score_pairs(data, n, v, programme))
        scoring += time.perf_counter() - start
        if int(gain.max()) * (max(n_new, block.cols.size) + 1) >= 2**62:
            raise ValueError("scores too large to rank; scale the weights down")
        shape = (block.rows.size, block.cols.size)

        # Unique within a row (ties: lower column first) and within a column (lower row first).
        row_value = gain * shape[1] + (shape[1] - 1 - block.c)
        col_value = gain * n_new + (n_new - 1 - n.astype(np.int64))
        dense = np.full(shape, -1, dtype=np.int64)
        dense[block.r, block.c] = row_value
        in_row_best = row_value >= _kth_largest(dense, k, axis=1)[block.r]

        dense[block.r, block.c] = col_value
        block_best = dense if shape[0] <= k else np.partition(dense, shape[0] - k, axis=0)[-k:]
        merged = np.concatenate([best[:, block.cols], block_best], axis=0)
        best[:, block.cols] = np.partition(merged, merged.shape[0] - k, axis=0)[-k:]
        in_col_best = col_value >= best[:, block.cols].min(axis=0)[block.c]

        keep = in_row_best | in_col_best
        parts.append((n[keep], v[keep], gain[keep], col_value[keep], in_row_best[keep]))

    if not parts:
        empty = np.zeros(0, dtype=np.int32)
        return empty, empty, np.zeros(0, dtype=np.int64), seen, scoring
    n, v, gain, col_value, in_row_best = (np.concatenate(x) for x in zip(*parts, strict=True))
    # A volunteer's running best only rose after a pair was kept: cut again with the final one.
    keep = in_row_best | (col_value >= best.min(axis=0)[v])
    return n[keep], v[keep], gain[keep], seen, scoring
