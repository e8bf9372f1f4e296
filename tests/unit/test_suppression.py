"""Small counts are hidden, and no sum of published figures gives a hidden one back."""

from __future__ import annotations

import random
from itertools import product

import pytest

from caseapp.reports import cube as cubes
from caseapp.reports.periods import MONTH, QUARTER, Period, year_periods
from caseapp.reports.suppression import (
    Relation,
    hidden_marker,
    lines_of,
    primary_cells,
    recoverable,
    suppress,
)


def table(rows: list[list[int]]):
    """A two-way table with its margins: rows r0.., "T"; columns c0.., "T"."""
    values = {}
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            values[(f"r{i}", f"c{j}")] = v
        values[(f"r{i}", "T")] = sum(row)
    for j in range(len(rows[0])):
        values[("T", f"c{j}")] = sum(r[j] for r in rows)
    values[("T", "T")] = sum(map(sum, rows))
    row_ids = [f"r{i}" for i in range(len(rows))]
    col_ids = [f"c{j}" for j in range(len(rows[0]))]
    axes = ([*row_ids, "T"], [*col_ids, "T"])
    relations = [Relation(0, "T", tuple(row_ids)), Relation(1, "T", tuple(col_ids))]
    return values, axes, relations


def lines_with_one_hidden(axes, relations, hidden):
    return [
        (parent, children)
        for _r, parent, children in lines_of(axes, relations)
        if sum(c in hidden for c in (*children, parent)) == 1
    ]


def test_counts_one_to_four_are_hidden_zero_and_five_are_shown():
    values = {(i,): i for i in range(8)}
    assert primary_cells(values, 5) == {(1,), (2,), (3,), (4,)}
    assert primary_cells(values, 3) == {(1,), (2,)}
    assert hidden_marker(5) == "<5"


def test_a_lonely_small_cell_takes_the_next_smallest_with_it():
    # 3 + 10 + 20 = 33: hiding only the 3 would leave it as 33 - 10 - 20.
    values = {("a",): 3, ("b",): 10, ("c",): 20, ("T",): 33}
    hidden = suppress(values, [["a", "b", "c", "T"]], [Relation(0, "T", ("a", "b", "c"))], 5)
    assert hidden == {("a",), ("b",)}


def test_a_small_total_is_hidden_with_its_parts():
    values = {("a",): 2, ("b",): 0, ("T",): 2}
    hidden = suppress(values, [["a", "b", "T"]], [Relation(0, "T", ("a", "b"))], 5)
    assert ("T",) in hidden and ("a",) in hidden


def test_two_way_table_no_line_has_exactly_one_hidden_cell():
    values, axes, relations = table([[12, 1, 30], [8, 15, 22], [40, 9, 3]])
    hidden = suppress(values, axes, relations, 5)
    assert {("r0", "c1"), ("r2", "c2")} <= hidden
    assert lines_with_one_hidden(axes, relations, hidden) == []
    assert recoverable(lines_of(axes, relations), hidden) & primary_cells(values, 5) == set()


@pytest.mark.parametrize("seed", range(60))
def test_random_three_way_cubes_never_give_a_small_cell_back(seed):
    """Area × category × period with margins on every axis: the published figures (every
    cell not hidden, all sums known) never determine a hidden small count."""
    rng = random.Random(seed)
    areas, cats, months = (
        [f"a{i}" for i in range(rng.randint(2, 4))],
        [f"k{i}" for i in range(rng.randint(2, 4))],
        [f"m{i}" for i in range(rng.randint(2, 3))],
    )
    base = {
        (a, k, m): rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12, 20, 40])
        for a, k, m in product(areas, cats, months)
    }
    axes = ([*areas, "A"], [*cats, "K"], [*months, "Y"])
    relations = [
        Relation(0, "A", tuple(areas)),
        Relation(1, "K", tuple(cats)),
        Relation(2, "Y", tuple(months)),
    ]
    values = dict(base)
    for relation in relations:
        for coord, v in list(values.items()):
            if coord[relation.axis] in relation.children:
                parent = list(coord)
                parent[relation.axis] = relation.parent
                values[tuple(parent)] = values.get(tuple(parent), 0) + v
    hidden = suppress(values, axes, relations, 5)
    small = primary_cells(values, 5)
    assert small <= hidden
    assert lines_with_one_hidden(axes, relations, hidden) == []
    assert recoverable(lines_of(axes, relations), hidden) & small == set()


def _line_rule_only(values, axes, relations, min_cell):
    """The usual secondary suppression on its own (row by row, column by column)."""
    from caseapp.reports import suppression

    hidden = set(primary_cells(values, min_cell))
    lines = [(p, (*c, p)) for _r, p, c in lines_of(axes, relations)]
    by_cell = {}
    for i, (_p, cells) in enumerate(lines):
        for cell in cells:
            by_cell.setdefault(cell, []).append(i)
    order = {c: i for i, c in enumerate(product(*axes))}
    suppression._secondary(lines, by_cell, hidden, values, order)
    return hidden


def test_the_line_rule_alone_can_leave_a_small_cell_pinned_the_hypercubes_never_do():
    """Row-by-row secondary suppression is not enough in three dimensions: somewhere among
    random cubes a chain of sums still determines a small cell. The hypercube patterns
    never leave one (this test keeps the guarantee honest)."""
    caught = 0
    for seed in range(300):
        rng = random.Random(seed)
        areas, cats, months = ["a0", "a1", "a2"], ["k0", "k1", "k2"], ["m0", "m1"]
        values = {
            (a, k, m): rng.choice([0, 1, 3, 6, 9, 15, 30])
            for a, k, m in product(areas, cats, months)
        }
        axes = ([*areas, "A"], [*cats, "K"], [*months, "Y"])
        relations = [
            Relation(0, "A", tuple(areas)),
            Relation(1, "K", tuple(cats)),
            Relation(2, "Y", tuple(months)),
        ]
        for relation in relations:
            for coord, v in list(values.items()):
                if coord[relation.axis] in relation.children:
                    parent = list(coord)
                    parent[relation.axis] = relation.parent
                    values[tuple(parent)] = values.get(tuple(parent), 0) + v
        lines = lines_of(axes, relations)
        small = primary_cells(values, 5)
        if recoverable(lines, _line_rule_only(values, axes, relations, 5)) & small:
            caught += 1
        assert recoverable(lines, suppress(values, axes, relations, 5)) & small == set()
    assert caught > 0


@pytest.mark.parametrize("seed", range(8))
def test_report_shaped_cubes_two_area_partitions_four_breakdowns_months_and_quarters(seed):
    """Cubes shaped like the registrations indicator: offices and districts both add up to
    the city, four breakdowns each add up to all, months to quarters to the year."""
    rng = random.Random(1000 + seed)
    offices = [("office", i) for i in range(3)]
    districts = [("district", i) for i in range(3)] + [("district", None)]
    breakdowns = {"sex": ["f", "m"], "age": ["young", "old", "none"], "lang": ["ar", "uk"]}
    rows = []
    for m in range(1, 13):
        for _person in range(rng.randint(0, 14)):
            office, district = rng.choice(offices), rng.choice(districts)
            for name, codes in breakdowns.items():
                code = rng.choice(codes)
                rows.append((office, (name, code), Period(2026, MONTH, m), 1))
                rows.append((district, (name, code), Period(2026, MONTH, m), 1))
    cube = cubes.build(
        "registrations",
        2026,
        rows,
        cubes.Shape(additive_breakdowns=tuple(breakdowns)),
        areas=[cubes.CITY, *offices, *districts],
        categories=[cubes.ALL, *[(n, c) for n, codes in breakdowns.items() for c in codes]],
    )
    lines = lines_of((cube.areas, cube.categories, cube.periods), cube.relations)
    small = primary_cells(cube.measures["count"], 5)
    assert small <= cube.hidden
    assert recoverable(lines, cube.hidden) & small == set()


def test_periods_parse_and_nest():
    assert Period.parse("2026") == Period(2026)
    assert Period.parse("2026-Q3") == Period(2026, QUARTER, 3)
    assert Period.parse("2026-07") == Period(2026, MONTH, 7)
    for bad in ("2026-13", "2026-Q5", "26", "2026-01-01", "", None, "1899", "2026-Q0"):
        assert Period.parse(bad) is None
    q4 = Period(2026, QUARTER, 4)
    assert [p.key for p in q4.parts()] == ["2026-10", "2026-11", "2026-12"]
    assert q4.end.isoformat() == "2027-01-01"
    assert len(year_periods(2026)) == 17
    assert Period(2026, MONTH, 5).quarter() == Period(2026, QUARTER, 2)


def test_differencing_two_views_of_one_cube_isolate_nobody():
    """The attack: the city's figure minus the districts' figures isolates the one person
    without a district (or: the quarter minus two of its months isolates the third month).
    Every view is a slice of one suppressed cube, so the difference is never a known
    number: either a part or the whole is hidden as well."""
    year = 2026
    offices = [("office", 1), ("office", 2)]
    districts = [("district", 10), ("district", 11), ("district", None)]
    jan, feb, mar = (Period(year, MONTH, m) for m in (1, 2, 3))
    rows = [
        # 13 persons in January: office 1 has 8, office 2 has 5;
        # district 10 has 7, district 11 has 5, one person has no district.
        (("office", 1), cubes.ALL, jan, 8),
        (("office", 2), cubes.ALL, jan, 5),
        (("district", 10), cubes.ALL, jan, 7),
        (("district", 11), cubes.ALL, jan, 5),
        (("district", None), cubes.ALL, jan, 1),
        # February 9 and March 1 in office 1 / district 10.
        (("office", 1), cubes.ALL, feb, 9),
        (("district", 10), cubes.ALL, feb, 9),
        (("office", 1), cubes.ALL, mar, 1),
        (("district", 10), cubes.ALL, mar, 1),
    ]
    cube = cubes.build(
        "registrations",
        year,
        rows,
        cubes.Shape(),
        areas=[cubes.CITY, *offices, *districts],
        categories=[cubes.ALL],
    )
    q1 = Period(year, QUARTER, 1)
    city_jan = cube.shown(cubes.CITY, cubes.ALL, jan)
    parts = [cube.shown(d, cubes.ALL, jan) for d in districts]
    assert city_jan == 13
    # The district without a name is hidden, and so is a second district.
    assert parts.count(None) >= 2
    # The quarter is shown (23) but not both January... the quarter minus February minus
    # January must not give March (1).
    shown = [cube.shown(cubes.CITY, cubes.ALL, p) for p in (jan, feb, mar, q1)]
    assert shown[2] is None and shown.count(None) >= 2
    lines = lines_of(
        (cube.areas, cube.categories, cube.periods),
        cube.relations,
    )
    assert recoverable(lines, cube.hidden) & primary_cells(cube.measures["count"], 5) == set()


def test_suppression_cube_and_periods_need_neither_flask_nor_the_database():
    import subprocess
    import sys

    code = (
        "import sys; import caseapp.reports.suppression, caseapp.reports.cube, "
        "caseapp.reports.periods; "
        "print(sorted(m for m in ('flask', 'sqlalchemy', 'flask_babel') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
