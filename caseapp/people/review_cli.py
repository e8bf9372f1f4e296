"""`flask people scan` (the resumable whole-register duplicate scan), `flask people duplicates`
(its pairs) and `flask people reindex` (people.cli adds them to its group)."""

from __future__ import annotations

import json
import resource
import time

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from caseapp.extensions import db
from caseapp.people.namematch.evidence import TIERS


@click.command("duplicates")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--tier",
    type=click.Choice(["all", "listed", *TIERS]),
    default="all",
    show_default=True,
    help="listed: almost certainly and possibly, as the review page lists them.",
)
@click.option("--limit", type=int, default=None, help="At most this many pairs.")
@with_appcontext
def duplicates_command(as_json, tier, limit):
    """The latest finished scan's open pairs (decided "not the same person" and merged records
    left out), best tier first, with tier, score and reasons. Scans first if no scan has
    finished yet (`flask people scan` scans on its own, resumably)."""
    from caseapp.people.models import DuplicatePair, Person
    from caseapp.people.services import duplicates

    scan = duplicates.latest_scan()
    if scan is None:
        if not as_json:  # JSON goes to programs: nothing but the JSON
            click.echo("No finished duplicate scan yet: scanning the register first.", err=True)
        scan = duplicates.scan(None)
    tiers = TIERS if tier == "all" else TIERS[:2] if tier == "listed" else (tier,)
    order = {t: n for n, t in enumerate(TIERS)}
    pairs = db.session.scalars(
        duplicates.open_pairs(scan.id).where(DuplicatePair.tier.in_(tiers))
    ).all()
    pairs.sort(key=lambda p: (order[p.tier], -p.score, p.a_id, p.b_id))
    pairs = pairs[:limit] if limit else pairs
    ids = sorted({i for p in pairs for i in (p.a_id, p.b_id)})
    people = {}
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        people.update(
            {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(chunk)))}
        )
    rows = [
        {
            "a": {"id": p.a_id, "external_id": people[p.a_id].external_id,
                  "name": people[p.a_id].full_name},
            "b": {"id": p.b_id, "external_id": people[p.b_id].external_id,
                  "name": people[p.b_id].full_name},
            "tier": p.tier,
            "score": round(p.score, 3),
            "reasons": list(p.reasons),
            "benefit": p.benefit,
        }
        for p in pairs
    ]  # fmt: skip
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        click.echo(
            f"{row['tier']:<9} {row['score']:.3f}  {row['a']['id']:>7} {row['a']['name']:<30} "
            f"{row['b']['id']:>7} {row['b']['name']:<30} {', '.join(row['reasons'])}"
        )
    click.echo(f"{len(rows)} pairs from scan {scan.id} ({scan.finished_at:%Y-%m-%d %H:%M} UTC)")


@click.command("scan")
@click.option(
    "--seconds", type=float, default=None, help="Stop after this long; run again to go on."
)
@click.option("--batch", type=int, default=100_000, show_default=True, help="Key rows per batch.")
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
