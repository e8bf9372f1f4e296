"""Sorting and pagination of list pages from whitelisted query arguments."""

from __future__ import annotations

from flask import current_app, request

from caseapp.extensions import db


def sort_clause(allowed: dict, default: str):
    """`?sort=name` or `?sort=-name`; unknown keys fall back to the default."""
    raw = request.args.get("sort", default)
    key = raw.lstrip("-")
    if key not in allowed:
        raw, key = default, default.lstrip("-")
    column = allowed[key]
    return (column.desc() if raw.startswith("-") else column.asc()), raw


def paginate(stmt):
    per_page = current_app.config["ITEMS_PER_PAGE"]
    return db.paginate(stmt, per_page=per_page, max_per_page=100, error_out=False)
