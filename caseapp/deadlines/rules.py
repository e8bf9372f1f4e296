"""Deadline rules: when a deadline falls and when to warn, from dates alone (pure).

A kind's rule derives a person's deadline from one stored date — the residence title's end,
the arrival date plus 36 months, a child's birthday and the region's cut-off date — or says
that a caseworker enters it (`entered`). Month arithmetic keeps the day where the month has
it and otherwise takes the month's last day: 31 Jan + 1 month is 28/29 Feb, 29 Feb 2024 +
36 months is 28 Feb 2027.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from caseapp.core.clock import add_months

ENTERED = "entered"
FROM_DATE = "from_date"  # a stored date plus months and days
CHILD_AGE = "child_age"  # the first cut-off date on or after a birthday, plus months
RULES = (FROM_DATE, CHILD_AGE, ENTERED)

# The stored person dates a rule may start from (columns of persons; birth_date is the
# birth_year/month/day triple).
SOURCES = ("residence_valid_until", "arrived_germany_on", "arrived_municipality_on", "birth_date")


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


@dataclass(frozen=True)
class Rule:
    """How one kind's deadline is found; see the module docstring."""

    rule: str
    source: str = ""
    months: int = 0
    days: int = 0
    age_years: int = 0
    cutoff_month: int = 0
    cutoff_day: int = 0

    @property
    def derived(self) -> bool:
        return self.rule in (FROM_DATE, CHILD_AGE)


def cutoff_in(year: int, month: int, day: int) -> date:
    """The cut-off date in `year` (29 Feb is 28 Feb in other years)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def derive(rule: Rule, start: date | None) -> date | None:
    """The deadline the rule gives for a person whose source date is `start` (None: none)."""
    if start is None or not rule.derived:
        return None
    try:
        if rule.rule == FROM_DATE:
            return add_months(start, rule.months) + timedelta(days=rule.days)
        birthday = add_years(start, rule.age_years)
        cutoff = cutoff_in(birthday.year, rule.cutoff_month, rule.cutoff_day)
        if cutoff < birthday:
            cutoff = cutoff_in(birthday.year + 1, rule.cutoff_month, rule.cutoff_day)
        return add_months(cutoff, rule.months) + timedelta(days=rule.days)
    except (ValueError, OverflowError):  # a date beyond year 9999 or before year 1
        return None


def warning_date(due: date, weeks: int) -> date:
    return due - timedelta(weeks=weeks)


def due_warning(due: date, weeks: tuple[int, ...] | list[int], today: date) -> int | None:
    """The warning to give today: the nearest offset whose date has come, while the deadline
    is not past. A late run gives the nearer warning only, never a stale earlier one."""
    if due < today:
        return None
    for offset in sorted(set(weeks)):
        if today >= warning_date(due, offset):
            return offset
    return None


def parse_weeks(raw: str) -> list[int] | None:
    """ "12, 6" -> [12, 6] (descending, without repeats); None when a part is not a number of
    weeks from 0 to 104."""
    out: set[int] = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 0 <= int(part) <= 104:
            return None
        out.add(int(part))
    return sorted(out, reverse=True)


def iso_week(raw: str) -> tuple[date, date] | None:
    """ "2026-W50" -> (Monday, Sunday) of that ISO week; None when it is not one."""
    try:
        year_part, week_part = raw.split("-W")
        monday = date.fromisocalendar(int(year_part), int(week_part), 1)
    except (ValueError, TypeError):
        return None
    return monday, monday + timedelta(days=6)
