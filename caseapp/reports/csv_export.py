"""Report figures as CSV: one row per figure × area × category × period, for spreadsheets.

UTF-8 with a byte order mark (Excel otherwise misreads umlauts and Arabic), semicolons (the
separator German spreadsheets expect), German headers and a machine key column, and every
cell through `core.csvsafe.safe_cell` so no name can become a formula. A hidden cell reads
"<5" in "Wert" and is empty in "Wert (Zahl)".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from caseapp.core.csvsafe import safe_row
from caseapp.reports.tables import Table

HEADERS = [
    "Schlüssel",
    "Kennzahl",
    "Gebiet",
    "Merkmal",
    "Zeitraum",
    "Wert",
    "Wert (Zahl)",
    "Einheit",
]


def area_key(area: tuple) -> str:
    if area[0] == "city":
        return "city"
    return f"{area[0]}:{'none' if area[1] is None else area[1]}"


def table_rows(table: Table) -> Iterable[list]:
    area = area_key(table.area)
    for row in table.rows:
        for period, label, cell in zip(table.periods, table.columns, row.cells, strict=True):
            yield [
                f"{row.key}|{area}|{period.key}",
                table.title,
                table.area_label,
                row.label,
                label,
                cell.text,
                cell.number,
                table.unit,
            ]


def write(tables: Iterable[Table]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for table in tables:
        for row in table_rows(table):
            writer.writerow(safe_row(row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
