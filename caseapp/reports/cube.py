"""One indicator for one year as a cube of area × category × period, suppressed once (pure).

Queries deliver the finest additive level (offices and districts, single-valued categories,
months) plus every level of a non-additive breakdown (distinct persons per quarter, multi-valued
need areas); `build` sums the rest up along the additive relations, then hides small cells
with `suppression.suppress` on the whole cube. Pages, CSV files and the yearly report are all
slices of that one suppressed cube.

Index conventions: areas are ("city",), ("office", id), ("from", id), ("to", id),
("district", id or None); categories are ("all",) or (breakdown, code); periods are
`periods.Period`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from caseapp.reports import suppression
from caseapp.reports.periods import MONTH, QUARTER, Period, year_periods

CITY = ("city",)
ALL = ("all",)
COUNT = "count"


@dataclass(frozen=True)
class Shape:
    """Which breakdowns add up (so the parent is derived and the sum is a constraint)."""

    # area kinds whose members partition the city: ("office", "district") for most,
    # ("from", "to", "district") for referrals, ("district",) for volunteers.
    area_kinds: tuple[str, ...] = ("office", "district")
    # breakdowns whose codes partition "all" (single-valued); others are multi-valued.
    additive_breakdowns: tuple[str, ...] = ()
    # breakdowns grouped under a parent breakdown: {"barrier": ("field", {code: field})}
    groups: dict = field(default_factory=dict)
    # does a quarter/year equal the sum of its months? (events yes, distinct persons and
    # stocks at the period's end no: the query delivers every level then)
    additive_periods: bool = True


@dataclass
class Cube:
    key: str
    year: int
    areas: tuple
    categories: tuple
    periods: tuple
    relations: tuple
    measures: dict[str, dict]
    hidden: frozenset = frozenset()
    min_cell: int = suppression.DEFAULT_MIN_CELL
    empty: object = 0  # the value of a cell without rows (None for percentiles)

    def value(self, area, category, period, measure: str = COUNT):
        return self.measures.get(measure, {}).get((area, category, period), self.empty)

    def is_hidden(self, area, category, period) -> bool:
        return (area, category, period) in self.hidden

    def shown(self, area, category, period, measure: str = COUNT):
        """The figure, or None where it is hidden."""
        if (area, category, period) in self.hidden:
            return None
        return self.value(area, category, period, measure)

    def codes(self, breakdown: str) -> list:
        return [c[1] for c in self.categories if c[0] == breakdown]


def build(
    key: str,
    year: int,
    rows: Iterable[tuple],
    shape: Shape,
    *,
    areas: Sequence[tuple],
    categories: Sequence[tuple],
    measures: Sequence[str] = (COUNT,),
    min_cell: int = suppression.DEFAULT_MIN_CELL,
    contributors: str | None = None,
    distinct_axes: dict[str, tuple[int, ...]] | None = None,
) -> Cube:
    """A suppressed cube from query rows (area, category, period, *measure values).

    `areas` and `categories` list every index the cube has (also those without rows), CITY
    and ALL included. With `contributors`, that measure (e.g. distinct volunteers) decides
    the primary suppression and the first measure the secondary one. `distinct_axes` names,
    per measure, the axes along which it does not add up (distinct counts): the query
    delivers those levels itself.
    """
    distinct_axes = distinct_axes or {}
    periods = tuple(year_periods(year))
    data: dict[str, dict] = {m: {} for m in measures}
    for row in rows:
        area, category, period, *values = row
        for m, v in zip(measures, values, strict=True):
            if v:
                coord = (area, category, period)
                data[m][coord] = data[m].get(coord, 0) + v
    relations = _relations(shape, areas, categories, periods)
    for relation, derive in relations:
        if derive:
            for m in measures:
                if relation.axis not in distinct_axes.get(m, ()):
                    _derive(data[m], relation)
    constraints = tuple(r for r, _derive_it in relations)
    main = data[measures[0]]
    primary = None
    if contributors:
        primary = suppression.primary_cells(data[contributors], min_cell)
    hidden = suppression.suppress(
        main, (tuple(areas), tuple(categories), periods), constraints, min_cell, primary=primary
    )
    return Cube(
        key=key,
        year=year,
        areas=tuple(areas),
        categories=tuple(categories),
        periods=periods,
        relations=constraints,
        measures=data,
        hidden=hidden,
        min_cell=min_cell,
    )


def _derive(values: dict, relation: suppression.Relation) -> None:
    children = set(relation.children)
    sums: dict = {}
    for coord, v in values.items():
        if coord[relation.axis] in children:
            parent = (*coord[: relation.axis], relation.parent, *coord[relation.axis + 1 :])
            sums[parent] = sums.get(parent, 0) + v
    for coord, v in sums.items():
        values[coord] = values.get(coord, 0) + v


def _relations(shape: Shape, areas, categories, periods) -> list[tuple]:
    """(relation, derive?) in the order parents are built: categories, areas, periods."""
    out: list[tuple] = []
    breakdowns: dict[str, list] = {}
    for category in categories:
        if category != ALL:
            breakdowns.setdefault(category[0], []).append(category)
    first = True
    for name, group in shape.groups.items():
        parent_breakdown, mapping = group
        for parent in breakdowns.get(parent_breakdown, []):
            children = tuple(c for c in breakdowns.get(name, []) if mapping.get(c[1]) == parent[1])
            if children:
                out.append((suppression.Relation(1, parent, children), True))
    for name in shape.additive_breakdowns:
        members = tuple(breakdowns.get(name, []))
        if members:
            out.append((suppression.Relation(1, ALL, members), first))
            first = False
    first = True
    for kind in shape.area_kinds:
        members = tuple(a for a in areas if a[0] == kind)
        if members:
            out.append((suppression.Relation(0, CITY, members), first))
            first = False
    if shape.additive_periods:
        by_kind: dict[str, list[Period]] = {}
        for p in periods:
            by_kind.setdefault(p.kind, []).append(p)
        for quarter in by_kind.get(QUARTER, []):
            months = tuple(p for p in periods if p.kind == MONTH and p.quarter() == quarter)
            out.append((suppression.Relation(2, quarter, months), True))
        year = next(p for p in periods if p.kind == "year")
        out.append((suppression.Relation(2, year, tuple(by_kind.get(QUARTER, []))), True))
    return out


def build_quantiles(
    key: str,
    year: int,
    rows: Iterable[tuple],
    *,
    areas: Sequence[tuple],
    categories: Sequence[tuple],
    min_cell: int = suppression.DEFAULT_MIN_CELL,
) -> Cube:
    """Medians and 90th percentiles: shown from min_cell (median) or 2 × min_cell (p90)
    observations; a percentile of fewer values is one person's value."""
    periods = tuple(year_periods(year))
    data: dict[str, dict] = {"n": {}, "median": {}, "p90": {}}
    hidden = set()
    for area, category, period, n, median, p90 in rows:
        coord = (area, category, period)
        data["n"][coord] = n
        if n < min_cell:
            hidden.add(coord)
            continue
        data["median"][coord] = median
        if n >= 2 * min_cell:
            data["p90"][coord] = p90
    return Cube(
        key=key,
        year=year,
        areas=tuple(areas),
        categories=tuple(categories),
        periods=periods,
        relations=(),
        measures=data,
        hidden=frozenset(hidden),
        min_cell=min_cell,
        empty=None,
    )


def ratio(numerator, denominator) -> float | None:
    """A share in per cent, or None when a part is hidden or there is nothing to divide by."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return 100.0 * numerator / denominator
