"""The long work offered as jobs today: the whole-register duplicate scan and a matching round.

Each wraps the owning package's existing function unchanged; the owners may move their kind
into their own package (register() is the seam) when they touch it, as the import of a large
CSV file (people/import_jobs.py) and the yearly report (reports/prepared.py) do.
"""

from __future__ import annotations

from caseapp.auth.roles import Role
from caseapp.core.clock import local_today
from caseapp.core.errors import NotFound
from caseapp.extensions import db
from caseapp.i18n import _l
from caseapp.jobs.registry import JobKind, register
from caseapp.jobs.runner import JobContext
from caseapp.matches import services as matching
from caseapp.people.services import duplicate_scan
from caseapp.volunteers.models import Programme

DUPLICATE_SCAN = "people.duplicates"
MATCHING_ROUND = "matching.round"


def scan_duplicates(ctx: JobContext) -> dict:
    """The stored duplicate scan of the whole register (the review queue's source), run to
    its end: it commits per batch, so a worker that dies leaves a scan the next run goes on
    with, and the review page shows the new queue when it is done."""
    ctx.progress(0, None, "duplicates.scanning", found=0)

    def progress(_last_key, found):
        ctx.progress(0, None, "duplicates.scanning", found=found)

    scan = duplicate_scan.scan(ctx.actor, progress=progress)
    return {"link": {"endpoint": "people.duplicates", "values": {}}, "count": int(scan.pairs)}


def run_matching_round(ctx: JobContext, programme_id: int, max_candidates: int | None = None):
    """A matching round for one programme, stored like the coordinator's round button does:
    inputs read and the read transaction ended before the solver runs."""
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        raise NotFound()
    today = local_today()
    ctx.progress(0, 2, "matching.loading")
    inputs = matching.load_round(programme, today)
    db.session.commit()  # no database lock while the solver runs
    if max_candidates is None:
        # Very large rounds keep each person's best pairs only (memory stays about 1 GB).
        max_candidates = matching.candidates_cap(len(inputs.newcomers) * len(inputs.volunteers))
    ctx.progress(
        1,
        2,
        "matching.solving",
        newcomers=len(inputs.newcomers),
        volunteers=len(inputs.volunteers),
    )
    outcome = matching.propose(ctx.actor, inputs, today, max_candidates=max_candidates)
    ctx.progress(2, 2, "matching.storing")
    return {
        "link": {"endpoint": "matches.round_detail", "values": {"round_id": outcome.round.id}},
        "matched": int(outcome.result.stats.get("matched", 0)),
        "unmatched": len(outcome.result.unmatched),
    }


register(
    JobKind(
        name=DUPLICATE_SCAN,
        run=scan_duplicates,
        roles=frozenset({Role.ADMIN}),
        key=lambda params: "register",
        title=_l("Duplicate scan of the whole register"),
        stages={
            "duplicates.scanning": _l(
                "Comparing every record in the register (pairs found so far: %(found)d)"
            )
        },
    )
)
register(
    JobKind(
        name=MATCHING_ROUND,
        run=run_matching_round,
        roles=frozenset({Role.COORDINATOR}),
        key=lambda params: str(params["programme_id"]),
        # Every coordinator may open a round's page, so every coordinator may follow it.
        visible_to=frozenset({Role.COORDINATOR}),
        title=_l("Matching round"),
        stages={
            "matching.loading": _l("Reading the waiting list and the volunteers"),
            "matching.solving": _l(
                "Finding the best pairs (waiting: %(newcomers)d, volunteers: %(volunteers)d)"
            ),
            "matching.storing": _l("Saving the proposals"),
        },
    )
)
