"""A figure as a table: rows (categories, or median and p90), one column per shown period.

The same table feeds the chart, the accessible HTML table under it, its CSV export and the
PDF, so all four always show the same (suppressed) figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask_babel import get_locale

from caseapp.i18n import _
from caseapp.reports.cube import ALL, Cube, ratio
from caseapp.reports.indicators import INDICATORS, Figure
from caseapp.reports.labels import Names, period_label
from caseapp.reports.periods import Period

# How a measure is shown: (digits after the decimal point, divide by)
FORMATS = {"count": (0, 1), "value": (0, 100), "minutes": (1, 60), "volunteers": (0, 1)}


def format_number(value, digits: int = 0) -> str:
    """A number with the locale's grouping and decimal signs ("1.234,5" in German, "1,234.5"
    in Arabic with Latin digits, as Babel's patterns); formatting by hand because a yearly
    report formats tens of thousands of cells."""
    locale = get_locale()
    text = f"{round(float(value), digits):,.{digits}f}"
    if locale is None:
        return text
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", group)


@dataclass
class Cell:
    value: float | None  # None: hidden, or nothing to show
    hidden: bool = False
    digits: int = 0
    marker: str = ""  # what a hidden cell reads: "<5"

    @property
    def text(self) -> str:
        """The cell as shown in the viewer's language ("1.234", "12,5", "<5", "–")."""
        if self.hidden:
            return self.marker
        if self.value is None:
            return "–"
        return format_number(self.value, self.digits)

    @property
    def number(self) -> str:
        """The value for machines: digits and a full stop, empty when hidden."""
        if self.hidden or self.value is None:
            return ""
        if self.digits == 0:
            return str(round(self.value))
        return f"{self.value:.{self.digits}f}"


@dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]
    total: bool = False


@dataclass
class Table:
    figure: Figure
    title: str
    note: str
    area: tuple
    area_label: str
    periods: list[Period]
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    min_cell: int = 5
    unit: str = ""

    @property
    def key(self) -> str:
        return self.figure.key

    @property
    def is_series(self) -> bool:
        """One row over several periods: drawn as columns over time."""
        return len(self.rows) == 1 and len(self.periods) > 1

    def last_column(self) -> list[tuple[str, Cell]]:
        return [(row.label, row.cells[-1]) for row in self.rows if not row.total]


def shown_periods(period: Period) -> list[Period]:
    """The columns: the parts of the chosen period, then the period itself."""
    return [*period.parts(), period]


def area_for(figure: Figure, area: tuple) -> tuple | None:
    """The cube's area for the chosen one; None when the figure does not apply there."""
    kinds = INDICATORS[figure.indicator].area_kinds
    if area[0] == "office":
        if figure.role:
            return (figure.role, area[1])
        return area if "office" in kinds else None
    if figure.role == "to":
        return None  # city and districts: received = sent
    if area[0] == "district" and "district" not in kinds:
        return None
    return area


def build_table(cube: Cube, figure: Figure, area: tuple, period: Period, names: Names) -> Table:
    periods = shown_periods(period)
    where = area_for(figure, area) or area
    table = Table(
        figure=figure,
        title=str(figure.title),
        note=str(figure.note) if figure.note else "",
        area=area,
        area_label=names.area(area),
        periods=periods,
        columns=[period_label(p) for p in periods],
        min_cell=cube.min_cell,
    )
    if figure.measure == "quantiles":
        categories = [c for c in cube.categories if c[0] == figure.breakdown] or [ALL]
        for category in categories:
            prefix = "" if category == ALL else names.category(figure.indicator, category) + ": "
            for measure, label, needed in (
                ("median", _("Median"), cube.min_cell),
                ("p90", _("90th percentile"), 2 * cube.min_cell),
            ):
                cells = []
                for p in periods:
                    n = cube.value(where, category, p, "n") or 0
                    value = cube.value(where, category, p, measure)
                    hidden = 0 < n < needed
                    cells.append(Cell(None if hidden else value, hidden, marker=f"<{needed}"))
                key = f"{figure.key}/{_key(category)}/{measure}"
                table.rows.append(Row(key, prefix + label, cells))
        table.unit = _("days")
        return table
    if figure.measure == "no_show_rate":
        cells = []
        for p in periods:
            no_show = cube.shown(where, ("status", "no_show"), p)
            attended = cube.shown(where, ("status", "attended"), p)
            both = None if no_show is None or attended is None else no_show + attended
            share = ratio(no_show, both)
            hidden = no_show is None or attended is None
            cells.append(Cell(share, hidden, 1, marker=f"<{cube.min_cell}"))
        table.rows.append(Row(f"{figure.key}/all/rate", _("No-show rate"), cells))
        table.unit = "%"
        return table
    digits, divide = FORMATS[figure.measure]
    categories = [c for c in cube.categories if figure.breakdown and c[0] == figure.breakdown]
    for category in [*categories, ALL]:
        cells = []
        for p in periods:
            value = cube.shown(where, category, p, figure.measure)
            hidden = value is None
            cells.append(
                Cell(None if hidden else value / divide, hidden, digits, f"<{cube.min_cell}")
            )
        table.rows.append(
            Row(
                f"{figure.key}/{_key(category)}/{figure.measure}",
                names.category(figure.indicator, category),
                cells,
                total=category == ALL and bool(categories),
            )
        )
    table.unit = {"value": "€", "minutes": _("hours")}.get(figure.measure, "")
    return table


def _key(category: tuple) -> str:
    return "all" if category == ALL else f"{category[0]}:{category[1]}"
