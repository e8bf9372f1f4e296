"""Parsing and formatting opening hours like "08:00-12:00, 13:30-16:00" (pure).

A malformed entry raises HoursInvalid with a reason code; the offices views word it.
"""

from __future__ import annotations

import re
from datetime import time
from itertools import pairwise

from caseapp.core.errors import ValidationFailed

_RANGE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})\s*$")


class HoursInvalid(ValidationFailed):
    """Opening hours that cannot be read: `reason` is "format" (not like 08:00-12:00), "order"
    (closes before it opens) or "overlap"; `errors` names the field with that code."""

    def __init__(self, field: str, reason: str):
        super().__init__({field: reason})
        self.reason = reason


def parse_ranges(text: str, field: str) -> list[tuple[time, time]]:
    """Parse comma-separated ranges; raise HoursInvalid naming `field` if malformed."""
    text = (text or "").strip()
    if not text:
        return []
    ranges: list[tuple[time, time]] = []
    for part in text.split(","):
        match = _RANGE.match(part)
        if not match:
            raise HoursInvalid(field, "format")
        h1, m1, h2, m2 = (int(x) for x in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise HoursInvalid(field, "format")
        opens, closes = time(h1, m1), time(h2, m2)
        if closes <= opens:
            raise HoursInvalid(field, "order")
        ranges.append((opens, closes))
    ranges.sort()
    for (_o1, c1), (o2, _c2) in pairwise(ranges):
        if o2 < c1:
            raise HoursInvalid(field, "overlap")
    return ranges


def format_ranges(ranges: list[tuple[time, time]]) -> str:
    return ", ".join(f"{o:%H:%M}-{c:%H:%M}" for o, c in ranges)
