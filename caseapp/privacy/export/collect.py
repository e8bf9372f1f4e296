"""Reading a person's rows of every holding, in batches, as plain JSON-ready dicts.

Rows are read with `yield_per` so an export of a person with tens of thousands of
consultations never holds more than one batch in memory. Keys to offices become the office's
name; keys to staff accounts are left out unless CASEAPP_EXPORT_STAFF_NAMES is set (then the
account's display name), so staff names are withheld by default (docs/data-protection.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from caseapp.extensions import db
from caseapp.privacy.registry import Holding, holdings, person_clause

BATCH = 500


@dataclass(frozen=True)
class Options:
    staff_names: bool = False


def plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return None
    return value


def _lookup(table_name: str, column: str) -> dict[int, str]:
    table = db.metadata.tables[table_name]
    return dict(db.session.execute(select(table.c.id, table.c[column])).all())


class Names:
    """Office names (and, when allowed, staff names) for the keys in exported rows."""

    def __init__(self, options: Options):
        self.options = options
        self._offices: dict[int, str] | None = None
        self._users: dict[int, str] | None = None

    def office(self, office_id):
        if self._offices is None:
            self._offices = _lookup("offices", "name")
        return self._offices.get(office_id)

    def user(self, user_id):
        if self._users is None:
            self._users = _lookup("users", "display_name")
        return self._users.get(user_id)


def _converters(h: Holding, options: dict, keep=()):
    """Per column: (output name, function) or None to leave it out."""
    names: Names = options["names"]
    out = []
    for column in h.sa_table.columns:
        if column.name in h.hidden and column.name not in keep:
            continue
        targets = {fk.column.table.name for fk in column.foreign_keys}
        if "offices" in targets:
            out.append((column.name, column.name.removesuffix("_id") or "office", names.office))
        elif "users" in targets:
            if names.options.staff_names:
                out.append((column.name, column.name.removesuffix("_id") + "_name", names.user))
        else:
            out.append((column.name, column.name, plain))
    return out


def plain_rows(h: Holding, person_ids: list[int], options: dict, keep=()) -> Iterator[dict]:
    table = h.sa_table
    converters = _converters(h, options, keep)
    statement = (
        select(*(table.c[name] for name, _out, _f in converters))
        .where(person_clause(h, person_ids))
        .order_by(*(table.c[c] for c in h.order_by))
        .execution_options(yield_per=BATCH)
    )
    for row in db.session.execute(statement):
        mapping = row._mapping
        yield {out: convert(mapping[name]) for name, out, convert in converters}


def rows_of(h: Holding, person_ids: list[int], options: dict) -> Iterator[dict]:
    if h.rows is not None:
        return h.rows(person_ids, options)
    return plain_rows(h, person_ids, options)


def collect(person_ids: list[int], options: Options) -> Iterator[tuple[Holding, Iterator[dict]]]:
    """Every holding with an iterator of the person's rows (read lazily, in batches)."""
    context = {"names": Names(options)}
    for h in holdings():
        yield h, rows_of(h, person_ids, context)
