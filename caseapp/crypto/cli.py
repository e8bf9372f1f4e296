"""`flask --app wsgi keys generate|rotate|status`, and the audit chain's `audit verify`."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from caseapp.crypto.keys import DataKeyError, current_keyring, generate_key
from caseapp.extensions import db

keys_cli = AppGroup("keys", help="The keys that encrypt notes and messages (CASEAPP_DATA_KEYS).")


@keys_cli.command("generate")
def generate_command():
    """Print a new key: put it first in CASEAPP_DATA_KEYS, keep the old ones after it."""
    click.echo(generate_key())


@keys_cli.command("rotate")
@click.option("--batch", default=500, show_default=True, help="Rows per transaction.")
@with_appcontext
def rotate_command(batch):
    """Re-encrypt every stored text under the first key (resumable: run it again to go on)."""
    from caseapp.crypto.rotation import encrypted_columns, rotate_batch

    keyring = current_keyring()
    for column in encrypted_columns(db.metadata):
        changed, last_id = 0, 0
        while last_id is not None:
            try:
                n, last_id = rotate_batch(
                    db.session.connection(), column, keyring, after_id=last_id, batch=batch
                )
            except DataKeyError as error:
                db.session.rollback()
                raise click.ClickException(str(error)) from None
            db.session.commit()  # a run stopped here goes on from this batch next time
            changed += n
        click.echo(f"{column}: {changed} re-encrypted")
    click.echo(f"Every stored text is under key {keyring.primary_id}; older keys may go.")


@keys_cli.command("status")
@with_appcontext
def status_command():
    """How many stored texts each key holds: a key with none left may leave CASEAPP_DATA_KEYS."""
    from caseapp.crypto.rotation import encrypted_columns, key_counts

    keyring = current_keyring()
    click.echo(f"configured: {', '.join(keyring.ids)} (the first encrypts)")
    missing = set()
    for column in encrypted_columns(db.metadata):
        counts = key_counts(db.session.connection(), column)
        missing |= set(counts) - set(keyring.ids) - {"plain"}
        shown = ", ".join(f"{key} {n}" for key, n in sorted(counts.items())) or "empty"
        click.echo(f"{column}: {shown}")
    db.session.rollback()
    if missing:
        raise click.ClickException(
            f"stored texts need key {', '.join(sorted(missing))}, which is not in "
            "CASEAPP_DATA_KEYS; add it again"
        )


def register_cli(app) -> None:
    from caseapp.audit.cli import audit_cli

    app.cli.add_command(keys_cli)
    app.cli.add_command(audit_cli)
