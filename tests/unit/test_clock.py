"""One clock: local dates in Europe/Berlin, freezable, and nothing else reads the time."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

from caseapp.core import clock as core_clock

PACKAGE = Path(__file__).resolve().parents[2] / "caseapp"


def test_local_today_after_midnight_in_berlin_is_the_new_day(clock):
    clock.set(datetime(2027, 2, 14, 23, 30, tzinfo=UTC))  # 00:30 in Berlin (winter time)
    assert clock.today == date(2027, 2, 15)
    clock.set(datetime(2027, 7, 14, 22, 30, tzinfo=UTC))  # 00:30 in Berlin (summer time)
    assert clock.today == date(2027, 7, 15)
    assert clock.now.utcoffset().total_seconds() == 0


def test_naive_freeze_is_berlin_wall_time_and_advance_moves_it(clock):
    clock.set(datetime(2026, 3, 29, 1, 59))  # the night the clocks go forward
    assert clock.now == datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    clock.advance(minutes=2)
    assert core_local_hour() == 3  # 02:01 does not exist; it is 03:01 summer time


def core_local_hour() -> int:
    return core_clock.local_now().hour


def test_to_local_reads_naive_values_as_utc():
    assert core_clock.to_local(datetime(2026, 12, 31, 23, 30)).date() == date(2027, 1, 1)


FORBIDDEN = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
}


def test_nothing_but_core_clock_reads_the_time():
    """`datetime.now()`, `date.today()`, `time.time()` anywhere else would dodge the clock."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "core" / "clock.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and (node.func.value.id, node.func.attr) in FORBIDDEN
            ):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []
