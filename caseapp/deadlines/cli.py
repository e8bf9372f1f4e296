"""`flask --app wsgi deadlines scan` and `deadlines install-defaults`."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

deadlines_cli = AppGroup("deadlines", help="Deadline watch (derive, warn, mark missed).")


@deadlines_cli.command("scan")
def scan_command():
    """Derive deadlines, mark missed ones, create next steps and queue reminders (idempotent)."""
    from caseapp.core.clock import local_today, utcnow
    from caseapp.deadlines.scan import scan

    started = time.perf_counter()
    report = scan(local_today(), utcnow())
    click.echo(f"{report} in {time.perf_counter() - started:.1f} s")


@deadlines_cli.command("install-defaults")
def install_defaults_command():
    """Add the shipped deadline kinds that are not in the catalogue yet."""
    from caseapp.deadlines.catalogue import install_defaults
    from caseapp.extensions import db

    added = install_defaults()
    db.session.commit()
    click.echo(f"added {added} deadline kinds")


def register_cli(app) -> None:
    app.cli.add_command(deadlines_cli)
