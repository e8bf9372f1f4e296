"""`flask volunteers remind-trainings`: queue reminders for trainings in the next 48 hours."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from caseapp.core.clock import utcnow
from caseapp.extensions import db

volunteers_cli = AppGroup("volunteers", help="Volunteer programmes.")


@volunteers_cli.command("remind-trainings")
@click.option("--send/--no-send", default=True, help="Deliver the outbox right away.")
@with_appcontext
def remind_trainings_command(send):
    """Queue reminders (once per registration) and, by default, send what is due."""
    from caseapp.volunteers.trainings import remind_trainings

    queued = remind_trainings(utcnow())
    db.session.commit()
    click.echo(f"queued {queued} reminders")
    if send:
        from caseapp.outbox.cli import send_due

        sent, failed = send_due()
        click.echo(f"sent {sent}, failed {failed}")


@volunteers_cli.command("purge-unconfirmed")
@with_appcontext
def purge_unconfirmed_command():
    """Delete sign-ups never confirmed within the link's lifetime (run daily)."""
    from caseapp.volunteers.services import purge_unconfirmed

    removed = purge_unconfirmed(utcnow())
    db.session.commit()
    click.echo(f"removed {removed} unconfirmed sign-ups")


def register_cli(app) -> None:
    app.cli.add_command(volunteers_cli)
