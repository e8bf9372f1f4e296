"""`flask reminders send`: queue due appointment reminders and deliver the outbox (cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from caseapp.core.clock import utcnow

reminders_cli = AppGroup("reminders", help="Appointment reminders to newcomers.")


@reminders_cli.command("send")
@with_appcontext
def send_command():
    """Queue the reminders that are due and send every due message; prints how many."""
    from caseapp.appointments.reminders import send_reminders, sender_from_config
    from caseapp.outbox.services import RetryPolicy

    policy = RetryPolicy(max_attempts=current_app.config["OUTBOX_MAX_ATTEMPTS"])
    queued, sent, failed = send_reminders(utcnow(), sender_from_config(current_app.config), policy)
    click.echo(f"queued {queued} reminders; sent {sent}, failed {failed}")


def register_cli(app) -> None:
    app.cli.add_command(reminders_cli)
