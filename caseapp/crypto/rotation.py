"""Re-encrypting stored text under the first key, in batches (`keys rotate`, the migration).

Rows are read raw (the token, not the text), so a row already under the first key costs no
decryption and is skipped in SQL by its key id; plain text written before encryption is
encrypted. `keys rotate` commits each batch, so an interrupted run goes on where it stopped
when started again. An update only lands if the row still holds the token it
was read with: a note saved meanwhile by the application is already under the first key.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from caseapp.crypto.keys import PREFIX, DataKeyError, Keyring
from caseapp.crypto.types import EncryptedText


@dataclass(frozen=True)
class Column:
    table: str
    name: str

    def __str__(self) -> str:
        return f"{self.table}.{self.name}"


def encrypted_columns(metadata: sa.MetaData) -> list[Column]:
    """Every EncryptedText column of the models (each table has an integer `id`)."""
    return [
        Column(table.name, column.name)
        for table in metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, EncryptedText)
    ]


def _raw(column: Column):
    table = sa.table(column.table, sa.column("id", sa.Integer), sa.column(column.name, sa.Text))
    return table, table.c[column.name]


def rotate_batch(
    conn: Connection, column: Column, keyring: Keyring, *, after_id: int = 0, batch: int = 500
) -> tuple[int, int | None]:
    """One batch of `column` after row `after_id` under the first key: (rows changed, the
    last row id looked at, None when there is nothing left)."""
    table, value = _raw(column)
    rows = conn.execute(
        sa.select(table.c.id, value)
        .where(
            table.c.id > after_id,
            value != "",
            value.not_like(f"{PREFIX}{keyring.primary_id}:%"),
        )
        .order_by(table.c.id)
        .limit(batch)
    ).all()
    changed = 0
    for row_id, stored in rows:
        try:
            fresh = keyring.rotate(stored)
        except DataKeyError as error:
            raise DataKeyError(f"{column} of row {row_id}: {error}") from None
        result = conn.execute(
            table.update().where(table.c.id == row_id, value == stored).values({column.name: fresh})
        )
        changed += result.rowcount
    return changed, (rows[-1][0] if rows else None)


def rotate_column(conn: Connection, column: Column, keyring: Keyring, *, batch: int = 500) -> int:
    """Every value of `column` under the first key, in one transaction; rows changed."""
    changed, last_id = 0, 0
    while last_id is not None:
        n, last_id = rotate_batch(conn, column, keyring, after_id=last_id, batch=batch)
        changed += n
    return changed


def decrypt_column(conn: Connection, column: Column, keyring: Keyring, *, batch: int = 500) -> int:
    """Back to plain text (the migration's downgrade); how many rows changed."""
    table, value = _raw(column)
    changed, last_id = 0, 0
    while True:
        rows = conn.execute(
            sa.select(table.c.id, value)
            .where(table.c.id > last_id, value.like(f"{PREFIX}%"))
            .order_by(table.c.id)
            .limit(batch)
        ).all()
        if not rows:
            return changed
        for row_id, stored in rows:
            conn.execute(
                table.update()
                .where(table.c.id == row_id)
                .values({column.name: keyring.decrypt(stored)})
            )
            changed += 1
        last_id = rows[-1][0]


def key_counts(conn: Connection, column: Column) -> dict[str, int]:
    """How many values each key id holds ("plain" for text from before encryption)."""
    _table, value = _raw(column)
    head = sa.func.substr(value, 1, len(PREFIX) + 8)
    counts: dict[str, int] = {}
    for prefix, n in conn.execute(
        sa.select(head, sa.func.count()).where(value != "").group_by(head)
    ).all():
        key = prefix[len(PREFIX) :] if prefix.startswith(PREFIX) else "plain"
        counts[key] = counts.get(key, 0) + n
    return counts
