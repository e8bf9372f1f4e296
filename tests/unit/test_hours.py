"""Opening hours parsing (pure)."""

from datetime import time

import pytest

from caseapp.core.errors import ValidationFailed
from caseapp.offices.hours import HoursInvalid, format_ranges, parse_ranges


def test_parses_ranges_in_order_with_dots_and_dashes():
    assert parse_ranges("13:30–16:00, 8.00-12:00", "f") == [
        (time(8, 0), time(12, 0)),
        (time(13, 30), time(16, 0)),
    ]


def test_empty_means_closed():
    assert parse_ranges("  ", "f") == []


@pytest.mark.parametrize("text", ["8-12", "25:00-26:00", "12:00-08:00", "08:00-12:00, 11:00-13:00"])
def test_rejects_malformed_or_overlapping(text):
    with pytest.raises(ValidationFailed) as info:
        parse_ranges(text, "hours_0")
    assert "hours_0" in info.value.errors


def test_round_trip():
    ranges = [(time(8, 0), time(12, 0)), (time(14, 0), time(18, 30))]
    assert parse_ranges(format_ranges(ranges), "f") == ranges


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("8-12", "format"),
        ("25:00-26:00", "format"),
        ("12:00-08:00", "order"),
        ("08:00-12:00, 11:00-13:00", "overlap"),
    ],
)
def test_says_why_in_a_code_the_web_layer_words(text, reason):
    with pytest.raises(HoursInvalid) as info:
        parse_ranges(text, "hours_0")
    assert info.value.reason == reason and info.value.errors == {"hours_0": [reason]}
