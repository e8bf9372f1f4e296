"""Candidate pairs of a round and their scores from the encoded profiles, without Python loops."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from caseapp.matches.engine.bits import any_shared, popcount
from caseapp.matches.engine.encoding import (  # noqa: F401  (re-exported)
    AGE_TABLE,
    NEEDS,
    OUT_OF_REACH,
    RoundData,
    encode,
)
from caseapp.matches.engine.scoring import (
    AGE_SPAN_YEARS,
    BASE_SCORE,
    INTERESTS_FULL,
    NATIVE_RANK,
    NEIGHBOUR_CLOSENESS,
    Programme,
    language_closeness,
)

# Cells per newcomer × volunteer block; bounds the temporary arrays to a few tens of MB.
BLOCK_CELLS = 1 << 22


def pair_ok(data: RoundData, rows: np.ndarray, cols: np.ndarray) -> dict[str, np.ndarray]:
    """Pair constraints for a block of rows × cols (not the sparse exclusions), True = holds."""
    language = any_shared(data.n_lang[rows], data.v_lang[cols]) | data.n_interpreter[rows, None]
    availability = (data.n_avail[rows, None] & data.v_avail[None, cols]) != 0
    pref = data.n_pref[rows, None]
    gender = (pref == -1) | (pref == data.v_gender[None, cols])
    return {"language": language, "availability": availability, "gender": gender}


@dataclass(frozen=True, slots=True)
class Block:
    """Candidate pairs among some newcomer rows and all volunteer columns in their reach."""

    rows: np.ndarray
    cols: np.ndarray
    r: np.ndarray  # positions in rows / cols of each pair
    c: np.ndarray

    @property
    def n(self) -> np.ndarray:
        return self.rows[self.r].astype(np.int32)

    @property
    def v(self) -> np.ndarray:
        return self.cols[self.c].astype(np.int32)


def candidate_blocks(
    data: RoundData, block_cells: int = BLOCK_CELLS, only: np.ndarray | None = None
) -> Iterator[Block]:
    """The pairs meeting every hard constraint, block by block.

    Volunteers are indexed by district, so each newcomer is only compared with the volunteers
    in reach; those comparisons run as numpy blocks. All of a newcomer's pairs come in one
    block, row by row. The order is a function of the ids only. `only` (a mask over the
    newcomers) limits the rows.
    """
    eligible = np.flatnonzero((data.v_failed == 0) & (data.v_free > 0))
    by_district = {
        int(d): eligible[data.v_district[eligible] == d]
        for d in np.unique(data.v_district[eligible])
    }
    order = np.argsort(data.n_district, kind="stable")
    starts = np.searchsorted(data.n_district[order], np.arange(len(data.district_names) + 1))
    for d in range(len(data.district_names)):
        rows_all = order[starts[d] : starts[d + 1]]
        if only is not None:
            rows_all = rows_all[only[rows_all]]
        near = [by_district[int(x)] for x in np.flatnonzero(data.reach[d] <= 1) if x in by_district]
        if rows_all.size == 0 or not near:
            continue
        cols = np.sort(np.concatenate(near))
        step = max(1, block_cells // cols.size)
        for start in range(0, rows_all.size, step):
            rows = rows_all[start : start + step]
            ok = pair_ok(data, rows, cols)
            r, c = np.nonzero(ok["language"] & ok["availability"] & ok["gender"])
            if data.excluded.size:
                keep = ~np.isin(data.pair_codes(rows[r], cols[c]), data.excluded)
                r, c = r[keep], c[keep]
            yield Block(rows, cols, r, c)


def candidate_pairs(data: RoundData) -> tuple[np.ndarray, np.ndarray]:
    """All candidate pairs of the round as two index arrays (see candidate_blocks)."""
    blocks = [(b.n, b.v) for b in candidate_blocks(data)]
    if not blocks:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    return np.concatenate([n for n, _ in blocks]), np.concatenate([v for _, v in blocks])


def best_levels(data: RoundData, n: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Highest level rank at which both speak a common language (0 if none)."""
    best = np.zeros(n.size, dtype=np.int8)
    # Only languages that someone on each side speaks can be shared.
    both = np.flatnonzero(data.n_level.any(axis=1) & data.v_level.any(axis=1))
    for lang in both.tolist():
        np.maximum(best, np.minimum(data.n_level[lang][n], data.v_level[lang][v]), out=best)
    return best


def score_pairs(
    data: RoundData, n: np.ndarray, v: np.ndarray, programme: Programme, chunk: int = 1 << 22
) -> np.ndarray:
    """Scores of the pairs, equal to scoring.score_pair for each (same operations, in order)."""
    out = np.empty(n.size, dtype=np.float64)
    for start in range(0, n.size, chunk):
        sl = slice(start, start + chunk)
        out[sl] = _score_chunk(data, n[sl], v[sl], programme)
    return out


def _score_chunk(data: RoundData, n: np.ndarray, v: np.ndarray, programme: Programme) -> np.ndarray:
    w = programme.weights
    # Each part comes out already weighted: w * part, the same multiplication as in
    # score_pair, done on a small table of the possible values where there is one. Lookup
    # tables and formulas give exactly the floats score_pair computes.
    weighted = []
    if w.needs_skills:
        if data.needs_part is not None:
            needs_part = data.needs_part(n, v)
        else:
            covered = popcount(data.n_needs[n] & data.v_cover[v])
            need_count = data.n_need_count[n]
            needs_part = np.where(need_count > 0, covered / np.maximum(need_count, 1), 0.0)
        needs_part *= w.needs_skills
        weighted.append(needs_part)

    if w.interests:
        shared = popcount(data.n_interests[n] & data.v_interests[v]).sum(axis=1)
        table = np.array([w.interests * (k / INTERESTS_FULL) for k in range(INTERESTS_FULL + 1)])
        weighted.append(table.take(np.minimum(shared, INTERESTS_FULL)))

    if w.age and data.n_age_years is not None:
        gap = np.abs(data.n_age_years.take(n) - data.v_age_years.take(v))
        table = np.array(
            [w.age * max(0.0, 1.0 - d / AGE_SPAN_YEARS) for d in range(AGE_TABLE)] + [0.0]
        )
        weighted.append(table.take(np.minimum(gap, AGE_TABLE)))
    elif w.age:
        with np.errstate(invalid="ignore"):
            age_part = np.maximum(0.0, 1.0 - np.abs(data.n_age[n] - data.v_age[v]) / AGE_SPAN_YEARS)
        age_part = np.nan_to_num(age_part, nan=0.0)
        age_part *= w.age
        weighted.append(age_part)

    if w.language_level:
        closeness = [
            w.language_level * language_closeness(r, programme.min_rank)
            for r in range(NATIVE_RANK + 1)
        ]
        best = data.best_level(n, v) if data.best_level is not None else best_levels(data, n, v)
        weighted.append(np.array(closeness).take(best))

    if w.distance:
        by_hops = np.array([w.distance * x for x in (1.0, NEIGHBOUR_CLOSENESS, 0.0)])
        size = data.reach.shape[1]
        table = by_hops[data.reach].ravel()
        weighted.append(table.take(data.n_district.take(n) * size + data.v_district.take(v)))

    if w.waiting_time:
        weighted.append(data.n_waiting.take(n) * w.waiting_time)
    if w.continuity and data.previous.size:
        codes = data.pair_codes(n, v)
        at = np.minimum(np.searchsorted(data.previous, codes), data.previous.size - 1)
        weighted.append(np.where(data.previous[at] == codes, w.continuity * 1.0, 0.0))

    # In the same order as score_pair, so the floats come out identical (adding 0.0 for a
    # zero weight changes nothing, here or there).
    score = np.full(n.size, BASE_SCORE)
    for part in weighted:
        score += part
    return score
