"""Profiles, hard constraints and soft score of one newcomer–volunteer pair, explained as codes."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from caseapp.matches.engine.skills import covering_skill
from caseapp.matches.engine.vocabulary import (  # noqa: F401  (re-exported: the engine's vocabulary)
    ALL_SLOTS,
    DAYPARTS,
    LEVELS,
    NATIVE_RANK,
    level_rank,
    norm,
    slot_index,
    slot_indices,
    usable_languages,
    words,
)

# Codes in the order hard_check reports them; the first five depend on the volunteer alone.
HARD_CONSTRAINTS = (
    "inactive",
    "not_approved",
    "not_trained",
    "good_conduct_missing_or_expired",
    "no_capacity",
    "out_of_reach",
    "no_shared_language",
    "gender_preference",
    "no_common_availability",
    "do_not_rematch",
)
VOLUNTEER_CONSTRAINTS = HARD_CONSTRAINTS[:5]

# What a coordinator could change so that a near-miss volunteer fits (codes, translated later).
FIX_HINTS = {
    "inactive": "reactivate_volunteer",
    "not_approved": "approve_for_programme",
    "not_trained": "complete_training",
    "good_conduct_missing_or_expired": "renew_good_conduct",
    "no_capacity": "raise_capacity",
    "out_of_reach": "extend_reach",
    "no_shared_language": "arrange_interpreter",
    "gender_preference": "ask_about_gender_preference",
    "no_common_availability": "align_availability",
}

# Every candidate pair is worth this much before weights, so with all weights zero the round
# still prefers matching more people to matching fewer.
BASE_SCORE = 1.0
WAITING_CAP_DAYS = 365  # waiting longer than a year raises priority no further
AGE_SPAN_YEARS = 30  # an age gap this large or larger earns nothing
SIMILAR_AGE_YEARS = 10  # gaps up to this are worth mentioning in the explanation
INTERESTS_FULL = 3  # three shared interests earn the full interest weight
NEIGHBOUR_CLOSENESS = 0.5  # a neighbouring district earns half the distance weight


@dataclass(frozen=True, slots=True)
class Reason:
    """One fact behind a proposal or a non-match; the Flask layer turns it into words."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    points: float = 0.0  # share of the score this fact earned (0 for plain facts)


@dataclass(frozen=True, slots=True)
class ScoredPair:
    score: float
    parts: tuple[Reason, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Weights:
    """How much each soft criterion counts; a coordinator adjusts them per programme."""

    needs_skills: float = 3.0
    interests: float = 1.0
    age: float = 0.5
    language_level: float = 1.0
    distance: float = 1.0
    waiting_time: float = 2.0
    continuity: float = 2.0

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ValueError(f"weight {name} must be a finite number >= 0, not {value!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Programme:
    """What a round needs to know about a programme (its kind or code, rules and weights)."""

    code: str
    requires_good_conduct: bool = False
    weights: Weights = field(default_factory=Weights)
    min_language_level: str = "A2"  # both must speak a shared language at least this well

    def __post_init__(self) -> None:
        if not level_rank(self.min_language_level):
            raise ValueError(f"unknown language level {self.min_language_level!r}")

    @property
    def min_rank(self) -> int:
        return level_rank(self.min_language_level)


@dataclass(frozen=True, slots=True)
class Districts:
    """Which districts neighbour which; reach is the same or a neighbouring district."""

    neighbours: Mapping[str, Iterable[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Made symmetric so that listing a neighbour once is enough.
        sym: dict[str, set[str]] = {}
        for district, near in self.neighbours.items():
            for other in near:
                if other != district:
                    sym.setdefault(district, set()).add(other)
                    sym.setdefault(other, set()).add(district)
        object.__setattr__(self, "neighbours", {d: frozenset(n) for d, n in sym.items()})

    def distance(self, a: str, b: str) -> int | None:
        """0 for the same district, 1 for neighbours, None when out of reach."""
        if a == b:
            return 0
        return 1 if b in self.neighbours.get(a, ()) else None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewcomerProfile:
    """A newcomer (or household, or housing unit for Kümmerer) waiting for a programme."""

    id: Hashable
    programme: str
    languages: Mapping[str, str]  # ISO 639-1 code → "A1".."C2" or "native"
    district: str
    waiting_since: date
    gender: str = ""
    gender_preference: str | None = None  # the volunteer gender wanted, if any
    age: int | None = None
    needs: tuple[str, ...] = ()  # need-area codes, see NEED_SKILLS
    interests: tuple[str, ...] = ()
    availability: frozenset[Any] = ALL_SLOTS
    interpreter_arranged: bool = False
    previous_volunteer_ids: frozenset[Hashable] = frozenset()
    do_not_match_ids: frozenset[Hashable] = frozenset()
    household_size: int = 1  # informational: a household takes one capacity slot


@dataclass(frozen=True, slots=True, kw_only=True)
class VolunteerProfile:
    """A volunteer as a round sees them; capacity counts newcomers, not hours."""

    id: Hashable
    languages: Mapping[str, str]
    district: str
    approved_programmes: frozenset[str] = frozenset()
    trained_programmes: frozenset[str] = frozenset()
    good_conduct_valid_until: date | None = None
    capacity: int = 1
    active_matches: int = 0
    gender: str = ""
    age: int | None = None
    skills: tuple[str, ...] = ()
    profession: str = ""
    interests: tuple[str, ...] = ()
    availability: frozenset[Any] = ALL_SLOTS
    active: bool = True

    @property
    def free_capacity(self) -> int:
        return max(0, self.capacity - self.active_matches)


def volunteer_failures(volunteer: VolunteerProfile, programme: Programme, today: date) -> list[str]:
    """Failed constraints that depend on the volunteer alone, in HARD_CONSTRAINTS order."""
    failed = []
    if not volunteer.active:
        failed.append("inactive")
    if programme.code not in volunteer.approved_programmes:
        failed.append("not_approved")
    if programme.code not in volunteer.trained_programmes:
        failed.append("not_trained")
    if programme.requires_good_conduct and (
        volunteer.good_conduct_valid_until is None or volunteer.good_conduct_valid_until < today
    ):
        failed.append("good_conduct_missing_or_expired")
    if volunteer.free_capacity <= 0:
        failed.append("no_capacity")
    return failed


def gender_ok(newcomer: NewcomerProfile, volunteer: VolunteerProfile) -> bool:
    wanted = norm(newcomer.gender_preference or "")
    return not wanted or wanted == norm(volunteer.gender)


def hard_check(
    newcomer: NewcomerProfile,
    volunteer: VolunteerProfile,
    programme: Programme,
    districts: Districts,
    today: date,
) -> tuple[str, ...]:
    """Codes of the hard constraints the pair fails; empty means the pair is a candidate."""
    failed = volunteer_failures(volunteer, programme, today)
    if districts.distance(newcomer.district, volunteer.district) is None:
        failed.append("out_of_reach")
    shared = (
        usable_languages(newcomer.languages, programme.min_rank).keys()
        & usable_languages(volunteer.languages, programme.min_rank).keys()
    )
    if not shared and not newcomer.interpreter_arranged:
        failed.append("no_shared_language")
    if not gender_ok(newcomer, volunteer):
        failed.append("gender_preference")
    if not slot_indices(newcomer.availability) & slot_indices(volunteer.availability):
        failed.append("no_common_availability")
    if volunteer.id in newcomer.do_not_match_ids:
        failed.append("do_not_rematch")
    return tuple(failed)


def waiting_days(newcomer: NewcomerProfile, today: date) -> int:
    return max(0, (today - newcomer.waiting_since).days)


def language_closeness(best_rank: int, min_rank: int) -> float:
    """0 at the programme's minimum level, 1 when both speak it natively."""
    if best_rank < min_rank or best_rank <= 0:
        return 0.0
    return 1.0 if min_rank >= NATIVE_RANK else (best_rank - min_rank) / (NATIVE_RANK - min_rank)


def age_closeness(a: int | None, b: int | None) -> float:
    if a is None or b is None:
        return 0.0
    return max(0.0, 1.0 - abs(a - b) / AGE_SPAN_YEARS)


def score_pair(
    newcomer: NewcomerProfile,
    volunteer: VolunteerProfile,
    programme: Programme,
    districts: Districts,
    today: date,
) -> ScoredPair:
    """Soft score of a pair (BASE_SCORE plus weighted criteria, each 0..1) and its reasons.

    Hard constraints are not checked here (see hard_check). The formula is mirrored,
    operation for operation, by the vectorised scoring of a round (features.py).
    """
    w = programme.weights
    facts: list[Reason] = []

    needs = list(dict.fromkeys(n for n in map(norm, newcomer.needs) if n))
    skills = (*volunteer.skills, volunteer.profession)
    covered = [(n, s) for n in needs if (s := covering_skill(n, skills)) is not None]
    needs_part = len(covered) / len(needs) if needs else 0.0
    for need, skill in covered:
        facts.append(
            Reason("needs_skill", {"need": need, "skill": skill}, w.needs_skills / len(needs))
        )

    shared_interests = sorted(words(newcomer.interests) & words(volunteer.interests))
    interests_part = min(len(shared_interests), INTERESTS_FULL) / INTERESTS_FULL
    if shared_interests:
        facts.append(
            Reason(
                "shared_interests", {"interests": shared_interests}, w.interests * interests_part
            )
        )

    age_part = age_closeness(newcomer.age, volunteer.age)
    if newcomer.age is not None and volunteer.age is not None:
        gap = abs(newcomer.age - volunteer.age)
        if gap <= SIMILAR_AGE_YEARS:
            facts.append(Reason("similar_age", {"difference": gap}, w.age * age_part))

    min_rank = programme.min_rank
    mine = usable_languages(newcomer.languages, min_rank)
    theirs = usable_languages(volunteer.languages, min_rank)
    shared = sorted(
        ((min(mine[c], theirs[c]), c) for c in mine.keys() & theirs.keys()),
        key=lambda rc: (-rc[0], rc[1]),
    )
    best = shared[0][0] if shared else 0
    language_part = language_closeness(best, min_rank)
    if shared:
        params = {"language": shared[0][1], "level": LEVELS[best - 1]}
        facts.append(Reason("shared_language", params, w.language_level * language_part))
    elif newcomer.interpreter_arranged:
        facts.append(Reason("interpreter_arranged"))

    distance = districts.distance(newcomer.district, volunteer.district)
    distance_part = 1.0 if distance == 0 else NEIGHBOUR_CLOSENESS if distance == 1 else 0.0
    if distance is not None:
        code = "same_district" if distance == 0 else "neighbouring_district"
        facts.append(Reason(code, {"district": volunteer.district}, w.distance * distance_part))

    days = waiting_days(newcomer, today)
    waiting_part = min(days, WAITING_CAP_DAYS) / WAITING_CAP_DAYS
    if days:
        facts.append(Reason("waited_days", {"days": days}, w.waiting_time * waiting_part))

    continuity_part = 1.0 if volunteer.id in newcomer.previous_volunteer_ids else 0.0
    if continuity_part:
        facts.append(Reason("continuity", {}, w.continuity))

    common = sorted(slot_indices(newcomer.availability) & slot_indices(volunteer.availability))
    if common:
        # A few examples are enough for the explanation; the count tells the rest.
        slots = [[i // 3, DAYPARTS[i % 3]] for i in common[:3]]
        facts.append(Reason("common_times", {"count": len(common), "slots": slots}))

    # Same order of operations as features.score_pairs so both give the same float.
    score = BASE_SCORE
    score = score + w.needs_skills * needs_part
    score = score + w.interests * interests_part
    score = score + w.age * age_part
    score = score + w.language_level * language_part
    score = score + w.distance * distance_part
    score = score + w.waiting_time * waiting_part
    score = score + w.continuity * continuity_part
    # Strongest reason first; equal ones keep the order above.
    facts.sort(key=lambda r: -r.points)
    return ScoredPair(score, tuple(facts))
