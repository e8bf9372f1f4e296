"""Numbers, amounts, dates and times as people type them, read in their language.

Arabic-Indic and Eastern Arabic-Indic digits become 0-9 (caseapp.i18n.ascii_digits); amounts
are read with Babel for the reader's locale ("25,50" in German, "25.50" in English, "٢٥٫٥٠"
in Arabic); dates are typed as the language writes them (31.12.2026, 31/12/2026) or as ISO.
BaseForm (web/forms.py) applies this to every number, date, time and code field.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from babel import Locale
from babel.numbers import NumberFormatError, format_decimal, parse_decimal

from caseapp.i18n import ascii_digits

# How each language writes a date and a time in a form field (and what it shows back).
DATE_INPUT = {"de": "%d.%m.%Y", "tr": "%d.%m.%Y", "ar": "%d/%m/%Y", "en": "%d/%m/%Y"}
TIME_INPUT = "%H:%M"
# Also read, in every language: ISO (what a date picker or a link sends) and the other
# day-first separators.
_OTHER_DATES = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y")
_TIMES = ("%H:%M", "%H:%M:%S", "%H.%M")

# Arabic decimal and thousands separators, and the Arabic comma typed as a decimal comma.
_ARABIC_DECIMAL = "\u066b\u060c"
_ARABIC_GROUP = "\u066c"
_NOISE = re.compile(r"[\s\u00a0\u202f\u200e\u200f€]|EUR", re.IGNORECASE)
_PLAIN_DECIMAL = re.compile(r"(-?\d+)[.,](\d{1,2})")
_AMOUNT_SHAPE = re.compile(r"[-+]?\d[\d.,'’]*")


def date_input_format(language: str) -> str:
    return DATE_INPUT.get(language, DATE_INPUT["de"])


def date_formats(language: str) -> list[str]:
    """What a date field reads, the language's own way first (it is also shown back)."""
    own = date_input_format(language)
    return [own, *(f for f in _OTHER_DATES if f != own)]


def datetime_formats(language: str) -> list[str]:
    """Date and time in one field: "31.12.2026 14:30", "2026-12-31T14:30" (a link), …"""
    formats = []
    for day in date_formats(language):
        for time in _TIMES[:2]:
            formats += [f"{day} {time}", f"{day}T{time}"]
    return formats


def time_formats() -> list[str]:
    return list(_TIMES)


def example_date(language: str, day: date) -> str:
    return day.strftime(date_input_format(language))


def example_datetime(language: str, moment: datetime) -> str:
    return moment.strftime(f"{date_input_format(language)} {TIME_INPUT}")


def parse_amount(text: str, language: str) -> Decimal:
    """An amount as typed; NumberFormatError (a ValueError) if it is not one.

    The locale decides first (strictly, so "25.50" is not 2550 in German); a single dot or
    comma followed by one or two digits is a decimal separator in any language."""
    locale = Locale.parse(language)
    symbols = locale.number_symbols.get("latn", locale.number_symbols)
    decimal_sign, group_sign = symbols.get("decimal", "."), symbols.get("group", ",")
    cleaned = ascii_digits(text or "")
    for mark in _ARABIC_DECIMAL:
        cleaned = cleaned.replace(mark, decimal_sign)
    cleaned = cleaned.replace(_ARABIC_GROUP, group_sign)
    cleaned = _NOISE.sub("", cleaned)
    if not _AMOUNT_SHAPE.fullmatch(cleaned):  # no exponents, no NaN or Infinity
        raise NumberFormatError(f"not an amount: {cleaned!r}")
    try:
        return parse_decimal(cleaned, locale=locale, strict=True)
    except NumberFormatError:
        plain = _PLAIN_DECIMAL.fullmatch(cleaned)
        if plain is None:
            raise
        return Decimal(f"{plain.group(1)}.{plain.group(2)}")


def show_amount(value: Decimal | float | int, language: str, places: int | None = 2) -> str:
    """An amount as the language writes it, as a form field shows it back ("25,50")."""
    pattern = "#,##0." + "0" * places if places else "#,##0.##########"
    return format_decimal(value, format=pattern, locale=language)
