"""`flask jobs worker` runs the queue's consumer and its schedule; `jobs run` runs (or queues)
one entry of the schedule now; `jobs status` and `jobs schedule` tell an operator what is
going on."""

from __future__ import annotations

import logging
import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from caseapp.config import _without_password
from caseapp.extensions import db
from caseapp.jobs import periodic
from caseapp.jobs.models import STATES, Job
from caseapp.jobs.queue import TASKS, JobsUnavailable, check_available, get_huey, jobs_url
from caseapp.jobs.tasks import run_periodic

jobs_cli = AppGroup("jobs", help="Background jobs: the worker, the schedule, the queue.")


def _available_huey():
    huey = get_huey()
    try:
        check_available(huey)
    except JobsUnavailable as error:
        raise click.ClickException(f"the job queue is unavailable: {error}") from None
    return huey


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Jobs run at the same time.")
@click.option(
    "--no-periodic",
    is_flag=True,
    help="Leave the schedule to another worker (more workers on other machines, one queue).",
)
@with_appcontext
def worker_command(workers, no_periodic):
    """Run queued jobs and the periodic work until stopped (Ctrl+C or SIGTERM)."""
    huey = get_huey()
    if huey.immediate:
        raise click.ClickException("jobs run at once in this configuration (JOBS_IMMEDIATE)")
    _available_huey()
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    click.echo(f"Lotse worker on {_without_password(jobs_url(current_app))}")
    consumer = huey.create_consumer(
        workers=workers,
        worker_type="thread",
        periodic=not no_periodic,
        # Locks a killed worker left behind; only the worker that runs the schedule clears them.
        flush_locks=not no_periodic,
    )
    consumer.run()


@jobs_cli.command("run")
@click.argument("name")
@click.option("--enqueue", is_flag=True, help="Hand it to the worker instead of running it here.")
@with_appcontext
def run_command(name, enqueue):
    """Run one entry of the schedule now (the same as its own command, e.g. `outbox send`)."""
    names = [entry.name for entry in periodic.schedule()]
    if name not in names:
        raise click.BadParameter(f"{name!r} is not one of {', '.join(names)}", param_hint="NAME")
    if enqueue:
        _available_huey()
        current_app.extensions[TASKS]["periodic_once"](name)
        click.echo(f"queued {name}")
        return
    summary = run_periodic(current_app._get_current_object(), get_huey(), periodic.by_name(name))
    if summary is None:
        click.echo(f"{name} is running elsewhere; not run again", err=True)
        sys.exit(1)
    click.echo(summary)


@jobs_cli.command("schedule")
def schedule_command():
    """What the worker runs when (crontab fields, UTC)."""
    for entry in periodic.schedule():
        click.echo(f"{periodic.describe(entry):<16} {entry.name:<24} {entry.help}")


@jobs_cli.command("status")
@with_appcontext
def status_command():
    """How many jobs wait, run, are done or failed, and how many messages the queue holds."""
    counts = dict(
        db.session.execute(select(Job.state, func.count(Job.id)).group_by(Job.state)).all()
    )
    click.echo(", ".join(f"{state} {counts.get(state, 0)}" for state in STATES))
    try:
        huey = get_huey()
        check_available(huey)
        click.echo(f"queue: {huey.pending_count()} waiting, {huey.scheduled_count()} scheduled")
    except JobsUnavailable as error:
        click.echo(f"queue unavailable: {error}", err=True)
        sys.exit(1)


def register_cli(app) -> None:
    app.cli.add_command(jobs_cli)
