"""The one place that reads the time, so tests can reason about it."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
