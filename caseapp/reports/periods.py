"""Report periods: calendar years, quarters and months, and nothing in between (pure).

Only these fixed periods exist, so two periods are either disjoint or one contains the
other as a sum of its parts, which the suppressed cube covers (see suppression.py). Their
boundaries are local dates (Europe/Berlin); `bounds_utc` turns them into instants for
columns stored in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from caseapp.core.clock import OFFICE_TZ

YEAR, QUARTER, MONTH = "year", "quarter", "month"
_KEY = re.compile(r"^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$")
MIN_YEAR, MAX_YEAR = 2000, 2099


@dataclass(frozen=True)
class Period:
    year: int
    kind: str = YEAR
    number: int = 0  # quarter 1-4 or month 1-12; 0 for a year

    @classmethod
    def parse(cls, key: str | None) -> Period | None:
        """A period from its key ("2026", "2026-Q3" or "2026-07"); None for anything else."""
        match = _KEY.match((key or "").strip())
        if not match:
            return None
        year = int(match.group(1))
        if not MIN_YEAR <= year <= MAX_YEAR:
            return None
        if match.group(2):
            return cls(year, QUARTER, int(match.group(2)))
        if match.group(3):
            return cls(year, MONTH, int(match.group(3)))
        return cls(year)

    @property
    def key(self) -> str:
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.number}"
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        return str(self.year)

    @property
    def start(self) -> date:
        if self.kind == QUARTER:
            return date(self.year, 3 * self.number - 2, 1)
        if self.kind == MONTH:
            return date(self.year, self.number, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        if self.kind == YEAR or (self.kind == QUARTER and self.number == 4):
            return date(self.year + 1, 1, 1)
        if self.kind == QUARTER:
            return date(self.year, 3 * self.number + 1, 1)
        if self.number == 12:
            return date(self.year + 1, 1, 1)
        return date(self.year, self.number + 1, 1)

    def months(self) -> list[Period]:
        first = self.start.month
        count = {YEAR: 12, QUARTER: 3, MONTH: 1}[self.kind]
        return [Period(self.year, MONTH, m) for m in range(first, first + count)]

    def parts(self) -> list[Period]:
        """The next finer periods: a year's quarters, a quarter's months; a month has none."""
        if self.kind == YEAR:
            return [Period(self.year, QUARTER, q) for q in range(1, 5)]
        if self.kind == QUARTER:
            return self.months()
        return []

    def quarter(self) -> Period:
        return Period(self.year, QUARTER, (self.start.month - 1) // 3 + 1)

    def same_last_year(self) -> Period:
        return Period(self.year - 1, self.kind, self.number)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def __str__(self) -> str:
        return self.key


def year_periods(year: int) -> list[Period]:
    """Every period of a year: its 12 months, 4 quarters and the year (the cube's period axis)."""
    whole = Period(year)
    return [*whole.months(), *whole.parts(), whole]


def local_midnight_utc(day: date) -> datetime:
    """The instant a local (Berlin) day begins, in UTC."""
    return datetime.combine(day, time(0), tzinfo=OFFICE_TZ).astimezone(UTC)


def month_bounds_utc(year: int) -> list[datetime]:
    """The 13 instants at which the months of `year` begin and the year ends, in UTC."""
    starts = [date(year, m, 1) for m in range(1, 13)] + [date(year + 1, 1, 1)]
    return [local_midnight_utc(d) for d in starts]


def month_bounds(year: int) -> list[date]:
    starts = [date(year, m, 1) for m in range(1, 13)]
    return [*starts, date(year + 1, 1, 1)]


def latest_complete_year(today: date) -> int:
    return today.year - 1
