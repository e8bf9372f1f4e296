"""Jinja filters that isolate interpolated values, so no name, date or number reorders its
neighbours: `<bdi>` in HTML, Unicode isolates (caseapp.i18n.isolate) in plain-text templates.

    {{ person.full_name|bdi }}        a value in its own direction (names, rooms, free text)
    {{ case.case_number|ltr }}        a left-to-right island (phone, case number, code, e-mail)
    {{ a.starts_at|date }}            dates and times isolate themselves (numeric ones as LTR)
    {{ a.starts_at|when }}            weekday, date and time of an appointment
    {{ timespan(a.starts_at, a.ends_at) }}   "10:00–11:00" as one island
    {{ names|join_list }}             each item isolated, joined with the language's separator
    {{ arrow() }}                     → or ← for "old → new" by the reader's direction

A custom Babel pattern (`|date("yyyy-MM-dd")`) gives the plain string, for URLs and values.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

from jinja2 import pass_eval_context
from markupsafe import Markup

from caseapp.i18n import (
    FSI,
    LRI,
    NAMED_FORMATS,
    PDI,
    date_time_separator,
    format_clock,
    format_day,
    format_moment,
    isolate,
    list_separator,
)

_LTR = Markup('<bdi dir="ltr">%s</bdi>')
_AUTO = Markup("<bdi>%s</bdi>")
_WORDY = ("long", "full")  # month and weekday names: the language's own direction


def _isolated(value) -> bool:
    text = str(value)
    return text.startswith(("<bdi", FSI, LRI))


def wrap(eval_ctx, value, *, ltr: bool = False):
    """The value isolated for the template being rendered (HTML or plain text)."""
    if value is None or value == "":
        return ""
    if not eval_ctx.autoescape:
        return isolate(value, ltr=ltr)
    if isinstance(value, Markup) and _isolated(value):
        return value
    return (_LTR if ltr else _AUTO) % value


@pass_eval_context
def bdi(eval_ctx, value):
    return wrap(eval_ctx, value)


@pass_eval_context
def ltr(eval_ctx, value):
    return wrap(eval_ctx, value, ltr=True)


@pass_eval_context
def date_filter(eval_ctx, value, fmt: str = "medium"):
    if value is None or value == "":
        return ""
    if fmt not in NAMED_FORMATS:
        return format_day(value, fmt)
    return wrap(eval_ctx, format_day(value, fmt), ltr=fmt not in _WORDY)


@pass_eval_context
def datetime_filter(eval_ctx, value, fmt: str = "medium"):
    if value is None or value == "":
        return ""
    if fmt not in NAMED_FORMATS:
        return format_moment(value, fmt)
    return wrap(eval_ctx, format_moment(value, fmt), ltr=fmt not in _WORDY)


@pass_eval_context
def time_filter(eval_ctx, value, fmt: str = "short"):
    """A wall-clock time (opening hours): not moved between time zones."""
    if value is None or value == "":
        return ""
    return wrap(eval_ctx, format_clock(value, fmt, rebase=False), ltr=True)


@pass_eval_context
def clock_filter(eval_ctx, value):
    """The Europe/Berlin time of an aware datetime, 24-hour in every language."""
    if value is None or value == "":
        return ""
    return wrap(eval_ctx, format_clock(value, "HH:mm"), ltr=True)


@pass_eval_context
def when_filter(eval_ctx, value):
    """Weekday and date written out, then the time: "Dienstag, 1. Dezember 2026, 10:00"."""
    if value is None or value == "":
        return ""
    day = date_filter(eval_ctx, value, "full")
    separator = date_time_separator()
    if eval_ctx.autoescape:
        return day + Markup.escape(separator) + clock_filter(eval_ctx, value)
    return day + separator + clock_filter(eval_ctx, value)


@pass_eval_context
def timespan(eval_ctx, start, end):
    """From–to as one left-to-right island; datetimes in Europe/Berlin, times as they are."""

    def one(value):
        if isinstance(value, datetime):
            return format_clock(value, "HH:mm")
        return format_clock(value, "short", rebase=False)

    return wrap(eval_ctx, f"{one(start)}\u2013{one(end)}", ltr=True)


@pass_eval_context
def join_list(eval_ctx, items, *, ltr: bool = False):
    """Items isolated one by one and joined with the language's separator (Arabic comma)."""
    parts = [wrap(eval_ctx, item, ltr=ltr) for item in items if item not in (None, "")]
    separator = list_separator()
    if eval_ctx.autoescape:
        return Markup.escape(separator).join(parts)
    return separator.join(parts)


_TAG = re.compile(r"<bdi dir=\"ltr\">|<bdi>|</bdi>|<[^>]*>")
_PLAIN = {'<bdi dir="ltr">': LRI, "<bdi>": FSI, "</bdi>": PDI}


def as_text(value) -> Markup:
    """Rendered HTML as text with isolates for its <bdi> (for <title>, which takes no tags),
    escaped again: a filter block's result is printed as it is."""
    text = _TAG.sub(lambda m: _PLAIN.get(m.group(), ""), str(value))
    return Markup.escape(html.unescape(" ".join(text.split())))


FILTERS = {
    "bdi": bdi,
    "ltr": ltr,
    "date": date_filter,
    "datetime": datetime_filter,
    "time": time_filter,
    "clock": clock_filter,
    "when": when_filter,
    "join_list": join_list,
    "as_text": as_text,
}
GLOBALS = {"timespan": timespan}
