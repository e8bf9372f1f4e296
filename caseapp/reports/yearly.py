"""The yearly integration report: the city's figures of a calendar year, the key figures against
the year before, the fields of action, the barrier roll-up and the method — as PDF and CSV.

Built from the same suppressed cubes as the dashboards (a slice per area and year), so the
report never shows a figure a dashboard hides, nor the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask_babel import force_locale

from caseapp.core.clock import local_today
from caseapp.i18n import _, _l
from caseapp.people.vocab import NEED_AREAS
from caseapp.reports import csv_export
from caseapp.reports.cube import ALL, CITY, ratio
from caseapp.reports.indicators import FIGURES, SECTIONS, figures_of
from caseapp.reports.labels import Names
from caseapp.reports.periods import Period
from caseapp.reports.services import Report, all_districts, all_offices
from caseapp.reports.tables import Cell, Table, area_for, build_table, shown_periods

# (label, indicator, category, measure, divide, digits); None measure = no-show rate
KEY_FIGURES = [
    (_l("New registrations"), "registrations", ALL, "count", 1, 0),
    (_l("Persons with at least one consultation"), "persons_consulted", ALL, "count", 1, 0),
    (_l("Consultations"), "consultations", ALL, "count", 1, 0),
    (_l("Open cases at the end of the year"), "cases_open", ALL, "count", 1, 0),
    (
        _l("Days from registration to the first consultation (median)"),
        "first_consultation_days",
        ALL,
        "median",
        1,
        0,
    ),
    (_l("Aid given"), "aid", ALL, "count", 1, 0),
    (_l("Value of aid given (euros)"), "aid", ALL, "value", 100, 0),
    (_l("Referrals sent"), "referrals", ALL, "count", 1, 0),
    (_l("Appointments"), "appointments", ALL, "count", 1, 0),
    (_l("No-show rate (%)"), "appointments", ALL, None, 1, 1),
    (_l("Volunteer sign-ups"), "volunteer_signups", ALL, "count", 1, 0),
    (_l("Active volunteers"), "volunteer_hours", ALL, "volunteers", 1, 0),
    (_l("Hours volunteered"), "volunteer_hours", ALL, "minutes", 60, 0),
    (_l("Matches made"), "matches_started", ALL, "count", 1, 0),
    (_l("Matches that reached six months"), "matches_six_months", ALL, "count", 1, 0),
    (_l("Days waiting for a match (median)"), "match_waiting_days", ALL, "median", 1, 0),
    (_l("Structural barriers"), "barriers", ALL, "count", 1, 0),
]

# The overview per field of action: (column label, indicator, breakdown)
FIELD_COLUMNS = [
    (_l("Consultations"), "consultations", "need"),
    (_l("Referrals"), "referrals", "need"),
    (_l("Appointments"), "appointments", "need"),
    (_l("Structural barriers"), "barriers", "field"),
]


@dataclass
class KeyFigure:
    label: str
    previous: Cell
    current: Cell
    change: str


@dataclass
class YearlyReport:
    year: int
    language: str
    as_of: date
    min_cell: int
    key_figures: list[KeyFigure] = field(default_factory=list)
    field_columns: list[str] = field(default_factory=list)
    fields: list[tuple[str, list[Cell]]] = field(default_factory=list)
    sections: list[tuple[str, str, list[Table]]] = field(default_factory=list)


def file_name(year: int, ext: str) -> str:
    return f"integration-report-{year}.{ext}"


def _key_cell(report: Report, indicator, category, measure, divide, digits, period) -> Cell:
    cube = report.cube(indicator)
    marker = f"<{cube.min_cell}"
    if measure is None:  # no-show rate
        no_show = cube.shown(CITY, ("status", "no_show"), period)
        attended = cube.shown(CITY, ("status", "attended"), period)
        if no_show is None or attended is None:
            return Cell(None, True, digits, marker)
        return Cell(ratio(no_show, no_show + attended), False, digits, marker)
    if measure == "median":
        n = cube.value(CITY, category, period, "n") or 0
        value = cube.value(CITY, category, period, "median")
        return Cell(value, 0 < n < cube.min_cell, digits, marker)
    value = cube.shown(CITY, category, period, measure)
    if value is None:
        return Cell(None, True, digits, marker)
    return Cell(value / divide, False, digits, marker)


def _change(previous: Cell, current: Cell) -> str:
    if previous.value is None or current.value is None or previous.hidden or current.hidden:
        return "–"
    diff = current.value - previous.value
    text = Cell(abs(diff), digits=current.digits).text
    sign = "+" if diff > 0 else ("−" if diff < 0 else "±")
    if previous.value:
        percent = Cell(abs(100.0 * diff / float(previous.value)), digits=1).text
        return f"{sign}{text} ({sign}{percent} %)"
    return f"{sign}{text}"


def assemble(year: int, language: str = "de") -> YearlyReport:
    """The report's content in `language` (labels, numbers)."""
    whole = Period(year)
    current = Report(year, periods=tuple(shown_periods(whole)))
    previous = Report(year - 1, periods=(Period(year - 1),))
    with force_locale(language):
        names = Names.load(language)
        result = YearlyReport(year, language, local_today(), current.min_cell)
        for label, indicator, category, measure, divide, digits in KEY_FIGURES:
            before = _key_cell(
                previous, indicator, category, measure, divide, digits, Period(year - 1)
            )
            now = _key_cell(current, indicator, category, measure, divide, digits, whole)
            result.key_figures.append(KeyFigure(str(label), before, now, _change(before, now)))
        result.field_columns = [str(label) for label, _i, _b in FIELD_COLUMNS]
        for need in NEED_AREAS:
            cells = []
            for _label, indicator, breakdown in FIELD_COLUMNS:
                cube = current.cube(indicator)
                value = cube.shown(CITY, (breakdown, need), whole)
                cells.append(Cell(value, value is None, 0, f"<{cube.min_cell}"))
            result.fields.append((str(NEED_AREAS[need]), cells))
        for section, title in SECTIONS.items():
            tables = [
                build_table(current.cube(f.indicator), f, CITY, whole, names)
                for f in figures_of(section)
                if area_for(f, CITY) is not None
            ]
            result.sections.append((section, str(title), tables))
    return result


def csv(year: int, language: str = "de") -> bytes:
    """Every figure for the city, each office and each district: the year and its quarters."""
    whole = Period(year)
    report = Report(year, periods=tuple(shown_periods(whole)))
    areas = [
        CITY,
        *[("office", o) for o in all_offices()],
        *[("district", d) for d in [*all_districts(), None]],
    ]
    with force_locale(language):
        names = Names.load(language)
        tables = [
            build_table(report.cube(f.indicator), f, area, whole, names)
            for f in FIGURES
            for area in areas
            if area_for(f, area) is not None
        ]
        return csv_export.write(tables)


def pdf(year: int, language: str = "de") -> bytes:
    from caseapp.reports.pdf import render

    content = assemble(year, language)
    with force_locale(language):
        return render(content)


def write(year: int, out: Path, language: str = "de") -> tuple[Path, Path]:
    """Both files into the directory `out` (the CLI)."""
    out.mkdir(parents=True, exist_ok=True)
    pdf_path, csv_path = out / file_name(year, "pdf"), out / file_name(year, "csv")
    pdf_path.write_bytes(pdf(year, language))
    csv_path.write_bytes(csv(year, language))
    return pdf_path, csv_path


def method_paragraphs(min_cell: int) -> list[str]:
    """The method note: sources, counting rules, suppression."""
    return [
        _(
            "Sources: the records of Lotse (cases, consultations, aid, referrals, appointments, volunteers, matches and structural barriers tagged on consultations). Only counts leave the records; no names, no notes."
        ),
        _(
            "Periods are calendar months, quarters and years in German time. Persons count at the office of their case and in the district recorded today; merged duplicate records do not count."
        ),
        _(
            "Small counts: any count from 1 to %(n)s is shown as “<%(m)s”. Where a row or column total would give a hidden count back, the next smallest cell is hidden as well; a final check makes sure that no combination of published totals determines a hidden count. Sums of euros and hours are hidden wherever their count is.",
            n=min_cell - 1,
            m=min_cell,
        ),
        _(
            "Durations are whole days. Medians are shown from %(n)s values, 90th percentiles from %(m)s values (nearest rank).",
            n=min_cell,
            m=2 * min_cell,
        ),
        _(
            "Every figure is defined in the definitions under its table; the full list of indicators is kept with Lotse (docs/indicators.md)."
        ),
    ]
