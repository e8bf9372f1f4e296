"""Who may interpret at an appointment (hard criteria) and how well (soft score), with reasons."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime

IN_PERSON = "in_person"
PHONE = "phone"
VIDEO = "video"
MODES = (IN_PERSON, PHONE, VIDEO)

# The order in which hard criteria are checked; the first failing one explains a miss.
HARD_CRITERIA = (
    "language",
    "variety",
    "no_pledge",
    "gender",
    "mode",
    "district",
    "availability",
    "booked",
    "declined",
    "over_budget",
)

# Soft weights. Covering an appointment is worth far more than any preference, so the round
# first covers as many appointments as it can, then prefers volunteers, exact varieties and
# the wished gender among equally many.
COVER = 100.0
VOLUNTEER = 20.0
VARIETY = 8.0
GENDER = 6.0
SAME_DISTRICT = 2.0
# A paid interpreter costs this much score per euro (so a cheaper one wins among equals).
PER_EURO = 0.01


@dataclass(frozen=True, slots=True)
class Need:
    """One appointment that needs an interpreter; times are local wall time (naive)."""

    id: Hashable
    office_id: Hashable
    districts: frozenset  # the districts the office serves (may be empty)
    starts_at: datetime
    ends_at: datetime
    language: str  # ISO 639-1, as stored on the appointment
    variety: str = ""  # a code of the shipped list, "" = any variety of the language
    variety_strict: bool = False
    gender: str = ""  # wished gender ("female", "male"), "" = no wish
    gender_strict: bool = False
    mode: str = IN_PERSON

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass(frozen=True, slots=True)
class Booking:
    """Time an interpreter is already taken (an earlier offer or acceptance)."""

    starts_at: datetime
    ends_at: datetime
    office_id: Hashable | None = None
    mode: str = IN_PERSON


@dataclass(frozen=True, slots=True)
class Interpreter:
    id: Hashable
    languages: frozenset[tuple[str, str]]  # (ISO code, variety code or "")
    gender: str = ""
    paid: bool = False
    hourly_rate_cents: int = 0
    districts: frozenset = frozenset()  # empty: goes anywhere in the city
    # (weekday 0 = Monday, from minute, to minute) of local time
    availability: tuple[tuple[int, int, int], ...] = ()
    modes: frozenset[str] = frozenset(MODES)
    pledge: bool = False
    bookings: tuple[Booking, ...] = ()
    declined: frozenset = frozenset()  # need ids this interpreter declined

    def cost_cents(self, need: Need) -> int:
        if not self.paid:
            return 0
        return -(-self.hourly_rate_cents * need.minutes // 60)  # started minutes, rounded up


@dataclass(frozen=True, slots=True)
class Settings:
    travel_minutes: int = 30  # between appointments in person at different offices
    budget_cents: int | None = None  # for paid interpreters in one round; None: no limit


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    reasons: tuple[str, ...] = field(default_factory=tuple)


def _gap(a_office, a_mode, b_office, b_mode, travel: int) -> int:
    if a_mode == IN_PERSON and b_mode == IN_PERSON and a_office != b_office:
        return travel
    return 0


def clash(a: Need | Booking, b: Need | Booking, travel: int) -> bool:
    """Whether one interpreter cannot do both (overlap, or too little time to travel)."""
    gap = _gap(a.office_id, a.mode, b.office_id, b.mode, travel) * 60
    return (
        a.starts_at.timestamp() < b.ends_at.timestamp() + gap
        and b.starts_at.timestamp() < a.ends_at.timestamp() + gap
    )


def available(interpreter: Interpreter, need: Need, windows=None) -> bool:
    """Within one of the interpreter's weekly windows (adjacent ones joined, so morning 8-12
    and afternoon 12-17 cover 11:30-12:30); `windows` is `merged_windows(interpreter)`."""
    if need.starts_at.date() != need.ends_at.date():
        return False
    start = need.starts_at.hour * 60 + need.starts_at.minute
    end = need.ends_at.hour * 60 + need.ends_at.minute
    if windows is None:
        windows = merged_windows(interpreter)
    return any(lo <= start and end <= hi for lo, hi in windows.get(need.starts_at.weekday(), ()))


def merged_windows(interpreter: Interpreter) -> dict[int, list[tuple[int, int]]]:
    out: dict[int, list[tuple[int, int]]] = {}
    for d, lo, hi in sorted(interpreter.availability):
        day = out.setdefault(d, [])
        if day and day[-1][1] >= lo:
            day[-1] = (day[-1][0], max(day[-1][1], hi))
        else:
            day.append((lo, hi))
    return out


def speaks(interpreter: Interpreter, need: Need) -> tuple[bool, bool]:
    """(speaks the language at all, speaks the wished variety)."""
    varieties = {v for code, v in interpreter.languages if code == need.language}
    if not varieties:
        return False, False
    return True, not need.variety or need.variety in varieties


def failures(interpreter: Interpreter, need: Need, travel: int, windows=None) -> list[str]:
    """The hard criteria this interpreter fails for this appointment (budget aside)."""
    failed = []
    language, variety = speaks(interpreter, need)
    if not language:
        failed.append("language")
    elif need.variety_strict and not variety:
        failed.append("variety")
    if not interpreter.pledge:
        failed.append("no_pledge")
    if need.gender and need.gender_strict and interpreter.gender != need.gender:
        failed.append("gender")
    if need.mode not in interpreter.modes:
        failed.append("mode")
    if (
        need.mode == IN_PERSON
        and interpreter.districts
        and need.districts
        and interpreter.districts.isdisjoint(need.districts)
    ):
        failed.append("district")
    if not available(interpreter, need, windows):
        failed.append("availability")
    if interpreter.bookings and any(clash(need, b, travel) for b in interpreter.bookings):
        failed.append("booked")
    if need.id in interpreter.declined:
        failed.append("declined")
    return failed


def score(interpreter: Interpreter, need: Need) -> Scored:
    """The soft score of a pair that meets every hard criterion, with the reasons for it."""
    total, reasons = COVER, []
    if interpreter.paid:
        cost = interpreter.cost_cents(need)
        total -= cost / 100 * PER_EURO
        reasons.append("paid")
    else:
        total += VOLUNTEER
        reasons.append("volunteer")
    if need.variety:
        if speaks(interpreter, need)[1]:
            total += VARIETY
            reasons.append("variety_match")
        else:
            reasons.append("variety_other")
    if need.gender:
        if interpreter.gender == need.gender:
            total += GENDER
            reasons.append("gender_match")
        else:
            reasons.append("gender_other")
    if need.mode == IN_PERSON:
        if not interpreter.districts.isdisjoint(need.districts):
            total += SAME_DISTRICT
            reasons.append("same_district")
    else:
        reasons.append("remote")
    return Scored(round(total, 3), tuple(reasons))
