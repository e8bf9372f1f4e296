"""Small counts hidden, and hidden so that no sum of published figures gives them back (pure).

A report table here is a cube: cells addressed by one index per axis (area, category,
period), some of which are sums of others along one axis — `Relation(axis, parent, children)`
says "the `parent` index is the sum of the `children` indices on this axis, whatever the
other axes are". City = sum of the offices, year = sum of its quarters, all = sum of the
need areas.

1. **Primary suppression**: a count 1 … min_cell-1 is hidden (shown as "<5").
2. **Secondary suppression**: along every relation, a line (the children and their parent
   for fixed other indices) with exactly one hidden cell gives it back by subtraction; the
   smallest non-zero child still shown is hidden as well, then the parent, until no line has
   exactly one hidden cell (iterated, because each new cell sits on lines of other axes).
3. **Exact check**: in more than two dimensions lines with two hidden cells can still chain
   into a system that pins a hidden cell down (a "bridge"). The hidden cells and the
   published sums form a linear system; a primary cell is recoverable exactly when it lies
   in the row space of that system. Such cells get one more partner until none is left.

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


def suppress(
    values: Mapping[Coord, float],
    axes: Sequence[Sequence[Hashable]],
    relations: Sequence[Relation],
    min_cell: int = DEFAULT_MIN_CELL,
    *,
    primary: Iterable[Coord] | None = None,
    exact: bool = True,
) -> frozenset[Coord]:
    """The cells to hide: primary, secondary (line by line), then the exact check.

    `values` maps coordinates to the figure (missing coordinates are 0); `primary` overrides
    which cells are hidden to begin with (e.g. sums of hours hidden where fewer than
    min_cell volunteers contributed).
    """
    hidden = set(primary_cells(values, min_cell) if primary is None else primary)
    first = frozenset(hidden)
    if not hidden or not relations:
        return frozenset(hidden)
    order = {coord: i for i, coord in enumerate(product(*axes))}
    lines = [(parent, (*children, parent)) for _r, parent, children in _lines(axes, relations)]
    by_cell: dict[Coord, list[int]] = {}
    for i, (_parent, cells) in enumerate(lines):
        for cell in cells:
            by_cell.setdefault(cell, []).append(i)
    _secondary(lines, by_cell, hidden, values, order)
    while exact:
        pinned = _recoverable(lines, hidden) & first
        if not pinned:
            break
        # One partner per block of equations and round: the block changes with it, and
        # other pinned cells of the block may be freed by the same partner.
        handled: set = set()
        added = False
        for coord in sorted(pinned, key=lambda c: order.get(c, 0)):
            if coord in handled:
                continue
            block = _block_cells(coord, lines, by_cell, hidden)
            handled |= block
            partner = _best_partner([coord], lines, by_cell, hidden, values, order)
            if partner is None:  # its own lines are all hidden: widen to the block's lines
                partner = _best_partner(block, lines, by_cell, hidden, values, order)
            if partner is not None:
                hidden.add(partner)
                added = True
        if not added:
            break  # everything around is hidden: what is left pinned is a structural zero
        _secondary(lines, by_cell, hidden, values, order)
    return frozenset(hidden)


def _block_cells(coord, lines, by_cell, hidden) -> set:
    """The hidden cells linked to `coord` through lines (its block of equations)."""
    seen_cells, seen_lines, todo = {coord}, set(), [coord]
    while todo:
        cell = todo.pop()
        for i in by_cell.get(cell, ()):
            if i in seen_lines:
                continue
            seen_lines.add(i)
            for other in lines[i][1]:
                if other in hidden and other not in seen_cells:
                    seen_cells.add(other)
                    todo.append(other)
    return seen_cells


def _best_partner(coords, lines, by_cell, hidden, values, order):
    """Among the cells sharing a line with `coords`, the next one to hide: the smallest
    non-zero cell that is not a total, then zeros and totals."""
    candidates = set()
    for i in {i for coord in coords for i in by_cell.get(coord, ())}:
        parent, cells = lines[i]
        for cell in cells:
            if cell not in hidden:
                value = values.get(cell, 0)
                candidates.add(((value == 0, cell == parent, value, order.get(cell, 0)), cell))
    return min(candidates)[1] if candidates else None


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


def recoverable(lines, hidden: set | frozenset) -> set:
    """Hidden cells the published sums pin down exactly; `lines` from `lines_of`."""
    return _recoverable([(parent, (*children, parent)) for _r, parent, children in lines], hidden)


def _recoverable(lines, hidden) -> set:
    """Each line with a hidden cell is an equation parent - sum(children) = 0 in the hidden
    cells (the published ones are constants). A hidden cell is determined exactly when every
    solution of the homogeneous system is 0 there: the null space has no component in it.
    The system falls apart into independent blocks, solved one by one.
    """
    import numpy as np

    equations = []
    for parent, cells in lines:
        row: dict = {}
        for cell in cells:
            if cell in hidden:
                row[cell] = row.get(cell, 0.0) + (1.0 if cell == parent else -1.0)
        if row:
            equations.append(row)
    # Union-find over hidden cells that share an equation.
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
        columns = {}
        for row in rows:
            for cell in row:
                columns.setdefault(cell, len(columns))
        matrix = np.zeros((len(rows), len(columns)))
        for i, row in enumerate(rows):
            for cell, value in row.items():
                matrix[i, columns[cell]] = value
        _u, singular, vt = np.linalg.svd(matrix)
        rank = int((singular > 1e-9).sum())
        null_space = vt[rank:]
        if null_space.shape[0] == 0:
            pinned.update(columns)
            continue
        weight = np.abs(null_space).max(axis=0)
        pinned.update(cell for cell, j in columns.items() if weight[j] < 1e-9)
    return pinned


def lines_of(axes: Sequence[Sequence[Hashable]], relations: Sequence[Relation]) -> list:
    """The lines of a cube (for `recoverable` outside `suppress`, e.g. in tests)."""
    return list(_lines(axes, relations))
