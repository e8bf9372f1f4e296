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


class CappedPage:
    """A page of results whose total is counted only up to a cap.

    Counting every match of a broad filter over 100,000 records costs more than showing the
    page; beyond the cap the list says "more than N" and still pages on.
    """

    def __init__(self, items, page: int, per_page: int, total: int, capped: bool):
        self.items, self.page, self.per_page = items, page, per_page
        self.total, self.capped = total, capped

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def iter_pages(self, *, left_edge=1, left_current=2, right_current=2, right_edge=1):
        last = 0
        for num in range(1, self.pages + 1):
            if (
                num <= left_edge
                or self.page - left_current <= num <= self.page + right_current
                or num > self.pages - right_edge
            ):
                if last + 1 != num:
                    yield None
                yield num
                last = num


def paginate_capped(stmt, cap: int = 2_000) -> CappedPage:
    from sqlalchemy import func, literal, select

    per_page = current_app.config["ITEMS_PER_PAGE"]
    page = max(1, request.args.get("page", 1, type=int) or 1)
    limited = stmt.order_by(None).with_only_columns(literal(1)).limit(cap + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(limited)) or 0
    capped = total > cap
    total = min(total, cap)
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return CappedPage(items, page, per_page, total, capped)
