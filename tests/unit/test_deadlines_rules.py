"""Deadline rules on fixed dates: month ends, leap days, children's cut-off dates, warnings."""

from __future__ import annotations

from datetime import date

import pytest

from caseapp.deadlines import rules
from caseapp.deadlines.rules import CHILD_AGE, ENTERED, FROM_DATE, Rule


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 2, 29), 36, date(2027, 2, 28)),  # leap day + 36 months: no 29 Feb 2027
        (date(2024, 2, 29), 48, date(2028, 2, 29)),  # ... but 2028 has one
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # month end
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # month end in a leap year
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # across the year
        (date(2026, 3, 31), -1, date(2026, 2, 28)),  # backwards
        (date(2023, 3, 1), 36, date(2026, 3, 1)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_of_the_month(start, months, expected):
    assert rules.add_months(start, months) == expected


def test_benefit_switch_is_arrival_plus_36_months():
    rule = Rule(FROM_DATE, source="arrived_germany_on", months=36)
    assert rules.derive(rule, date(2023, 3, 1)) == date(2026, 3, 1)
    assert rules.derive(rule, date(2024, 2, 29)) == date(2027, 2, 28)
    assert rules.derive(rule, None) is None


def test_residence_title_is_the_stored_date_itself_and_days_move_it():
    assert rules.derive(Rule(FROM_DATE, source="residence_valid_until"), date(2027, 1, 31)) == (
        date(2027, 1, 31)
    )
    assert rules.derive(Rule(FROM_DATE, days=14), date(2026, 12, 20)) == date(2027, 1, 3)


def test_entered_kinds_derive_nothing():
    assert rules.derive(Rule(ENTERED), date(2026, 1, 1)) is None
    assert not Rule(ENTERED).derived


def test_child_age_takes_the_first_cut_off_on_or_after_the_birthday():
    school = Rule(CHILD_AGE, source="birth_date", age_years=6, cutoff_month=9, cutoff_day=30)
    assert rules.derive(school, date(2020, 9, 30)) == date(2026, 9, 30)  # on the day: this year
    assert rules.derive(school, date(2020, 10, 1)) == date(2027, 9, 30)  # a day late: next year
    earlier = Rule(
        CHILD_AGE, source="birth_date", age_years=6, cutoff_month=9, cutoff_day=30, months=-10
    )
    assert rules.derive(earlier, date(2020, 5, 1)) == date(2025, 11, 30)


def test_a_leap_day_cut_off_is_the_28th_in_other_years():
    rule = Rule(CHILD_AGE, age_years=1, cutoff_month=2, cutoff_day=29)
    assert rules.derive(rule, date(2025, 1, 10)) == date(2026, 2, 28)
    assert rules.derive(rule, date(2023, 1, 10)) == date(2024, 2, 29)
    # Born on a leap day: the first birthday is 28 Feb, on the cut-off.
    assert rules.derive(rule, date(2024, 2, 29)) == date(2025, 2, 28)


def test_due_warning_is_the_nearest_offset_whose_date_has_come():
    due = date(2027, 3, 1)
    weeks = [12, 6]
    assert rules.due_warning(due, weeks, date(2026, 12, 6)) is None  # 12 weeks + 1 day before
    assert rules.due_warning(due, weeks, date(2026, 12, 7)) == 12  # exactly 12 weeks before
    assert rules.due_warning(due, weeks, date(2027, 1, 17)) == 12
    assert rules.due_warning(due, weeks, date(2027, 1, 18)) == 6
    assert rules.due_warning(due, weeks, due) == 6  # the day itself
    assert rules.due_warning(due, weeks, date(2027, 3, 2)) is None  # past: missed, no warning


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12, 6", [12, 6]), ("6,12,6", [12, 6]), ("", []), ("4; 1", [4, 1]), ("x", None)],
)
def test_parse_weeks(raw, expected):
    assert rules.parse_weeks(raw) == expected


def test_iso_week():
    assert rules.iso_week("2026-W53") == (date(2026, 12, 28), date(2027, 1, 3))
    assert rules.iso_week("2026-W60") is None
    assert rules.iso_week("nonsense") is None
