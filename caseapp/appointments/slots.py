"""Slot arithmetic (pure): opening hours to free slots, overlap checks, time rules.

Datetimes going in and out are aware; opening hours are wall-clock times in the office's
time zone (Europe/Berlin), so a slot at 09:00 stays at 09:00 across daylight-saving changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from caseapp.core.clock import OFFICE_TZ

BERLIN = OFFICE_TZ


@dataclass(frozen=True)
class Hours:
    """One opening-hours row: weekday (Monday = 0), opens, closes (local wall-clock)."""

    weekday: int
    opens: time
    closes: time


@dataclass(frozen=True, order=True)
class Interval:
    start: datetime
    end: datetime

    def overlaps(self, other: Interval) -> bool:
        return overlaps(self.start, self.end, other.start, other.end)


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals: an appointment ending at 10:00 and one starting at 10:00 do not clash."""
    return a_start < b_end and b_start < a_end


def opening_intervals(day: date, hours: list[Hours], tz: ZoneInfo = BERLIN) -> list[Interval]:
    """The office's open periods on one calendar day, as aware datetimes."""
    return sorted(
        Interval(
            datetime.combine(day, h.opens, tzinfo=tz), datetime.combine(day, h.closes, tzinfo=tz)
        )
        for h in hours
        if h.weekday == day.weekday()
    )


def within_opening_hours(
    start: datetime, end: datetime, hours: list[Hours], tz: ZoneInfo = BERLIN
) -> bool:
    """True if [start, end) lies inside one open period of the day it starts on."""
    local_start = start.astimezone(tz)
    return any(
        period.start <= start and end <= period.end
        for period in opening_intervals(local_start.date(), hours, tz)
    )


def free_slots(
    day: date,
    hours: list[Hours],
    busy: list[Interval],
    duration: timedelta,
    *,
    step: timedelta | None = None,
    not_before: datetime | None = None,
    tz: ZoneInfo = BERLIN,
) -> list[Interval]:
    """Slots of `duration` inside the opening hours that overlap nothing in `busy`.

    Candidates start at the opening time and every `step` after it (default: the duration).
    """
    if duration <= timedelta(0):
        return []
    step = step or duration
    slots: list[Interval] = []
    for period in opening_intervals(day, hours, tz):
        start = period.start
        while start + duration <= period.end:
            slot = Interval(start, start + duration)
            late_enough = not_before is None or slot.start >= not_before
            if late_enough and not any(slot.overlaps(b) for b in busy):
                slots.append(slot)
            start = start + step
    return slots


def week_days(day: date) -> list[date]:
    """Monday to Sunday of the week containing `day`."""
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=n) for n in range(7)]


def time_problems(
    start: datetime, duration_minutes: int, now: datetime, hours: list[Hours], tz=BERLIN
) -> dict[str, str]:
    """Field -> problem code for a requested time (translated by the caller)."""
    problems: dict[str, str] = {}
    if duration_minutes <= 0:
        problems["duration_minutes"] = "end_before_start"
        return problems
    if duration_minutes > 8 * 60:
        problems["duration_minutes"] = "too_long"
        return problems
    end = start + timedelta(minutes=duration_minutes)
    if start < now:
        problems["starts_at"] = "in_past"
    elif not within_opening_hours(start, end, hours, tz):
        problems["starts_at"] = "outside_hours"
    return problems
