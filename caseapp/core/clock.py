"""The one place that reads the time, so tests (and everyone else) can reason about it.

Every "now" and "today" in `caseapp/` comes from here:

- `utcnow()` — the current instant, timezone-aware UTC (what is stored);
- `local_now()` — the same instant in the offices' time zone (Europe/Berlin);
- `local_today()` — today's date in Europe/Berlin. Dates that people see and type ("today",
  due dates, the hours form, "today's appointments") are local dates: between midnight and
  01:00/02:00 Berlin time the UTC date is still yesterday.

Tests freeze the clock with `freeze(instant)` (the `clock` fixture in tests/conftest.py) and
move it with `advance(...)`; nothing else in the code base calls `datetime.now()` or
`date.today()`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

# The offices' time zone: dates people see and type ("today", due dates) are local dates.
OFFICE_TZ = ZoneInfo("Europe/Berlin")

_frozen: datetime | None = None


def utcnow() -> datetime:
    """The current instant in UTC (timezone-aware)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC)


def local_now() -> datetime:
    """The current instant in the offices' time zone (timezone-aware)."""
    return utcnow().astimezone(OFFICE_TZ)


def local_today() -> date:
    """Today in the offices' time zone."""
    return local_now().date()


def to_local(instant: datetime) -> datetime:
    """A stored instant (naive values are UTC) in the offices' time zone."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(OFFICE_TZ)


# --- control (tests, demo data at a fixed date) ---------------------------------------


def freeze(at: datetime) -> None:
    """Stop the clock at `at` (naive values are read as Europe/Berlin wall time)."""
    global _frozen
    if at.tzinfo is None:
        at = at.replace(tzinfo=OFFICE_TZ)
    _frozen = at.astimezone(UTC)


def advance(delta: timedelta | None = None, **kw: float) -> datetime:
    """Move a frozen clock forward (`advance(minutes=5)`); returns the new instant."""
    if _frozen is None:
        raise RuntimeError("advance() needs a frozen clock")
    freeze(_frozen + (delta or timedelta(**kw)))
    return utcnow()


def unfreeze() -> None:
    global _frozen
    _frozen = None


def is_frozen() -> bool:
    return _frozen is not None


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    previous = _frozen
    freeze(at)
    try:
        yield
    finally:
        globals()["_frozen"] = previous


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months; a day the target month lacks becomes its last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
