"""Stored cubes: `flask reports refresh` computes every indicator for the running and the
previous year and stores the suppressed cube; pages and the yearly report read it while it
is fresh (REPORT_SNAPSHOT_MINUTES, default 60) and compute live otherwise.

At a million consultations a cube takes seconds to aggregate and suppress; read from here it
takes milliseconds. A stored snapshot also means that the figures change only when it is
refreshed, not with every record typed in (one more obstacle to watching single events).
"""

from __future__ import annotations

import json
import zlib
from datetime import datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.reports.cube import Cube
from caseapp.reports.models import ReportSnapshot
from caseapp.reports.periods import year_periods

DEFAULT_MAX_AGE_MINUTES = 60


def _number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def dump(cube: Cube) -> bytes:
    areas = {a: i for i, a in enumerate(cube.areas)}
    categories = {c: i for i, c in enumerate(cube.categories)}
    periods = {p: i for i, p in enumerate(cube.periods)}

    def index(coord):
        area, category, period = coord
        return [areas[area], categories[category], periods[period]]

    data = {
        "key": cube.key,
        "year": cube.year,
        "min_cell": cube.min_cell,
        "empty": cube.empty,
        "areas": [list(a) for a in cube.areas],
        "categories": [list(c) for c in cube.categories],
        "measures": {
            name: [[*index(c), _number(v)] for c, v in values.items() if v is not None]
            for name, values in cube.measures.items()
        },
        "hidden": [index(c) for c in cube.hidden],
    }
    return zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 6)


def load(payload: bytes) -> Cube:
    data = json.loads(zlib.decompress(payload))
    areas = [tuple(a) for a in data["areas"]]
    categories = [tuple(c) for c in data["categories"]]
    periods = year_periods(data["year"])

    def coord(a, c, p):
        return (areas[a], categories[c], periods[p])

    return Cube(
        key=data["key"],
        year=data["year"],
        areas=tuple(areas),
        categories=tuple(categories),
        periods=tuple(periods),
        relations=(),
        measures={
            name: {coord(a, c, p): v for a, c, p, v in rows}
            for name, rows in data["measures"].items()
        },
        hidden=frozenset(coord(*i) for i in data["hidden"]),
        min_cell=data["min_cell"],
        empty=data["empty"],
    )


def max_age() -> timedelta:
    minutes = current_app.config.get("REPORT_SNAPSHOT_MINUTES", DEFAULT_MAX_AGE_MINUTES)
    return timedelta(minutes=int(minutes))


# Cubes already read in this process, by (indicator, year, min_cell): (computed_at, cube).
# A page asks the database only when the snapshot was computed and reads the payload again
# only when that changed (at most indicators × years entries).
_read: dict[tuple, tuple[datetime, Cube]] = {}


def fresh(indicator: str, year: int, min_cell: int) -> tuple[Cube, datetime] | None:
    """The stored cube and when it was computed, if it is young enough."""
    where = (
        ReportSnapshot.indicator == indicator,
        ReportSnapshot.year == year,
        ReportSnapshot.min_cell == min_cell,
        ReportSnapshot.computed_at >= utcnow() - max_age(),
    )
    computed_at = db.session.scalar(select(ReportSnapshot.computed_at).where(*where))
    if computed_at is None:
        return None
    key = (indicator, year, min_cell)
    cached = _read.get(key)
    if cached is not None and cached[0] == computed_at:
        return cached[1], computed_at
    payload = db.session.scalar(select(ReportSnapshot.payload).where(*where))
    if payload is None:
        return None
    cube = load(payload)
    _read[key] = (computed_at, cube)
    return cube, computed_at


def store(cube: Cube) -> None:
    row = db.session.scalar(
        select(ReportSnapshot).where(
            ReportSnapshot.indicator == cube.key,
            ReportSnapshot.year == cube.year,
            ReportSnapshot.min_cell == cube.min_cell,
        )
    )
    if row is None:
        row = ReportSnapshot(indicator=cube.key, year=cube.year, min_cell=cube.min_cell)
        db.session.add(row)
    row.payload = dump(cube)
    row.computed_at = utcnow()
    db.session.flush()
    _read.pop((cube.key, cube.year, cube.min_cell), None)  # same process: read it anew
