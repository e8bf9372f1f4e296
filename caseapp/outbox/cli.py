"""`flask outbox send` delivers what is due (cron); `status`, `requeue-stuck` and `retry-failed`
let an operator look after messages that did not go out."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from caseapp.core.clock import utcnow

outbox_cli = AppGroup("outbox", help="Deliver queued e-mail and SMS.")


def default_sender():
    from caseapp.outbox.senders import ChannelSender, SmtpSender, SmtpSettings

    return ChannelSender(SmtpSender(SmtpSettings.from_config(current_app.config)))


def send_due_report():
    from caseapp.outbox.services import RetryPolicy, deliver_due_report

    policy = RetryPolicy(max_attempts=current_app.config["OUTBOX_MAX_ATTEMPTS"])
    return deliver_due_report(utcnow(), default_sender(), policy)


def send_due() -> tuple[int, int]:
    """(sent, failed for good), for commands that send after queueing."""
    report = send_due_report()
    return report.sent, report.failed


@outbox_cli.command("send")
@with_appcontext
def send_command():
    """Send what is due; retries later what the server refused.

    Exits with 1 when a message could not be delivered (for example, the SMTP server is
    unreachable), after printing why, so cron and monitoring notice.
    """
    report = send_due_report()
    click.echo(f"sent {report.sent}, failed {report.failed}, retry later {report.retrying}")
    for error in report.errors:
        click.echo(f"delivery failed: {error}", err=True)
    if not report.ok:
        sys.exit(1)


@outbox_cli.command("status")
@with_appcontext
def status_command():
    """How many messages are queued, being sent, sent and failed; the failed ones listed."""
    from sqlalchemy import select

    from caseapp.extensions import db
    from caseapp.outbox.models import FAILED, OutboxMessage
    from caseapp.outbox.services import status_counts

    counts = status_counts()
    click.echo(
        ", ".join(f"{k} {counts.get(k, 0)}" for k in ("queued", "sending", "sent", "failed"))
    )
    for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == FAILED).order_by(OutboxMessage.id)
    ):
        click.echo(f"  failed #{m.id} {m.channel} attempts {m.attempts}: {m.last_error}")


@outbox_cli.command("requeue-stuck")
@click.option("--minutes", default=30, show_default=True, help="Claimed longer ago than this.")
@with_appcontext
def requeue_stuck_command(minutes):
    """Queue again messages left "sending" by a sender that died (they may have gone out)."""
    from datetime import timedelta

    from caseapp.extensions import db
    from caseapp.outbox.services import requeue_stuck

    count = requeue_stuck(utcnow(), timedelta(minutes=minutes))
    db.session.commit()
    click.echo(f"requeued {count}")


@outbox_cli.command("retry-failed")
@click.option("--id", "ids", type=int, multiple=True, help="Only these messages (repeatable).")
@with_appcontext
def retry_failed_command(ids):
    """Give failed messages a fresh set of attempts, e.g. after fixing the SMTP settings."""
    from caseapp.extensions import db
    from caseapp.outbox.services import retry_failed

    count = retry_failed(utcnow(), list(ids))
    db.session.commit()
    click.echo(f"queued again {count}")


def register_cli(app) -> None:
    app.cli.add_command(outbox_cli)
