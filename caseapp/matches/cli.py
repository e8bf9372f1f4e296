"""`flask --app wsgi matching run --programme NAME [--dry-run] [--json]`: a round from cron or a shell."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, or_, select

from caseapp.core.clock import local_today
from caseapp.extensions import db

matching_cli = AppGroup("matching", help="Match newcomers with volunteers.")


def _find_programme(name: str):
    from caseapp.volunteers.models import Programme

    if name.isdigit():
        found = db.session.get(Programme, int(name))
        if found is not None:
            return found
    wanted = name.strip().casefold()
    rows = db.session.scalars(
        select(Programme).where(
            or_(
                func.lower(Programme.name_de) == wanted,
                func.lower(Programme.name_ar) == wanted,
                func.lower(Programme.name_tr) == wanted,
                Programme.kind == wanted,
            )
        )
    ).all()
    return rows[0] if len(rows) == 1 else None


@matching_cli.command("run")
@click.option(
    "--programme", "name", required=True, help="Programme name (any language), kind or id."
)
@click.option("--dry-run", is_flag=True, help="Compute and report, store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--max-candidates",
    type=click.IntRange(min=1),
    default=None,
    help="Keep only each side's best N pairs before solving (very large rounds; near-exact).",
)
@with_appcontext
def run_command(name, dry_run, as_json, max_candidates):
    """Run a matching round for one programme and store its proposals for review."""
    from caseapp.matches import services

    programme = _find_programme(name)
    if programme is None:
        raise click.ClickException(f"no single programme is called {name!r}")
    today = local_today()
    inputs = services.load_round(programme, today)
    db.session.commit()  # no database lock held while the solver runs
    outcome = services.propose(None, inputs, today, dry_run=dry_run, max_candidates=max_candidates)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    result = outcome.result
    if as_json:
        payload = {
            "programme": {"id": programme.id, "name": programme.name_de},
            "round_id": outcome.round.id if outcome.round else None,
            "dry_run": dry_run,
            "stats": result.stats,
            "timings": {k: round(v, 4) for k, v in outcome.timings.items()},
            "proposals": [
                {
                    "request_id": p.newcomer_id,
                    "volunteer_id": p.volunteer_id,
                    "score": round(p.score, 4),
                    "locked": p.locked,
                    "failed": list(p.failed),
                    "reasons": [r.code for r in p.reasons],
                }
                for p in result.proposals
            ],
            "unmatched": [
                {"request_id": u.newcomer_id, "reason": u.reason.code, "params": u.reason.params}
                for u in result.unmatched
            ],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, default=str))
        return
    click.echo(
        f"{programme.name_de}: {result.stats.get('matched', 0)} proposals, "
        f"{len(result.unmatched)} without a match, total score "
        f"{result.stats.get('total_score', 0):.2f} in {outcome.timings['total']:.2f} s"
        + (" (dry run, nothing stored)" if dry_run else f" (round {outcome.round.id})")
    )


def register_cli(app) -> None:
    app.cli.add_command(matching_cli)
