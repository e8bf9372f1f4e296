"""Profiles of one round as numpy arrays: candidate pairs and their scores without Python loops."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np

from caseapp.matches.engine.bits import PairTable, any_shared, mask_array, pair_table, popcount
from caseapp.matches.engine.scoring import (
    AGE_SPAN_YEARS,
    BASE_SCORE,
    INTERESTS_FULL,
    NATIVE_RANK,
    NEIGHBOUR_CLOSENESS,
    VOLUNTEER_CONSTRAINTS,
    WAITING_CAP_DAYS,
    Districts,
    NewcomerProfile,
    Programme,
    VolunteerProfile,
    language_closeness,
    norm,
    slot_indices,
    usable_languages,
    volunteer_failures,
    waiting_days,
    words,
)
from caseapp.matches.engine.skills import NEED_SKILLS, covering_skill

# Cells per newcomer × volunteer block; bounds the temporary arrays to a few tens of MB.
BLOCK_CELLS = 1 << 22
NEEDS = tuple(NEED_SKILLS)  # one uint64 word of need bits: at most 64 need areas
OUT_OF_REACH = 2  # value in RoundData.reach; 0 = same district, 1 = neighbouring


@dataclass(slots=True)
class RoundData:
    """Newcomers (rows) and volunteers (columns), both sorted by id, encoded for numpy."""

    newcomers: list[NewcomerProfile]
    volunteers: list[VolunteerProfile]
    languages: list[str]
    district_names: list[str]
    reach: np.ndarray  # (D, D) int8: 0 same, 1 neighbouring, 2 out of reach
    n_district: np.ndarray
    n_lang: np.ndarray  # (N, W) bits of languages spoken at a usable level
    n_level: np.ndarray  # (L, N) int8 usable level rank, 0 if not usable (a row per language)
    n_interpreter: np.ndarray
    n_avail: np.ndarray  # uint32 bits of the 21 weekday × daypart slots
    n_pref: np.ndarray  # gender code wanted; -1 none, -2 a gender no volunteer has
    n_needs: np.ndarray  # uint64 bits over NEEDS
    n_need_count: np.ndarray  # distinct needs, including ones no skill can cover
    n_interests: np.ndarray  # (N, WI) bits over interests that both sides mention
    n_age: np.ndarray  # float, NaN if unknown
    n_waiting: np.ndarray  # waiting-time part of the score, 0..1
    v_district: np.ndarray
    v_lang: np.ndarray
    v_level: np.ndarray  # (L, V)
    v_avail: np.ndarray
    v_gender: np.ndarray
    v_cover: np.ndarray  # uint64 bits over NEEDS the volunteer's skills cover
    v_interests: np.ndarray
    v_age: np.ndarray
    v_failed: np.ndarray  # uint16 bits over VOLUNTEER_CONSTRAINTS
    v_free: np.ndarray  # int64 capacity left for this round (after locked pairs)
    excluded: np.ndarray  # sorted int64 codes n*V+v: do-not-rematch and rejected pairs
    rejected: np.ndarray  # sorted int64 codes of rejected pairs only
    previous: np.ndarray  # sorted int64 codes of pairs that already worked together
    # Lookups for the needs part and the best shared level (None: too many kinds, compute).
    needs_part: PairTable | None = None
    best_level: PairTable | None = None
    # Whole-year ages 0..AGE_TABLE-1 as int16 (unknown: far apart), so the age part is a
    # table lookup by the gap; None when some age is not a whole number in that range.
    n_age_years: np.ndarray | None = None
    v_age_years: np.ndarray | None = None

    def pair_codes(self, n: np.ndarray, v: np.ndarray) -> np.ndarray:
        return n.astype(np.int64) * max(1, len(self.volunteers)) + v


def encode(
    newcomers: list[NewcomerProfile],
    volunteers: list[VolunteerProfile],
    programme: Programme,
    districts: Districts,
    today: date,
    locked_per_volunteer: Mapping[Hashable, int],
    rejected: Iterable[tuple[Hashable, Hashable]],
) -> RoundData:
    """Encode profiles (already sorted by id) for one round of one programme."""
    min_rank = programme.min_rank
    n_langs = [usable_languages(n.languages, min_rank) for n in newcomers]
    v_langs = [usable_languages(v.languages, min_rank) for v in volunteers]
    languages = sorted({c for d in n_langs + v_langs for c in d})
    lang_pos = {c: i for i, c in enumerate(languages)}
    lang_words = max(1, (len(languages) + 63) // 64)

    names = sorted(
        {n.district for n in newcomers}
        | {v.district for v in volunteers}
        | set(districts.neighbours)
    )
    district_pos = {d: i for i, d in enumerate(names)}
    reach = np.full((len(names), len(names)), OUT_OF_REACH, dtype=np.int8)
    for a, i in district_pos.items():
        reach[i, i] = 0
        for b in districts.neighbours.get(a, ()):
            reach[i, district_pos[b]] = 1

    genders = sorted({norm(v.gender) for v in volunteers})
    gender_pos = {g: i for i, g in enumerate(genders)}

    v_interest_sets = [words(v.interests) for v in volunteers]
    n_interest_sets = [words(n.interests) for n in newcomers]
    # Only interests on both sides can be shared; that keeps the masks short.
    shared_vocab = sorted(set().union(*v_interest_sets) & set().union(*n_interest_sets))
    interest_pos = {w: i for i, w in enumerate(shared_vocab)}
    interest_words = max(1, (len(shared_vocab) + 63) // 64)
    need_pos = {need: i for i, need in enumerate(NEEDS)}

    def levels(langs: list[dict[str, int]]) -> np.ndarray:
        arr = np.zeros((max(1, len(languages)), len(langs)), dtype=np.int8)
        for r, d in enumerate(langs):
            for code, rank in d.items():
                arr[lang_pos[code], r] = rank
        return arr

    n_needs = [dict.fromkeys(x for x in map(norm, n.needs) if x) for n in newcomers]
    v_index = {v.id: j for j, v in enumerate(volunteers)}
    stride = max(1, len(volunteers))  # as in RoundData.pair_codes

    def codes(pairs: Iterable[tuple[int, Hashable]]) -> np.ndarray:
        found = [i * stride + v_index[v] for i, v in pairs if v in v_index]
        return np.unique(np.array(found, dtype=np.int64))

    n_index = {n.id: i for i, n in enumerate(newcomers)}
    rejected_codes = codes((n_index[n], v) for n, v in rejected if n in n_index)
    dnm_codes = codes((i, v) for i, n in enumerate(newcomers) for v in n.do_not_match_ids)

    v_failed = np.zeros(len(volunteers), dtype=np.uint16)
    v_free = np.zeros(len(volunteers), dtype=np.int64)
    for j, v in enumerate(volunteers):
        v_free[j] = max(0, v.free_capacity - locked_per_volunteer.get(v.id, 0))
        failed = volunteer_failures(v, programme, today)
        if v_free[j] <= 0 and "no_capacity" not in failed:
            failed.append("no_capacity")  # locked pairs used up what was left
        v_failed[j] = sum(1 << VOLUNTEER_CONSTRAINTS.index(c) for c in failed)

    def ages(people: list) -> np.ndarray:
        return np.array([np.nan if p.age is None else p.age for p in people], dtype=np.float64)

    data = RoundData(
        newcomers=newcomers,
        volunteers=volunteers,
        languages=languages,
        district_names=names,
        reach=reach,
        n_district=np.array([district_pos[n.district] for n in newcomers], dtype=np.int32),
        n_lang=mask_array([[lang_pos[c] for c in d] for d in n_langs], lang_words),
        n_level=levels(n_langs),
        n_interpreter=np.array([n.interpreter_arranged for n in newcomers], dtype=bool),
        n_avail=np.array(
            [sum(1 << i for i in slot_indices(n.availability)) for n in newcomers],
            dtype=np.uint32,
        ),
        n_pref=np.array(
            [
                gender_pos.get(norm(n.gender_preference), -2) if n.gender_preference else -1
                for n in newcomers
            ],
            dtype=np.int32,
        ),
        n_needs=mask_array([[need_pos[x] for x in d if x in need_pos] for d in n_needs], 1)[:, 0],
        n_need_count=np.array([len(d) for d in n_needs], dtype=np.int64),
        n_interests=mask_array(
            [[interest_pos[w] for w in s if w in interest_pos] for s in n_interest_sets],
            interest_words,
        ),
        n_age=ages(newcomers),
        n_waiting=np.array(
            [min(waiting_days(n, today), WAITING_CAP_DAYS) / WAITING_CAP_DAYS for n in newcomers],
            dtype=np.float64,
        ),
        v_district=np.array([district_pos[v.district] for v in volunteers], dtype=np.int32),
        v_lang=mask_array([[lang_pos[c] for c in d] for d in v_langs], lang_words),
        v_level=levels(v_langs),
        v_avail=np.array(
            [sum(1 << i for i in slot_indices(v.availability)) for v in volunteers],
            dtype=np.uint32,
        ),
        v_gender=np.array([gender_pos[norm(v.gender)] for v in volunteers], dtype=np.int32),
        v_cover=mask_array(
            [
                [
                    i
                    for i, need in enumerate(NEEDS)
                    if covering_skill(need, (*v.skills, v.profession))
                ]
                for v in volunteers
            ],
            1,
        )[:, 0],
        v_interests=mask_array(
            [[interest_pos[w] for w in s if w in interest_pos] for s in v_interest_sets],
            interest_words,
        ),
        v_age=ages(volunteers),
        v_failed=v_failed,
        v_free=v_free,
        excluded=np.union1d(rejected_codes, dnm_codes),
        rejected=rejected_codes,
        previous=codes((i, v) for i, n in enumerate(newcomers) for v in n.previous_volunteer_ids),
    )
    data.n_age_years, data.v_age_years = _age_years(data.n_age, data.v_age)
    if newcomers and volunteers:
        needs = np.column_stack([data.n_needs, data.n_need_count.astype(np.uint64)])
        data.needs_part = pair_table(needs, data.v_cover, _needs_part)
        data.best_level = pair_table(data.n_level.T, data.v_level.T, _best_level)
    return data


AGE_TABLE = 200  # ages from 0 to 199 years


def _age_years(n_age: np.ndarray, v_age: np.ndarray) -> tuple[np.ndarray | None, ...]:
    ages = np.concatenate([n_age, v_age])
    known = ages[~np.isnan(ages)]
    if known.size and not (np.all(known == np.floor(known)) and known.min() >= 0):
        return None, None
    if known.size and known.max() >= AGE_TABLE:
        return None, None
    # Unknown ages: -3000 for newcomers, 3000 for volunteers, so every gap with one is ≥ 2800.
    n_years = np.where(np.isnan(n_age), -3000, n_age).astype(np.int16)
    v_years = np.where(np.isnan(v_age), 3000, v_age).astype(np.int16)
    return n_years, v_years


def _needs_part(needs: np.ndarray, cover: np.ndarray) -> np.ndarray:
    """Share of each need-set (bits, count) that each cover set covers; as in score_pair."""
    counts = needs[:, 1].astype(np.int64)
    covered = popcount(needs[:, 0, None] & cover[None, :, 0])
    return np.where(counts[:, None] > 0, covered / np.maximum(counts, 1)[:, None], 0.0)


def _best_level(n_levels: np.ndarray, v_levels: np.ndarray) -> np.ndarray:
    best = np.zeros((len(n_levels), len(v_levels)), dtype=np.int8)
    for lang in range(n_levels.shape[1]):
        np.maximum(best, np.minimum.outer(n_levels[:, lang], v_levels[:, lang]), out=best)
    return best


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
