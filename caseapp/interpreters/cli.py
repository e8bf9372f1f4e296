"""`flask --app wsgi interpreters round --from DATE --to DATE [--dry-run]`: a round from a shell."""

from __future__ import annotations

from datetime import date, timedelta

import click
from flask.cli import AppGroup, with_appcontext

from caseapp.core.clock import local_today
from caseapp.extensions import db

interpreters_cli = AppGroup("interpreters", help="Interpreters for appointments.")


@interpreters_cli.command("round")
@click.option(
    "--from",
    "starts_on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="First day (default: next Monday).",
)
@click.option(
    "--to",
    "ends_on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Last day (default: six days after the first).",
)
@click.option("--dry-run", is_flag=True, help="Compute and report, store nothing.")
@with_appcontext
def round_command(starts_on, ends_on, dry_run):
    """Propose interpreters for the period's appointments (stored for the coordinator)."""
    from caseapp.interpreters import engine, services

    first: date = (
        starts_on.date()
        if starts_on
        else (local_today() + timedelta(days=7 - local_today().weekday()))
    )
    last: date = ends_on.date() if ends_on else first + timedelta(days=6)
    inputs = services.load_round(None, first, last)
    db.session.commit()  # no database lock held while the solver runs
    if dry_run:
        plan = engine.plan_round(inputs.needs, inputs.interpreters, inputs.settings)
        click.echo(
            f"{len(inputs.needs)} appointments, {len(inputs.interpreters)} interpreters: "
            f"{len(plan.proposals)} proposals, {len(plan.unmatched)} without, "
            f"optimal {plan.optimal}, {plan.timings['total']:.2f} s"
        )
        return
    round_ = services.propose(None, inputs)
    db.session.commit()
    click.echo(
        f"round {round_.id}: {round_.stats.get('matched', 0)} proposals, "
        f"{len(round_.unmatched)} without an interpreter"
    )


def register_cli(app) -> None:
    app.cli.add_command(interpreters_cli)
