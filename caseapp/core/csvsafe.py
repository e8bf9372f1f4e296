"""Spreadsheet formula injection: cells a spreadsheet would run as a formula.

A name like `=HYPERLINK("http://…","Klick")` typed into a form or imported from a CSV would
become a live formula when an office opens an export in Excel or LibreOffice. Names may not
start with these characters at all (people/validation.py), and every CSV Lotse writes passes
its cells through `safe_cell`, which puts an apostrophe in front (OWASP's advice).
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(value: str | None) -> bool:
    return bool(value) and value.lstrip(" ")[:1] in {"=", "+", "-", "@"}


def safe_cell(value):
    """The value as a CSV cell that no spreadsheet runs as a formula."""
    if isinstance(value, str) and value[:1] in FORMULA_START:
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]
