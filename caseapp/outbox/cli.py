"""`flask outbox send`: deliver every message that is due (run it from cron or a timer)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from caseapp.core.clock import utcnow

outbox_cli = AppGroup("outbox", help="Deliver queued e-mail and SMS.")


def default_sender():
    from caseapp.outbox.senders import ChannelSender, SmtpSender, SmtpSettings

    return ChannelSender(SmtpSender(SmtpSettings.from_config(current_app.config)))


def send_due() -> tuple[int, int]:
    from caseapp.outbox.services import RetryPolicy, deliver_due

    policy = RetryPolicy(max_attempts=current_app.config["OUTBOX_MAX_ATTEMPTS"])
    return deliver_due(utcnow(), default_sender(), policy)


@outbox_cli.command("send")
@with_appcontext
def send_command():
    """Send what is due; retries later what the server refused."""
    sent, failed = send_due()
    click.echo(f"sent {sent}, failed {failed}")


def register_cli(app) -> None:
    app.cli.add_command(outbox_cli)
