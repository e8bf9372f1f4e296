"""What Lotse holds about a person: one `Holding` per kind of record, declared once.

Like the merge seam (core.signals.merge_handler) and the case-file sections, each kind of
record says how its rows belong to a person, and the export, retention and anonymisation
all read the same declarations, so none of them can forget a table:

- `link`: how a row belongs to the person — a column pointing at persons (`person_id`), at
  their case (`case_id`), or at a parent record that is itself a holding (`parent`);
- `free_text`: the columns anonymisation empties (notes, messages, names);
- `on_anonymise`: "clear" (empty `free_text`), "delete" (the rows go: search keys, pairs)
  or "keep" (nothing personal beyond codes, dates and ids: the figures need it);
- `retention`: the rule (privacy.retention.RULES) under which the rows go or are anonymised;
- `hidden`: columns never exported (code hashes).

Declarations are by table name on the shared metadata, so a holding needs no import of the
package's models; the core's live in privacy/holdings/, a feature package adds its own in
`caseapp/<feature>/privacy.py` (imported by `load()`). tests/services/test_privacy_coverage.py
fails when a table with a person_id/case_id column (or a key to persons, cases, households)
is covered by none.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, String, Table, TypeDecorator, and_, select, true

from caseapp.extensions import db

PERSON_TABLES = ("persons", "cases", "households")
ANONYMISE = ("clear", "delete", "keep")


@dataclass(frozen=True)
class Holding:
    kind: str
    table: str
    label: Any
    retention: str
    # A column to persons, "case_id", "household_id", "id" (the persons table itself) or ""
    # (only `where` decides).
    link: str = "person_id"
    parent: str = ""  # the holding whose ids `link` holds (e.g. appointments)
    free_text: tuple[str, ...] = ()
    on_anonymise: str = "clear"
    hidden: tuple[str, ...] = ()
    # Free text whose being there is counted (aid given despite a warning): anonymisation
    # replaces it with a dash instead of emptying it, so the figures stay.
    counted: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ("id",)
    where: Callable[[Table, list[int]], Any] | None = None
    # A custom reader for kinds that need more than their own columns (matches, audit).
    rows: Callable[[list[int], dict], Iterator[dict]] | None = None
    covers: tuple[str, ...] = field(default=())  # extra "table.column" this holding answers for

    def __post_init__(self):
        if self.on_anonymise not in ANONYMISE:
            raise ValueError(f"on_anonymise must be one of {ANONYMISE}")

    @property
    def sa_table(self) -> Table:
        return db.metadata.tables[self.table]


_holdings: dict[str, Holding] = {}


def register(holding: Holding) -> Holding:
    """Declare a kind of record held about persons; a second declaration replaces the first."""
    _holdings[holding.kind] = holding
    return holding


def holdings() -> list[Holding]:
    load()
    return list(_holdings.values())


def holding(kind: str) -> Holding:
    load()
    return _holdings[kind]


_loaded = False


def load() -> None:
    """Import the core's declarations and every feature package's `privacy` module."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    from caseapp import features
    from caseapp.privacy import holdings as _core  # noqa: F401

    for feature in features.FEATURES:
        name = f"caseapp.{feature}.privacy"
        if feature != "privacy" and importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


def base_type(column):
    """The column's SQL type under any TypeDecorator (encrypted text is still text, an
    encrypted JSON value still JSON)."""
    from caseapp.crypto.types import EncryptedJSON

    kind = column.type
    if isinstance(kind, EncryptedJSON):
        return JSON()
    while isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    return kind


def is_text(column) -> bool:
    return isinstance(base_type(column), String)


def is_json(column) -> bool:
    return isinstance(base_type(column), JSON)


# --- which rows belong to whom ------------------------------------------------------------


def person_clause(h: Holding, person_ids: list[int]):
    """WHERE clause: rows of `h` that belong to one of `person_ids`."""
    table = h.sa_table
    if h.parent:
        parent = holding(h.parent)
        ids = select(parent.sa_table.c.id).where(person_clause(parent, person_ids))
        clause = table.c[h.link].in_(ids)
    elif h.link == "case_id":
        cases = db.metadata.tables["cases"]
        clause = table.c.case_id.in_(select(cases.c.id).where(cases.c.person_id.in_(person_ids)))
    elif h.link == "household_id":
        members = db.metadata.tables["household_members"]
        clause = table.c[h.link].in_(
            select(members.c.household_id).where(members.c.person_id.in_(person_ids))
        )
    elif h.link:
        clause = table.c[h.link].in_(person_ids)
    else:
        clause = true()
    if h.where is not None:
        clause = and_(clause, h.where(table, person_ids))
    return clause


def covered_columns() -> set[tuple[str, str]]:
    """(table, column) of every reference some holding answers for."""
    out = set()
    for h in holdings():
        if h.link not in ("id", ""):
            out.add((h.table, h.link))
        for extra in h.covers:
            table, _dot, column = extra.partition(".")
            out.add((table, column))
    return out


def person_columns(metadata) -> set[tuple[str, str]]:
    """(table, column) of every column that ties a row to a person: person_id, case_id,
    household_id, or a foreign key to persons, cases or households."""
    found = set()
    for table in metadata.tables.values():
        for column in table.columns:
            if column.name in ("person_id", "case_id", "household_id") and not column.primary_key:
                found.add((table.name, column.name))
            for fk in column.foreign_keys:
                if fk.column.table.name in PERSON_TABLES:
                    found.add((table.name, column.name))
    return found


def uncovered(metadata) -> list[str]:
    """ "table.column" of every person reference no holding answers for."""
    return sorted(f"{t}.{c}" for t, c in person_columns(metadata) - covered_columns())
