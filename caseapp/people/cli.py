"""`flask people import FILE.csv` and `flask people duplicates [--json]`."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from caseapp.core.clock import local_today
from caseapp.extensions import db

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
    """Import persons from a CSV file; bad rows are reported with their row number."""
    from caseapp.offices.models import Office
    from caseapp.people.importing import import_people

    stmt = select(Office).order_by(Office.id)
    if office_name:
        stmt = stmt.where(Office.name == office_name)
    office = db.session.scalar(stmt)
    if office is None:
        raise click.ClickException("no such office" if office_name else "create an office first")
    with open(path, "rb") as fh:
        raw = fh.read()
    report = import_people(None, raw, office_id=office.id, today=local_today())
    if not report.ok:
        db.session.rollback()
        click.echo(report.fatal, err=True)
        sys.exit(1)
    db.session.commit()
    for row, reason in report.errors:
        click.echo(f"row {row}: {reason}", err=True)
    click.echo(
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
        f"rejected {len(report.errors)}"
    )


@people_cli.command("duplicates")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--limit", type=int, default=None)
@with_appcontext
def duplicates_command(as_json, limit):
    """List likely duplicate pairs across the whole database with score and reasons."""
    from caseapp.people.merging import duplicate_pairs
    from caseapp.people.models import Person

    pairs = duplicate_pairs(limit=limit)
    ids = {i for a, b, _c in pairs for i in (a, b)}
    people = {}
    for chunk_start in range(0, len(ids), 5000):
        chunk = sorted(ids)[chunk_start : chunk_start + 5000]
        people.update(
            {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(chunk)))}
        )
    rows = []
    for a, b, comparison in pairs:
        pa, pb = people[a], people[b]
        rows.append(
            {
                "a": {"id": a, "external_id": pa.external_id, "name": pa.full_name},
                "b": {"id": b, "external_id": pb.external_id, "name": pb.full_name},
                "score": round(comparison.score, 3),
                "reasons": list(comparison.reasons),
            }
        )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        click.echo(
            f"{row['score']:.3f}  {row['a']['id']:>7} {row['a']['name']:<30} "
            f"{row['b']['id']:>7} {row['b']['name']:<30} {', '.join(row['reasons'])}"
        )
    click.echo(f"{len(rows)} likely duplicate pairs")
