"""`flask people export` (a subject access export) and `flask retention run`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from caseapp.extensions import db
from caseapp.i18n import LANGUAGES

retention_cli = AppGroup("retention", help="Retention: anonymise and delete what is due.")


@click.command("export")
@click.option("--person", "case_number", required=True, help="The person's case number.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False))
@click.option("--household", is_flag=True, help="The person's whole household.")
@click.option("--lang", type=click.Choice(sorted(LANGUAGES)), default=None)
@with_appcontext
def export_command(case_number: str, out_dir: str, household: bool, lang: str | None):
    """Everything Lotse holds about a person (art. 15): JSON and PDFs into OUT."""
    from caseapp.privacy import export, services

    person = export.find_by_case_number(case_number)
    if person is None:
        raise click.ClickException(f"no case {case_number!r}")
    files = export.write_export(None, person, Path(out_dir), household=household, language=lang)
    services.mark_exports_done(None, [person.id])
    db.session.commit()  # the audit rows of the export
    for path in files:
        click.echo(str(path))


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Only count what is due.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@with_appcontext
def run_command(dry_run: bool, as_json: bool):
    """Anonymise persons and delete records whose retention period is over."""
    from caseapp.privacy import retention

    outcome = retention.run(None, dry_run=dry_run)
    if as_json:
        click.echo(
            json.dumps({"run": outcome.run_id, "dry_run": dry_run, "lines": outcome.summary})
        )
        return
    for line in outcome.summary:
        click.echo(f"{line['kind']:<24} {line['action']:<11} {line['count']:>8}  ({line['rule']})")
    if not outcome.summary:
        click.echo("nothing due")


def register_cli(app) -> None:
    from caseapp.people.cli import people_cli

    people_cli.add_command(export_command)
    app.cli.add_command(retention_cli)
