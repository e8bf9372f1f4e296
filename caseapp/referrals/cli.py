"""`flask referrals flag-overdue`: flag referrals nobody accepted in time (run by cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from caseapp.extensions import db
from caseapp.i18n import ngettext

referrals_cli = AppGroup("referrals", help="Referral jobs.")


@referrals_cli.command("flag-overdue")
def flag_overdue_command():
    """Flag sent referrals past their response time and tell both offices."""
    from caseapp.referrals.services import flag_overdue

    count = flag_overdue()
    db.session.commit()
    click.echo(
        ngettext(
            "%(num)d referral flagged as overdue.", "%(num)d referrals flagged as overdue.", count
        )
    )
