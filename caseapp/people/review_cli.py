"""`flask people scan` (the resumable whole-register duplicate scan) and `flask people reindex`
(people.cli adds them to its group)."""

from __future__ import annotations

import resource
import time

import click
from flask.cli import with_appcontext

from caseapp.extensions import db


@click.command("scan")
@click.option(
    "--seconds", type=float, default=None, help="Stop after this long; run again to go on."
)
@click.option("--batch", type=int, default=20_000, show_default=True, help="Key rows per batch.")
@with_appcontext
def scan_command(seconds, batch):
    """Scan the whole register for duplicates in batches (continues an interrupted scan)."""
    from caseapp.people.services import duplicates

    started = time.perf_counter()

    def progress(last_key, found):
        click.echo(f"\r{found:>9,} pairs, at key {last_key[:30]:<30}", nl=False, err=True)

    result = duplicates.scan(None, seconds=seconds, batch=batch, progress=progress)
    click.echo("", err=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    state = "finished" if result.finished_at else f"stopped at {result.last_key!r}; run again"
    click.echo(
        f"scan {result.id} {state}: {result.pairs:,} pairs in "
        f"{time.perf_counter() - started:.1f} s, peak RSS {peak:.0f} MiB"
    )
    if result.finished_at:
        for tier, count in duplicates.queue_counts(result.id).items():
            click.echo(f"  {tier}: {count:,} left to review")


@click.command("reindex")
@click.option("--batch", type=int, default=2000, show_default=True)
@with_appcontext
def reindex_command(batch):
    """Rebuild the name and search keys of every person (after the matching rules changed)."""
    from caseapp.people.services.finder import reindex

    last, done = 0, 0
    with db.engine.connect() as conn:
        while True:
            with conn.begin():
                new_last = reindex(conn, after_id=last, batch=batch)
            if new_last is None:
                break
            done += 1
            last = new_last
            click.echo(f"\rup to person {last}", nl=False, err=True)
    click.echo(f"\nreindexed in {done} batches")
