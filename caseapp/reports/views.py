"""Dashboards, their CSV exports and the yearly report downloads: parse, ask, render."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user

from caseapp.auth.roles import Role
from caseapp.core.clock import local_today
from caseapp.extensions import db
from caseapp.i18n import LANGUAGES, current_language, text_direction
from caseapp.reports import charts, csv_export, services, yearly
from caseapp.reports.blueprint import bp
from caseapp.reports.cube import CITY
from caseapp.reports.indicators import FIGURES_BY_KEY, SECTIONS, figures_of
from caseapp.reports.labels import Names, period_label
from caseapp.reports.periods import Period
from caseapp.reports.tables import area_for, build_table, shown_periods
from caseapp.web import readonly
from caseapp.web.access import access
from caseapp.web.readonly import read_only

READERS = (Role.CASEWORKER, Role.COORDINATOR, Role.REPORTS, Role.ADMIN)
YEARS_BACK = 4


def _years() -> list[int]:
    today = local_today()
    return list(range(today.year, today.year - YEARS_BACK - 1, -1))


def _period(raw: str | None) -> Period:
    """The chosen period: a calendar month, quarter or year of the last few years; the
    running year when none is chosen; 404 for anything else (no free date ranges)."""
    if not raw:
        return Period(local_today().year)
    period = Period.parse(raw)
    if period is None or period.year not in _years():
        abort(404)
    return period


def area_key(area: tuple) -> str:
    return csv_export.area_key(area)


def _area(raw: str | None, allowed: list[tuple]) -> tuple:
    """The chosen area if the user may see it: another office's figures are not there (404)."""
    if not allowed:
        abort(403)
    if not raw:
        return allowed[0]
    for area in allowed:
        if area_key(area) == raw:
            return area
    abort(404)


def _tables(section: str, area: tuple, period: Period):
    report = services.Report(period.year, periods=tuple(shown_periods(period)))
    names = Names.load()
    tables = []
    for figure in figures_of(section):
        if area_for(figure, area) is None:
            continue
        tables.append(build_table(report.cube(figure.indicator), figure, area, period, names))
    return tables, names, report.as_of


def chart_for(table, rtl: bool):
    """Columns over time for one figure over several periods, bars for categories."""
    if table.is_series:
        items = [
            charts.Item(period_label(p, short=True), c.value, c.text)
            for p, c in zip(table.periods[:-1], table.rows[0].cells[:-1], strict=True)
        ]
        return charts.columns(items, rtl=rtl, title=table.title)
    items = [charts.Item(label, cell.value, cell.text) for label, cell in table.last_column()]
    if len(items) < 2:
        return None
    return charts.bars(items, rtl=rtl, title=table.title)


@bp.get("")
@access(*READERS)
def index():
    audience = services.audience(current_user)
    if not audience.sections and not audience.yearly_report:
        abort(403)
    return render_template(
        "reports/index.html",
        sections=[(key, title) for key, title in SECTIONS.items() if key in audience.sections],
        yearly=audience.yearly_report,
        years=_years(),
        default_year=local_today().year - 1,
        languages=list(LANGUAGES.items()),
        min_cell=services.min_cell(),
    )


@bp.get("/<section>")
@access(*READERS)
@read_only
def section(section: str):
    if section not in SECTIONS:
        abort(404)
    audience = services.audience(current_user)
    if section not in audience.sections:
        abort(403)
    period = _period(request.args.get("period"))
    area = _area(request.args.get("area"), audience.areas(section))
    tables, names, as_of = _tables(section, area, period)
    rtl = text_direction(current_language()) == "rtl"
    figures = [(table, chart_for(table, rtl)) for table in tables]
    return render_template(
        "reports/section.html",
        section=section,
        title=SECTIONS[section],
        figures=figures,
        period=period,
        area=area,
        area_key=area_key,
        areas=[(area_key(a), names.area(a)) for a in audience.areas(section)],
        years=_years(),
        period_label=period_label,
        year_period=Period,
        min_cell=services.min_cell(),
        city=CITY,
        as_of=as_of,
    )


@bp.get("/<section>/<figure>.csv")
@access(*READERS)
def table_csv(section: str, figure: str):
    if section not in SECTIONS or figure not in FIGURES_BY_KEY:
        abort(404)
    wanted = FIGURES_BY_KEY[figure]
    if wanted.section != section:
        abort(404)
    audience = services.audience(current_user)
    if section not in audience.sections:
        abort(403)
    period = _period(request.args.get("period"))
    area = _area(request.args.get("area"), audience.areas(section))
    if area_for(wanted, area) is None:
        abort(404)
    with readonly.reading():  # figures from a million rows: no write lock meanwhile
        report = services.Report(period.year, periods=tuple(shown_periods(period)))
        table = build_table(report.cube(wanted.indicator), wanted, area, period, Names.load())
    services.record_export(current_user, f"table:{figure}", year=period.year, area=area_key(area))
    db.session.commit()
    return _download(
        csv_export.write([table]),
        f"{figure}-{period.key}-{area_key(area).replace(':', '-')}.csv",
        "text/csv; charset=utf-8",
    )


def _year_arg() -> int:
    raw = request.args.get("year", "")
    if not raw:
        return local_today().year - 1
    if not raw.isdigit() or int(raw) not in _years():
        abort(404)
    return int(raw)


@bp.get("/yearly.pdf")
@access(Role.REPORTS, Role.ADMIN)
def yearly_pdf():
    year = _year_arg()
    language = request.args.get("lang") or "de"
    if language not in LANGUAGES:
        abort(404)
    with readonly.reading():
        content = yearly.pdf(year, language)
    services.record_export(current_user, "yearly_pdf", year=year, language=language)
    db.session.commit()
    return _download(content, yearly.file_name(year, "pdf"), "application/pdf")


@bp.get("/yearly.csv")
@access(Role.REPORTS, Role.ADMIN)
def yearly_csv():
    year = _year_arg()
    language = request.args.get("lang") or "de"
    if language not in LANGUAGES:
        abort(404)
    with readonly.reading():
        content = yearly.csv(year, language)
    services.record_export(current_user, "yearly_csv", year=year, language=language)
    db.session.commit()
    return _download(content, yearly.file_name(year, "csv"), "text/csv; charset=utf-8")


def _download(content: bytes, name: str, mimetype: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
