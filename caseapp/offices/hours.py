"""Parsing and formatting opening hours like "08:00-12:00, 13:30-16:00" (pure)."""

from __future__ import annotations

import re
from datetime import time
from itertools import pairwise

from caseapp.core.errors import ValidationFailed
from caseapp.i18n import _

_RANGE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_ranges(text: str, field: str) -> list[tuple[time, time]]:
    """Parse comma-separated ranges; raise ValidationFailed naming `field` if malformed."""
    text = (text or "").strip()
    if not text:
        return []
    ranges: list[tuple[time, time]] = []
    for part in text.split(","):
        match = _RANGE.match(part)
        if not match:
            raise ValidationFailed({field: _("Write times like 08:00-12:00, 13:30-16:00.")})
        h1, m1, h2, m2 = (int(x) for x in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValidationFailed({field: _("Write times like 08:00-12:00, 13:30-16:00.")})
        opens, closes = time(h1, m1), time(h2, m2)
        if closes <= opens:
            raise ValidationFailed({field: _("The closing time must be after the opening time.")})
        ranges.append((opens, closes))
    ranges.sort()
    for (_o1, c1), (o2, _c2) in pairwise(ranges):
        if o2 < c1:
            raise ValidationFailed({field: _("The time ranges overlap.")})
    return ranges


def format_ranges(ranges: list[tuple[time, time]]) -> str:
    return ", ".join(f"{o:%H:%M}-{c:%H:%M}" for o, c in ranges)
