"""Small counts hidden, and hidden so that no sum of published figures gives them back (pure).

A report table here is a cube: cells addressed by one index per axis (area, category,
period), some of which are sums of others along one axis — `Relation(axis, parent, children)`
says "the `parent` index is the sum of the `children` indices on this axis, whatever the
other axes are". City = sum of the offices, year = sum of its quarters, all = sum of the
need areas.

1. **Primary suppression**: a count 1 … min_cell-1 is hidden (shown as "<5").
2. **Hypercube (the guarantee)**: for every primary cell, one more cell per axis is hidden
   so that the primary cell sits on a "hypercube" of hidden cells: on each axis a small
   vector v that the axis's sums do not see (a sibling with the opposite sign, or a chain
   up and down a hierarchy), and the cube's corners are their product. Adding t to the
   corners with the signs of that product changes no published sum, so no combination of
   published figures — rows, columns, other filters, other periods — determines the primary
   cell. This is the hypercube method of the German statistical offices (GHMITER in
   τ-ARGUS), with the axis vectors found for hierarchical and overlapping breakdowns.
   Among the possible hypercubes the cheapest is taken: cells already hidden cost nothing,
   the others their value (a zero like a one), every corner counted.
3. **Line rule**: afterwards no row or column may have exactly one hidden cell (it would be
   its total minus the rest); the smallest non-zero cell still shown is hidden with it,
   repeated until stable. It is the usual secondary suppression and keeps tables readable
   as "nothing can be subtracted"; the guarantee comes from 2.

`recoverable` checks a pattern with linear algebra (a hidden cell is determined exactly when
the null space of the published sums has no component in it); the tests use it on crafted
and random cubes.

Every page, export and the yearly report shows a slice of the same suppressed cube, so two
filters (this office vs. the city, one month vs. its quarter) never differ by a figure that
the cube hides: see docs/indicators.md, "Differencing".
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product

Coord = tuple
DEFAULT_MIN_CELL = 5
ZERO_COST = 1
MAX_VECTORS = 24
TRIED_PER_AXIS = 3
COMBINATIONS = 27
MAX_SUPPORT = 8


@dataclass(frozen=True)
class Relation:
    """On `axis`, the cell at index `parent` is the sum of the cells at `children`."""

    axis: int
    parent: Hashable
    children: tuple[Hashable, ...]


def hidden_marker(min_cell: int) -> str:
    """How a hidden cell reads: "<5"."""
    return f"<{min_cell}"


def primary_cells(values: Mapping[Coord, float], min_cell: int) -> set[Coord]:
    """Cells with a count from 1 to min_cell-1 (zeros are shown)."""
    return {coord for coord, value in values.items() if 0 < value < min_cell}


def suppress(
    values: Mapping[Coord, float],
    axes: Sequence[Sequence[Hashable]],
    relations: Sequence[Relation],
    min_cell: int = DEFAULT_MIN_CELL,
    *,
    primary: Iterable[Coord] | None = None,
) -> frozenset[Coord]:
    """The cells to hide: primary cells, their hypercubes, then the line rule.

    `values` maps coordinates to the figure (missing coordinates are 0); `primary` overrides
    which cells are hidden to begin with (e.g. sums of hours hidden where fewer than
    min_cell volunteers contributed).
    """
    first = set(primary_cells(values, min_cell) if primary is None else primary)
    if not first or not relations:
        return frozenset(first)
    # Work on small integers: tuples of ints hash and compare far faster than of periods.
    number = [{index: i for i, index in enumerate(axis)} for axis in axes]
    name = [list(axis) for axis in axes]

    def encode(coord):
        return tuple(number[d][x] for d, x in enumerate(coord))

    hidden = _suppress(
        {encode(c): v for c, v in values.items()},
        [range(len(axis)) for axis in axes],
        [
            Relation(r.axis, number[r.axis][r.parent], tuple(number[r.axis][c] for c in r.children))
            for r in relations
        ],
        {encode(c) for c in first},
    )
    return frozenset(tuple(name[d][x] for d, x in enumerate(coord)) for coord in hidden)


def _suppress(values, axes, relations, first) -> set:
    hidden = set(first)
    order = {coord: i for i, coord in enumerate(product(*axes))}
    by_axis = [[r for r in relations if r.axis == d] for d in range(len(axes))]
    parents = [{r.parent for r in rels} for rels in by_axis]
    vectors: dict[tuple, list[tuple]] = {}
    for cell in sorted(first, key=lambda c: order.get(c, 0)):
        options = []
        for d, index in enumerate(cell):
            key = (d, index)
            if key not in vectors:
                # The other indices of each vector, fewest first (a stable order for ties).
                vectors[key] = [
                    tuple(i for i in v if i != index)
                    for v in axis_vectors(by_axis[d], index, axes[d])
                ]
            head, tail = cell[:d], cell[d + 1 :]
            costed = sorted(
                (
                    sum(_weight((*head, i, *tail), hidden, values) for i in others),
                    n,
                    others,
                )
                for n, others in enumerate(vectors[key])
            )
            chosen = costed[:TRIED_PER_AXIS]
            # Keep one vector that avoids the axis's totals, if there is one: going through a
            # total on every axis would hide a grand total (city × all × year).
            if all(set(o) & parents[d] for _c, _n, o in chosen):
                below = [c for c in costed if not set(c[2]) & parents[d]]
                chosen = [*chosen[: TRIED_PER_AXIS - 1], *below[:1]] if below else chosen
            options.append(chosen)
        hidden.update(_cheapest_cube(cell, options, hidden, values))
    lines = [(parent, (*children, parent)) for _r, parent, children in _lines(axes, relations)]
    by_cell: dict[Coord, list[int]] = {}
    for i, (_parent, cells) in enumerate(lines):
        for c in cells:
            by_cell.setdefault(c, []).append(i)
    _secondary(lines, by_cell, hidden, values, order)
    return hidden


def _weight(coord, hidden, values) -> float:
    """What hiding a cell costs: nothing if it is hidden already, else its value (a zero
    costs as much as a one: a hidden zero tells little, but says nothing either)."""
    if coord in hidden:
        return 0
    return values.get(coord, 0) or ZERO_COST


def _cheapest_cube(cell, options, hidden, values) -> set:
    """The hypercube with the lowest cost among the cheapest vectors of each axis.

    The corners off the primary's own lines (two or more axes changed, e.g. city × all ×
    year) are costed too: combinations are tried in the order of their line costs until one
    adds nothing off the lines, at most COMBINATIONS of them.
    """
    combos = sorted(
        product(*[range(len(o)) for o in options]),
        key=lambda idx: sum(options[d][i][0] for d, i in enumerate(idx)),
    )
    best, best_cost = None, None
    for idx in combos[:COMBINATIONS]:
        supports = [(cell[d], *options[d][i][2]) for d, i in enumerate(idx)]
        corners = list(product(*supports))
        cost = 0
        for corner in corners:
            cost += _weight(corner, hidden, values)
            if best_cost is not None and cost >= best_cost:
                break
        if best_cost is None or cost < best_cost:
            best, best_cost = corners, cost
            if cost == sum(options[d][i][0] for d, i in enumerate(idx)):
                break  # nothing off the lines: no combination can be cheaper
    return set(best or ())


def axis_vectors(relations: Sequence[Relation], index, indices) -> list[dict]:
    """Small vectors v on one axis with v[index] = 1 that every sum of the axis ignores
    (for each relation: the children's entries add up to the parent's).

    Found by closing: start with {index: 1}, take the first relation out of balance and
    balance it with a new entry on one of its children or its parent, until all balance.
    At most MAX_VECTORS vectors of at most MAX_SUPPORT entries; {index: 1} alone when the
    axis has no sums through this index.
    """
    involved = [r for r in relations if index == r.parent or index in r.children]
    if not involved:
        return [{index: 1}]
    found: list[dict] = []

    def balance(r, v):
        return sum(v.get(c, 0) for c in r.children) - v.get(r.parent, 0)

    def close(v):
        if len(found) >= MAX_VECTORS:
            return
        open_ = next((r for r in relations if balance(r, v)), None)
        if open_ is None:
            found.append(dict(v))
            return
        if len(v) >= MAX_SUPPORT:
            return
        gap = balance(open_, v)
        # Siblings first (cancel inside the relation), then up to the parent.
        for child in open_.children:
            if child not in v:
                close({**v, child: -gap})
        if open_.parent not in v:
            close({**v, open_.parent: gap})

    close({index: 1})
    if not found:  # cannot happen with sums of children; fall back to the whole axis
        return [dict.fromkeys(indices, 1)]
    unique = {tuple(sorted(v.items(), key=lambda kv: str(kv[0]))): v for v in found}
    return sorted(unique.values(), key=lambda v: (len(v), sorted(map(str, v))))


def _lines(axes: Sequence[Sequence[Hashable]], relations: Iterable[Relation]):
    """Every line: (relation, parent coordinate, child coordinates)."""
    for relation in relations:
        others = [axis for i, axis in enumerate(axes) if i != relation.axis]
        for rest in product(*others):

            def at(index, rest=rest, axis=relation.axis):
                return (*rest[:axis], index, *rest[axis:])

            yield relation, at(relation.parent), tuple(at(c) for c in relation.children)


def _partner(line_cells, parent, hidden, values, order) -> Coord | None:
    """The cell to hide next on a line: the smallest non-zero child, then the parent."""
    candidates = [c for c in line_cells if c not in hidden]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda c: (values.get(c, 0) == 0, c == parent, values.get(c, 0), order.get(c, 0)),
    )


def _secondary(lines, by_cell, hidden: set, values, order) -> None:
    """Hide more cells until no line has exactly one hidden cell."""
    todo = {i for cell in hidden for i in by_cell.get(cell, ())}
    while todo:
        i = min(todo)
        todo.discard(i)
        parent, cells = lines[i]
        if sum(1 for c in cells if c in hidden) != 1:
            continue
        partner = _partner(cells, parent, hidden, values, order)
        if partner is not None:
            hidden.add(partner)
            todo.update(by_cell.get(partner, ()))


def lines_of(axes: Sequence[Sequence[Hashable]], relations: Sequence[Relation]) -> list:
    """The lines of a cube (for `recoverable`, e.g. in tests)."""
    return list(_lines(axes, relations))


def recoverable(lines, hidden: set | frozenset) -> set:
    """Hidden cells the published sums pin down exactly; `lines` from `lines_of`.

    Each line with a hidden cell is an equation parent - sum(children) = 0 in the hidden
    cells (the published ones are constants). A hidden cell is determined exactly when every
    solution of the homogeneous system is 0 there: the null space has no component in it.
    The system falls apart into independent blocks, solved one by one (dense SVD: meant for
    checks on test-sized cubes, not for every page).
    """
    import numpy as np

    equations = []
    for _relation, parent, children in lines:
        row: dict = {}
        for cell in (*children, parent):
            if cell in hidden:
                row[cell] = row.get(cell, 0.0) + (1.0 if cell == parent else -1.0)
        if row:
            equations.append(row)
    root: dict = {}

    def find(c):
        while root.setdefault(c, c) != c:
            root[c] = root[root[c]]
            c = root[c]
        return c

    for row in equations:
        cells = list(row)
        for other in cells[1:]:
            a, b = find(cells[0]), find(other)
            if a != b:
                root[a] = b
    blocks: dict = {}
    for row in equations:
        blocks.setdefault(find(next(iter(row))), []).append(row)
    pinned = set()
    for rows in blocks.values():
        columns: dict = {}
        for row in rows:
            for cell in row:
                columns.setdefault(cell, len(columns))
        matrix = np.zeros((len(rows), len(columns)))
        for i, row in enumerate(rows):
            for cell, value in row.items():
                matrix[i, columns[cell]] = value
        gram = matrix.T @ matrix
        eigenvalues, eigenvectors = np.linalg.eigh(gram)
        null_space = eigenvectors[:, eigenvalues < 1e-9 * max(1.0, float(eigenvalues.max()))]
        weight = np.abs(null_space).max(axis=1) if null_space.size else np.zeros(len(columns))
        pinned.update(cell for cell, j in columns.items() if weight[j] < 1e-7)
    return pinned
