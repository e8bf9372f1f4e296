"""`flask people import FILE.csv` and `flask people duplicates [--json]`."""

from __future__ import annotations

import sys
import time

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from caseapp.core.clock import local_today
from caseapp.extensions import db
from caseapp.i18n import _

people_cli = AppGroup("people", help="Persons: import from CSV, find duplicates.")


@people_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--office",
    "office_name",
    default=None,
    help="Office the persons belong to (default: the first).",
)
@with_appcontext
def import_command(path, office_name):
    """Import persons from a CSV file; bad rows are reported with their row number.

    The file is checked as a whole first, then written a few hundred rows at a time; an
    import that was stopped continues where it stopped when run again with the same file.
    """
    from caseapp.offices.models import Office
    from caseapp.people.import_runs import ImportBusy, ImportStopped, run_import

    stmt = select(Office).order_by(Office.id)
    if office_name:
        stmt = stmt.where(Office.name == office_name)
    office = db.session.scalar(stmt)
    if office is None:
        raise click.ClickException("no such office" if office_name else "create an office first")
    office_id = office.id
    db.session.rollback()  # no transaction open while the file is read
    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        report = run_import(
            None, raw, office_id=office_id, today=local_today(), progress=_progress()
        )
    except ImportBusy as error:
        click.echo(f"import not started: {error.reason}; try again when it has finished", err=True)
        sys.exit(1)
    except ImportStopped as error:
        click.echo(
            f"import stopped after {error.rows_done} of {error.rows_total} rows: {error.reason}. "
            "Run the same command again to continue from there.",
            err=True,
        )
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("import interrupted; run the same command again to continue.", err=True)
        sys.exit(130)
    except Exception as error:  # e.g. the database is unreachable: one line, no traceback
        click.echo(f"import failed: {str(error).strip().splitlines()[0]}", err=True)
        sys.exit(1)
    if not report.ok:
        click.echo(f"{report.fatal} {_('Nothing was imported.')}", err=True)
        sys.exit(1)
    for row, reason in report.errors:
        click.echo(f"row {row}: {reason}", err=True)
    if report.resumed_after:
        click.echo(f"continued after the {report.resumed_after} rows a stopped run had imported")
    unlisted = f" ({report.unlisted_errors} not listed)" if report.unlisted_errors else ""
    click.echo(
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
        f"rejected {report.rejected}{unlisted}"
    )


def _progress():
    """Print how far the import got about every ten seconds (long files take minutes)."""
    last = [time.monotonic()]

    def report(done: int, total: int) -> None:
        if time.monotonic() - last[0] >= 10:
            last[0] = time.monotonic()
            click.echo(f"... {done} of {total} rows", err=True)

    return report


from caseapp.people.review_cli import (  # noqa: E402
    duplicates_command,
    reindex_command,
    scan_command,
)

people_cli.add_command(duplicates_command)
people_cli.add_command(scan_command)
people_cli.add_command(reindex_command)
