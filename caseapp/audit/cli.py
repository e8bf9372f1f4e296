"""`flask --app wsgi audit verify`: is the audit log as it was written?"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup, with_appcontext

from caseapp.audit import verification
from caseapp.extensions import db

audit_cli = AppGroup("audit", help="The audit log's hash chain.")


@audit_cli.command("verify")
@with_appcontext
def verify_command():
    """Check every link; name the first broken one and exit 1."""
    report = verification.verify(db.engine)
    if report.broken is not None:
        click.echo(f"audit chain broken at {report.broken}", err=True)
        sys.exit(1)
    click.echo(
        f"audit chain intact: {report.entries} entries in {report.segments} segments; "
        f"seal {report.seal}"
    )
