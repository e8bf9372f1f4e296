"""The SQL building blocks of the indicators: period buckets, day differences, percentiles.

Every indicator is one or more GROUP BY statements over the rows of one year; Python only
adds up the aggregated rows into the cube (offices and districts of one row group, then
city, quarters and year in `cube.build`). Written once for SQLite and PostgreSQL: the few
dialect differences (day differences, "six months later", unnesting a JSON list) live here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import (
    Date,
    Integer,
    Select,
    String,
    case,
    cast,
    distinct,
    func,
    literal,
    literal_column,
    select,
    true,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from caseapp.extensions import db
from caseapp.reports.cube import ALL
from caseapp.reports.periods import MONTH, QUARTER, YEAR, Period, local_midnight_utc

LEVELS = (MONTH, QUARTER, YEAR)


def dialect() -> str:
    return db.session.get_bind().dialect.name


def _bounds(year: int, level: str, dates: bool) -> list:
    if level == MONTH:
        starts = [date(year, m, 1) for m in range(1, 13)]
    elif level == QUARTER:
        starts = [date(year, m, 1) for m in (1, 4, 7, 10)]
    else:
        starts = [date(year, 1, 1)]
    starts.append(date(year + 1, 1, 1))
    return starts if dates else [local_midnight_utc(d) for d in starts]


def in_year(when, year: int, dates: bool) -> ColumnElement:
    bounds = _bounds(year, YEAR, dates)
    return (when >= bounds[0]) & (when < bounds[1])


def in_period(when, period: Period, dates: bool) -> ColumnElement:
    start, end = period.start, period.end
    if not dates:
        start, end = local_midnight_utc(start), local_midnight_utc(end)
    return (when >= start) & (when < end)


def bucket(when, year: int, level: str, dates: bool) -> ColumnElement:
    """The month (1-12) or quarter (1-4) of `when` within `year`, or 0 for the whole year.
    Boundaries are local (Berlin) midnights, compared in UTC for stored instants."""
    if level == YEAR:
        return literal(0)
    bounds = _bounds(year, level, dates)
    whens = [(when < bound, number) for number, bound in enumerate(bounds[1:-1], start=1)]
    return case(*whens, else_=len(bounds) - 1)


def days_between(later, earlier, *, dates: bool = False) -> ColumnElement:
    """Whole days from `earlier` to `later` (24-hour days, rounded down; never negative)."""
    if dialect() == "sqlite":
        days = cast(func.julianday(later) - func.julianday(earlier), Integer)
    elif dates:
        days = cast(later - earlier, Integer)
    else:
        days = cast(func.floor(func.extract("epoch", later - earlier) / 86400), Integer)
    return case((days < 0, 0), else_=days)


def local_date(instant) -> ColumnElement:
    """The Berlin calendar date of a stored UTC instant.

    PostgreSQL knows the time zone; SQLite gets the EU rule written out: summer time (UTC+2)
    from the last Sunday of March to the last Sunday of October, 01:00 UTC each.
    """
    if dialect() != "sqlite":
        return cast(func.timezone("Europe/Berlin", instant), Date)
    year = func.strftime("%Y", instant)
    summer_from = func.date(year.concat("-03-25"), "weekday 0").concat(" 01:00:00")
    summer_until = func.date(year.concat("-10-25"), "weekday 0").concat(" 01:00:00")
    offset = case(
        ((instant >= summer_from) & (instant < summer_until), "+2 hours"), else_="+1 hour"
    )
    return func.date(instant, offset, type_=Date)


def months_later(day, months: int) -> ColumnElement:
    """The date `months` calendar months after `day`."""
    if dialect() == "sqlite":
        return func.date(day, f"+{int(months)} months", type_=Date)
    return cast(day + literal_column(f"interval '{int(months)} months'"), Date)


def unnest_json(column):
    """The elements of a JSON list column as a table-valued function (one row each)."""
    if dialect() == "sqlite":
        return func.json_each(column).table_valued("value", joins_implicitly=True)
    return func.json_array_elements_text(column).table_valued("value", joins_implicitly=True)


@dataclass
class Source:
    """The rows of one indicator: FROM/JOIN/WHERE, the column that places a row in a period
    and the office/district columns that place it in an area."""

    stmt: Select
    when: ColumnElement
    dates: bool
    areas: dict[str, ColumnElement]
    extra: list = field(default_factory=list)


@dataclass
class Breakdown:
    """A category: (name, SQL expression giving the code); `unnest` joins a JSON list first."""

    name: str
    expr: ColumnElement | None = None
    unnest: object | None = None


def grouped(
    source: Source,
    year: int,
    measures: Sequence[ColumnElement],
    *,
    breakdown: Breakdown | None = None,
    level: str = MONTH,
    areas: Sequence[str] | None = None,
    period: Period | None = None,
) -> list[tuple]:
    """Cube rows (area, category, period, *values) from one GROUP BY over the year.

    The statement groups by every area column at once (office and district), so one scan
    serves both; the aggregated rows are then counted once per area kind. `period` limits a
    YEAR-level statement to one period (stock figures at a period's end use their own WHERE).
    """
    kinds = list(areas or source.areas)
    area_cols = [source.areas[k] for k in kinds]
    stmt = source.stmt
    if breakdown is not None and breakdown.unnest is not None:
        stmt = stmt.join(breakdown.unnest, true())
    category = breakdown.expr if breakdown is not None else literal("all")
    number = bucket(source.when, year, level, source.dates)
    where = (
        in_period(source.when, period, source.dates)
        if period is not None
        else in_year(source.when, year, source.dates)
    )
    stmt = (
        stmt.where(where)
        .with_only_columns(*area_cols, category, number, *measures, maintain_column_froms=False)
        .group_by(*area_cols, category, number)
    )
    out = []
    for row in db.session.execute(stmt):
        ids, (code, n), values = (
            row[: len(kinds)],
            row[len(kinds) : len(kinds) + 2],
            row[-len(measures) :],
        )
        cat = ALL if breakdown is None else (breakdown.name, _code(code))
        when = _period(year, level, n, period)
        for kind, area_id in zip(kinds, ids, strict=True):
            out.append(((kind, area_id), cat, when, *values))
    return out


def _code(value):
    return "none" if value is None or value == "" else str(value)


def _period(year: int, level: str, number, period: Period | None) -> Period:
    if period is not None:
        return period
    if level == YEAR:
        return Period(year)
    return Period(year, level, int(number))


def nearest_rank(
    values: Select,
    group_names: Sequence[str],
    value_name: str = "days",
) -> Select:
    """Median and 90th percentile (nearest rank) per group, in SQL with window functions.

    `values` selects the group columns and one value column per observation. The ranks are
    ceil(n/2) and ceil(9n/10) in integer arithmetic, which both databases share; no
    percentile_cont (PostgreSQL only) and nothing fetched row by row.
    """
    sub = values.subquery("obs")
    groups = [sub.c[name] for name in group_names]
    value = sub.c[value_name]
    ranked = (
        select(
            *groups,
            value.label("v"),
            func.row_number().over(partition_by=groups, order_by=value).label("rn"),
            func.count().over(partition_by=groups).label("n"),
        )
    ).subquery("ranked")
    rgroups = [ranked.c[name] for name in group_names]
    n = ranked.c.n
    median = func.min(case((ranked.c.rn == (n + 1) // 2, ranked.c.v)))
    p90 = func.min(case((ranked.c.rn == (9 * n + 9) // 10, ranked.c.v)))
    return select(*rgroups, n, median, p90).group_by(*rgroups, n)


def distinct_rows(
    source: Source,
    year: int,
    unit: ColumnElement,
    *,
    breakdown: Breakdown | None = None,
    levels: Sequence[str] = LEVELS,
) -> list[tuple]:
    """Distinct units (persons, volunteers) per area, category and period, for every period
    level: they do not add up from months to quarters, so each level is counted — in one
    statement over the year's rows read once (a CTE)."""
    kinds = list(source.areas)
    stmt = source.stmt
    if breakdown is not None and breakdown.unnest is not None:
        stmt = stmt.join(breakdown.unnest, true())
    category = breakdown.expr if breakdown is not None else literal("all", String)
    obs = (
        stmt.where(in_year(source.when, year, source.dates))
        .with_only_columns(
            *[source.areas[k].label(f"area_{i}") for i, k in enumerate(kinds)],
            category.label("cat"),
            source.when.label("w"),
            unit.label("unit"),
            maintain_column_froms=False,
        )
        .cte("observations")
    )
    areas = [obs.c[f"area_{i}"] for i in range(len(kinds))]
    parts = []
    for level in levels:
        number = bucket(obs.c.w, year, level, source.dates)
        parts.append(
            select(
                literal(level, String).label("level"),
                *areas,
                obs.c.cat,
                number.label("b"),
                func.count(distinct(obs.c.unit)).label("n"),
            ).group_by(*areas, obs.c.cat, number)
        )
    out = []
    for row in db.session.execute(union_all(*parts)):
        level, ids, code, n_bucket, n = row[0], row[1 : 1 + len(kinds)], *row[1 + len(kinds) :]
        cat = ALL if breakdown is None else (breakdown.name, _code(code))
        when = _period(year, level, n_bucket, None)
        for kind, area_id in zip(kinds, ids, strict=True):
            out.append(((kind, area_id), cat, when, n))
    return out


def quantile_rows(
    source: Source, year: int, days: ColumnElement, *, breakdown: Breakdown | None = None
) -> list[tuple]:
    """(area, category, period, n, median, p90) for every area (city included) and period.

    One statement: the year's observations once (a CTE, which both databases materialise
    when it is read more than once), stacked with UNION ALL per area kind and period level,
    ranked in one window pass.
    """
    from caseapp.reports.cube import CITY

    category = breakdown.expr if breakdown is not None else literal("all", String)
    kinds = list(source.areas)
    obs = (
        source.stmt.where(in_year(source.when, year, source.dates))
        .with_only_columns(
            *[source.areas[k].label(f"area_{i}") for i, k in enumerate(kinds)],
            category.label("cat"),
            source.when.label("w"),
            days.label("days"),
            maintain_column_froms=False,
        )
        .cte("observations")
    )
    parts = []
    for level in LEVELS:
        number = bucket(obs.c.w, year, level, source.dates)
        for i, kind in [*enumerate(kinds), (None, "city")]:
            area = obs.c[f"area_{i}"] if i is not None else literal(0, Integer)
            parts.append(
                select(
                    literal(kind, String).label("kind"),
                    literal(level, String).label("level"),
                    area.label("area"),
                    obs.c.cat.label("cat"),
                    number.label("b"),
                    obs.c.days.label("days"),
                )
            )
    stmt = nearest_rank(union_all(*parts), ["kind", "level", "area", "cat", "b"])
    out = []
    for kind, level, area_id, code, n_bucket, n, median, p90 in db.session.execute(stmt):
        area = CITY if kind == "city" else (kind, area_id)
        cat = ALL if breakdown is None else (breakdown.name, _code(code))
        out.append((area, cat, _period(year, level, n_bucket, None), n, median, p90))
    return out


def is_instant(value) -> bool:
    return isinstance(value, datetime)


@dataclass
class Context:
    """What every indicator query needs: the year, the suppression limit, the clock, and the
    offices and districts that make up the area axis."""

    year: int
    min_cell: int
    now: datetime
    today: date
    offices: list[int]
    districts: list[int]
    # Stock figures (at a period's end) are computed only for these periods.
    periods: tuple[Period, ...] | None = None

    def areas(self, *kinds: str) -> list[tuple]:
        from caseapp.reports.cube import CITY

        out: list[tuple] = [CITY]
        for kind in kinds:
            if kind == "district":
                out += [("district", d) for d in [*self.districts, None]]
            else:
                out += [(kind, o) for o in self.offices]
        return out

    def stock_ends(self) -> dict[Period, datetime]:
        """Each needed period → the instant its stock is taken (its end, or now if sooner)."""
        from caseapp.reports.periods import year_periods

        periods = self.periods or tuple(year_periods(self.year))
        return {p: min(local_midnight_utc(p.end), self.now) for p in periods}
