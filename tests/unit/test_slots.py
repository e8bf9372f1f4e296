"""Slot arithmetic without app or database: opening hours, free slots, overlaps, time rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from caseapp.appointments.slots import (
    BERLIN,
    Hours,
    Interval,
    free_slots,
    opening_intervals,
    overlaps,
    time_problems,
    week_days,
    within_opening_hours,
)

MONDAY = date(2026, 11, 23)
HOURS = [
    Hours(0, time(8), time(12)),
    Hours(0, time(13, 30), time(16)),
    Hours(3, time(14), time(18)),
]


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=BERLIN)


def test_overlap_is_half_open():
    assert overlaps(at(MONDAY, 9), at(MONDAY, 10), at(MONDAY, 9, 30), at(MONDAY, 11))
    assert not overlaps(at(MONDAY, 9), at(MONDAY, 10), at(MONDAY, 10), at(MONDAY, 11))
    assert overlaps(at(MONDAY, 9), at(MONDAY, 12), at(MONDAY, 10), at(MONDAY, 11))


def test_opening_intervals_of_a_day():
    assert opening_intervals(MONDAY, HOURS) == [
        Interval(at(MONDAY, 8), at(MONDAY, 12)),
        Interval(at(MONDAY, 13, 30), at(MONDAY, 16)),
    ]
    assert opening_intervals(MONDAY + timedelta(days=1), HOURS) == []


def test_free_slots_follow_opening_hours_and_skip_busy_times():
    busy = [Interval(at(MONDAY, 9), at(MONDAY, 10))]
    slots = free_slots(MONDAY, HOURS, busy, timedelta(minutes=60))
    starts = [s.start.astimezone(BERLIN).strftime("%H:%M") for s in slots]
    assert starts == ["08:00", "10:00", "11:00", "13:30", "14:30"]
    assert all(s.end - s.start == timedelta(hours=1) for s in slots)


def test_free_slots_with_step_and_not_before():
    slots = free_slots(
        MONDAY,
        HOURS,
        [],
        timedelta(minutes=45),
        step=timedelta(minutes=30),
        not_before=at(MONDAY, 10, 15),
    )
    starts = [s.start.strftime("%H:%M") for s in slots]
    assert starts[:3] == ["10:30", "11:00", "13:30"]  # 11:30 + 45 min would pass 12:00


def test_no_slots_on_closed_days_or_for_zero_duration():
    assert free_slots(MONDAY + timedelta(days=1), HOURS, [], timedelta(minutes=30)) == []
    assert free_slots(MONDAY, HOURS, [], timedelta(0)) == []


def test_within_opening_hours_uses_local_time_across_dst():
    # 30 March 2026 is after the switch to summer time: 08:00 local is 06:00 UTC.
    summer_monday = date(2026, 3, 30)
    start = datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
    assert within_opening_hours(start, start + timedelta(minutes=30), HOURS)
    assert not within_opening_hours(start - timedelta(minutes=30), start, HOURS)  # 07:30 local
    # One period only: an appointment spanning the lunch break is outside the hours.
    assert not within_opening_hours(at(summer_monday, 11, 30), at(summer_monday, 14), HOURS)


def test_time_problems():
    now = at(MONDAY, 9)
    assert time_problems(at(MONDAY, 10), 30, now, HOURS) == {}
    assert time_problems(at(MONDAY, 8), 30, now, HOURS) == {"starts_at": "in_past"}
    assert time_problems(at(MONDAY, 12), 30, now, HOURS) == {"starts_at": "outside_hours"}
    assert time_problems(at(MONDAY, 10), 0, now, HOURS) == {"duration_minutes": "end_before_start"}
    assert time_problems(at(MONDAY, 10), 600, now, HOURS) == {"duration_minutes": "too_long"}


def test_week_days_start_on_monday():
    assert week_days(date(2026, 11, 26)) == [MONDAY + timedelta(days=n) for n in range(7)]
