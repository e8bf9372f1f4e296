"""`flask reports integration --year 2026 --out DIR [--lang de|ar|tr|en]`: the yearly report."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from caseapp.extensions import db
from caseapp.i18n import LANGUAGES
from caseapp.web import readonly

reports_cli = AppGroup("reports", help="Reports: the yearly integration report.")


@reports_cli.command("integration")
@click.option("--year", type=click.IntRange(2000, 2099), required=True)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, writable=True),
    required=True,
    help="Directory for integration-report-YEAR.pdf and .csv (created if missing).",
)
@click.option("--lang", type=click.Choice(sorted(LANGUAGES)), default="de", show_default=True)
def integration_command(year: int, out: str, lang: str):
    """Write the yearly integration report (PDF and CSV) for the whole city."""
    from caseapp.reports import services, yearly

    with current_app.test_request_context():
        with readonly.reading():  # a long read: no write lock on SQLite meanwhile
            pdf_path, csv_path = yearly.write(year, Path(out), lang)
        services.record_export(None, "yearly_report", year=year, language=lang)
        db.session.commit()
    click.echo(f"{pdf_path}\n{csv_path}")


@reports_cli.command("refresh")
@click.option(
    "--year",
    "years",
    type=click.IntRange(2000, 2099),
    multiple=True,
    help="Year to compute (repeatable; default: this year and the last).",
)
def refresh_command(years):
    """Compute and store the dashboards' figures (run every 15 minutes by cron)."""
    from caseapp.core.clock import local_today
    from caseapp.reports import services

    today = local_today()
    wanted = sorted(set(years)) or [today.year - 1, today.year]
    with current_app.test_request_context():
        done = services.refresh(wanted)
    seconds = sum(s for _k, _y, s in done)
    click.echo(f"{len(done)} figures for {', '.join(map(str, wanted))} in {seconds:.1f} s")
