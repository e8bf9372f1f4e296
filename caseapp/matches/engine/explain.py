"""Why a newcomer stayed unmatched: the main reason, a summary and the closest near-misses."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np

from caseapp.matches.engine import features
from caseapp.matches.engine.scoring import (
    FIX_HINTS,
    HARD_CONSTRAINTS,
    VOLUNTEER_CONSTRAINTS,
    Programme,
    Reason,
    norm,
)

# Failure bits; the volunteer-side ones share their positions with RoundData.v_failed.
CODES = (*HARD_CONSTRAINTS, "rejected")
BIT = {code: i for i, code in enumerate(CODES)}
# Checks computed per newcomer × volunteer block (features.pair_ok plus reach) → their codes.
PAIR_CHECKS = {
    "reach": "out_of_reach",
    "language": "no_shared_language",
    "gender": "gender_preference",
    "availability": "no_common_availability",
}


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A volunteer who almost fits: the constraints failed and what would fix each."""

    volunteer_id: Hashable
    failed: tuple[str, ...]
    fixes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A newcomer left without a proposal.

    `reason` is the first check at which no volunteer remained, in the order programme
    eligibility → reach → language → gender → availability → exclusions; "candidates_taken"
    means candidates existed but the best overall assignment gave them to others.
    `blocked_by` counts, per constraint code, the volunteers that fail it.
    """

    newcomer_id: Hashable
    reason: Reason
    blocked_by: dict[str, int]
    near_misses: tuple[NearMiss, ...]


def _sparse_rows(codes: np.ndarray, n_vol: int, rows: np.ndarray) -> dict[int, np.ndarray]:
    """Volunteer columns per newcomer row for pair codes n*V+v (do-not-rematch, rejected)."""
    if codes.size == 0:
        return {}
    n, v = np.divmod(codes, n_vol)  # codes are sorted, so n is too
    keep = np.isin(n, rows)
    n, v = n[keep], v[keep]
    found, starts = np.unique(n, return_index=True)
    return dict(zip(found.tolist(), np.split(v, starts[1:]), strict=True))


def explain_unmatched(
    data: features.RoundData,
    rows: np.ndarray,
    left: np.ndarray,
    programme: Programme,
    *,
    near_misses: int = 3,
) -> list[Unmatched]:
    """Explanations for the newcomer rows left unmatched; `left` is capacity after the round.

    Near-misses are the volunteers failing the fewest constraints (capacity counted after the
    round), then the nearest, then by id; pairs excluded on purpose (rejected, do not
    re-match) are never suggested.
    """
    n_vol = len(data.volunteers)
    if rows.size == 0:
        return []
    if n_vol == 0:
        return [
            Unmatched(data.newcomers[r].id, Reason("no_volunteers"), {}, ()) for r in rows.tolist()
        ]

    eligible = data.v_failed == 0  # before the round; encode() folded locks into no_capacity
    # Volunteer-side failures do not depend on the newcomer: one bit row for all of them.
    static = data.v_failed | np.where(left <= 0, 1 << BIT["no_capacity"], 0).astype(np.uint16)
    static_bits = [((static >> i) & 1).astype(bool) for i in range(len(VOLUNTEER_CONSTRAINTS))]
    static_count = np.sum(static_bits, axis=0, dtype=np.int8)
    static_summary = {
        c: int(b.sum()) for c, b in zip(VOLUNTEER_CONSTRAINTS, static_bits, strict=True)
    }
    static_codes = [
        tuple(c for c, b in zip(VOLUNTEER_CONSTRAINTS, bits, strict=True) if b)
        for bits in np.column_stack(static_bits).tolist()
    ]
    fallback = None
    if not eligible.any():
        # Name the programme requirement that the most volunteers miss.
        counts = [int(((data.v_failed >> i) & 1).sum()) for i in range(len(VOLUNTEER_CONSTRAINTS))]
        top = VOLUNTEER_CONSTRAINTS[int(np.argmax(counts))]
        fallback = Reason("no_eligible_volunteer", {"programme": programme.code, "failed": top})

    dnm = np.setdiff1d(data.excluded, data.rejected, assume_unique=True)
    sparse = {
        "do_not_rematch": _sparse_rows(dnm, n_vol, rows),
        "rejected": _sparse_rows(data.rejected, n_vol, rows),
    }
    all_cols = np.arange(n_vol, dtype=np.int32)
    never = np.iinfo(np.int32).max
    k = min(near_misses, n_vol)
    # Near-misses: fewest failures, then nearest, then id order, as one int32 key. Its part
    # that does not depend on the newcomer's own pair checks is one row per district; every
    # pair check that holds takes 3 * n_vol off again.
    hops_of = data.reach[:, data.v_district]  # (D, V)
    stride = np.int32(3 * n_vol)
    fails = static_count.astype(np.int32) + (hops_of > 1) + len(PAIR_CHECKS) - 1
    base = (fails * stride + hops_of.astype(np.int32) * np.int32(n_vol) + all_cols).astype(np.int32)
    out: list[Unmatched] = []
    step = max(1, features.BLOCK_CELLS // (2 * n_vol))
    for start in range(0, rows.size, step):
        block = rows[start : start + step]
        ok = features.pair_ok(data, block, all_cols)
        district = data.n_district[block]
        ok["reach"] = hops_of[district] <= 1
        excluded = [
            (idx, cols)
            for idx, r in enumerate(block.tolist())
            for cols in (m[r] for m in sparse.values() if r in m)
        ]

        # Staged: the first check after which no volunteer is left is the main reason.
        alive = eligible[None, :] & ok["reach"]
        stages = [alive.any(axis=1)]
        for name in ("language", "gender", "availability"):
            alive &= ok[name]
            stages.append(alive.any(axis=1))
        for idx, cols in excluded:
            alive[idx, cols] = False
        candidates = np.count_nonzero(alive, axis=1)

        misses_of = {
            name: (n_vol - np.count_nonzero(ok[name], axis=1)).tolist() for name in PAIR_CHECKS
        }
        holds = ok["language"].view(np.int8) + ok["gender"].view(np.int8)
        holds += ok["availability"].view(np.int8)
        key = base[district]
        key -= holds.astype(np.int32) * stride
        for idx, cols in excluded:
            key[idx, cols] = never
        # The k smallest keys in order (keys are unique: the column is part of them).
        nearest = np.zeros((block.size, k), dtype=np.intp)
        near_key = np.zeros((block.size, k), dtype=np.int32)
        at = np.arange(block.size)
        for i in range(k):
            nearest[:, i] = key.argmin(axis=1)
            near_key[:, i] = key[at, nearest[:, i]]
            key[at, nearest[:, i]] = never
        near_key = near_key.tolist()
        near_ok = {n: np.take_along_axis(ok[n], nearest, axis=1).tolist() for n in PAIR_CHECKS}
        stage_rows = np.column_stack(stages).tolist()
        candidates_list = candidates.tolist()

        for idx, (r, cols) in enumerate(zip(block.tolist(), nearest.tolist(), strict=True)):
            if fallback is not None:
                reason = fallback
            else:
                reason = _reason(data, r, stage_rows[idx], candidates_list[idx])
            summary = dict(static_summary)
            summary.update({PAIR_CHECKS[name]: m[idx] for name, m in misses_of.items()})
            summary.update({code: len(m[r]) for code, m in sparse.items() if r in m})
            misses = []
            for i, col in enumerate(cols):
                if near_key[idx][i] == never:
                    continue
                failed = set(static_codes[col])
                failed.update(c for n, c in PAIR_CHECKS.items() if not near_ok[n][idx][i])
                codes = tuple(c for c in CODES if c in failed)
                fixes = tuple(FIX_HINTS[c] for c in codes if c in FIX_HINTS)
                misses.append(NearMiss(data.volunteers[col].id, codes, fixes))
            summary = {c: summary[c] for c in CODES if summary.get(c)}
            out.append(Unmatched(data.newcomers[r].id, reason, summary, tuple(misses)))
    return out


def _reason(data: features.RoundData, row: int, stages: list[bool], candidates: int) -> Reason:
    newcomer = data.newcomers[row]
    in_reach, speaks, gender, available = stages
    if not in_reach:
        return Reason("no_candidate_in_reach", {"district": newcomer.district})
    if not speaks:
        usable = [data.languages[i] for i in np.flatnonzero(data.n_level[:, row]).tolist()]
        spoken = usable or sorted({norm(c) for c in newcomer.languages})
        return Reason("no_candidate_language", {"languages": spoken, "district": newcomer.district})
    if not gender:
        return Reason("no_candidate_gender", {"gender": newcomer.gender_preference})
    if not available:
        return Reason("no_candidate_availability")
    if candidates == 0:
        return Reason("no_candidate_excluded")
    return Reason("candidates_taken", {"candidates": candidates})
