"""Profiles of one round encoded as numpy arrays (bit masks, ranks, pair tables), once per round."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np

from caseapp.matches.engine.bits import PairTable, mask_array, pair_table, popcount
from caseapp.matches.engine.scoring import (
    VOLUNTEER_CONSTRAINTS,
    WAITING_CAP_DAYS,
    Districts,
    NewcomerProfile,
    Programme,
    VolunteerProfile,
    norm,
    slot_indices,
    usable_languages,
    volunteer_failures,
    waiting_days,
    words,
)
from caseapp.matches.engine.skills import NEED_SKILLS, covering_skill

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
