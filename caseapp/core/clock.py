"""The one place that reads the time, so tests can reason about it."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# The offices' time zone: dates people see and type ("today", due dates) are local dates.
OFFICE_TZ = ZoneInfo("Europe/Berlin")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today() -> date:
    """Today in the offices' time zone."""
    return datetime.now(OFFICE_TZ).date()
