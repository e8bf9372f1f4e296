"""Signals between packages, so a lower package never imports a higher one.

`person_merged` is sent by caseapp.people.merging inside the merge transaction, after the
chosen field values were copied and before the removed record is marked as merged. Every
package that keeps rows pointing at a person connects one receiver (its `merge.py`) that moves
its own rows from the removed record to the survivor, as Indico's `signals.users.merged`.

Receivers are called as `receiver(survivor, removed=..., actor=...)`, in no particular order,
so none may rely on another having run. Each returns `{kind: count}` of what it moved or
resolved; the merge writes the sum into its audit entry.

A receiver declares which (table, column) references to `persons` it answers for; a test and
the merge itself check that every foreign key to `persons` is declared, so a new table cannot
be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable

from blinker import Namespace

_signals = Namespace()

person_merged = _signals.signal(
    "person-merged",
    doc="Sent with the survivor as sender and `removed`, `actor` as keyword arguments; "
    "receivers move their rows of `removed` to the survivor and return {kind: count}.",
)

_handled: dict[tuple[str, str], str] = {}


def declare_merge_handled(*columns: str, by: str) -> None:
    """Declare that `by` answers for these "table.column" references to persons on a merge."""
    for column in columns:
        table, _dot, name = column.partition(".")
        if not table or not name:
            raise ValueError(f"expected 'table.column', got {column!r}")
        _handled[(table, name)] = by


def merge_handler(*columns: str) -> Callable:
    """Connect a `person_merged` receiver and declare the references it answers for."""

    def connect(func: Callable) -> Callable:
        declare_merge_handled(*columns, by=f"{func.__module__}.{func.__qualname__}")
        person_merged.connect(func)
        return func

    return connect


def merge_handled() -> dict[tuple[str, str], str]:
    """(table, column) -> the receiver (or module) that answers for it."""
    return dict(_handled)


def person_references(metadata, table_name: str = "persons") -> set[tuple[str, str]]:
    """(table, column) of every foreign key in `metadata` that points at `table_name`."""
    return {
        (fk.parent.table.name, fk.parent.name)
        for table in metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name == table_name
    }


def unhandled_person_references(metadata) -> list[str]:
    """ "table.column" of every foreign key to persons that no merge receiver answers for."""
    return sorted(f"{t}.{c}" for t, c in person_references(metadata) - set(_handled))
