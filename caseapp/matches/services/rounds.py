"""Rounds: load the inputs, solve with the pure engine, store proposals and non-matches."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, select, update

from caseapp.audit import services as audit
from caseapp.extensions import db
from caseapp.matches import adapters, engine
from caseapp.matches.models import MatchProposal, MatchRequest, MatchRound, MatchUnmatched
from caseapp.volunteers.models import Application, Programme


@dataclass
class RoundOutcome:
    round: MatchRound | None
    result: engine.RoundResult
    timings: dict[str, float]


def _reason_json(reason) -> dict:
    return {"code": reason.code, "params": reason.params, "points": round(reason.points, 4)}


@dataclass
class RoundInputs:
    """Everything a round needs, loaded from the database as plain values."""

    programme_id: int
    newcomers: list
    volunteers: list
    setup: object
    reach: object
    locked: dict
    rejected: set
    load_seconds: float


def load_round(programme: Programme, today: date) -> RoundInputs:
    """Read a round's inputs. Callers may end the transaction before `propose`: SQLite's
    BEGIN IMMEDIATE lock is then not held while the solver runs, and anything that changes
    meanwhile is re-checked when a proposal is accepted."""
    started = time.perf_counter()
    return RoundInputs(
        programme_id=programme.id,
        newcomers=adapters.load_newcomers(programme, today),
        volunteers=adapters.load_volunteers(programme, today),
        setup=adapters.engine_programme(programme),
        reach=adapters.districts(),
        locked=adapters.locked_pairs(programme.id),
        rejected=adapters.rejected_pairs(programme.id),
        load_seconds=time.perf_counter() - started,
    )


# Rounds up to this many possible pairs (waiting x volunteers) run in the request: they take
# a second or two. Larger ones run as a background job with a progress page; above
# PRUNE_ABOVE_PAIRS each person keeps only their PRUNED_CANDIDATES best pairs, which bounds
# memory (about 1.3 GiB at 50,000 x 20,000) and time (under a minute); the round then stores
# a proven bound on the best possible total and its gap, shown on the round's page
# (0.7 % at 50,000 x 20,000, docs/benchmarks.md).
INLINE_PAIRS = 2_000_000
PRUNE_ABOVE_PAIRS = 100_000_000
PRUNED_CANDIDATES = 100


def round_size(programme: Programme) -> int:
    """Possible pairs of a round: waiting requests times volunteers who applied."""
    waiting = db.session.scalar(
        select(func.count(MatchRequest.id)).where(
            MatchRequest.programme_id == programme.id, MatchRequest.status == "waiting"
        )
    )
    volunteers = db.session.scalar(
        select(func.count(Application.id)).where(Application.programme_id == programme.id)
    )
    return int(waiting or 0) * int(volunteers or 0)


def candidates_cap(size: int, prune_above: int | None = None) -> int | None:
    """How many pairs each person keeps in a round of this size (None: all of them)."""
    limit = PRUNE_ABOVE_PAIRS if prune_above is None else prune_above
    return PRUNED_CANDIDATES if size > limit else None


def propose(
    actor,
    inputs: RoundInputs,
    today: date,
    *,
    dry_run: bool = False,
    max_candidates: int | None = None,
) -> RoundOutcome:
    """Solve the round and (unless dry_run) store it.

    Earlier open rounds of the programme are superseded: their undecided proposals give way to
    the new ones, locked pairs are carried over, accepted pairs are matches already.
    `max_candidates` bounds memory for very large rounds at a small, measured loss of score.
    """
    started = time.perf_counter()
    result = engine.run_round(
        inputs.newcomers,
        inputs.volunteers,
        inputs.setup,
        inputs.reach,
        today,
        inputs.locked,
        inputs.rejected,
        max_candidates=max_candidates,
    )
    computed = time.perf_counter()
    stored_round = None if dry_run else _store(actor, inputs.programme_id, result)
    finished = time.perf_counter()
    timings = {
        "load": inputs.load_seconds,
        **{k: v for k, v in result.timings.items() if k != "total"},
        "store": finished - computed,
        "total": inputs.load_seconds + finished - started,
    }
    if stored_round is not None:
        stored_round.timings = {k: round(v, 4) for k, v in timings.items()}
    return RoundOutcome(stored_round, result, timings)


def run_round(
    actor,
    programme: Programme,
    today: date,
    *,
    dry_run: bool = False,
    max_candidates: int | None = None,
) -> RoundOutcome:
    """Load and propose in one transaction (demo data, benchmarks, tests)."""
    return propose(
        actor,
        load_round(programme, today),
        today,
        dry_run=dry_run,
        max_candidates=max_candidates,
    )


def _store(actor, programme_id: int, result: engine.RoundResult) -> MatchRound:
    earlier = select(MatchRound.id).where(
        MatchRound.programme_id == programme_id, MatchRound.status == "open"
    )
    db.session.execute(
        update(MatchProposal)
        .where(MatchProposal.round_id.in_(earlier), MatchProposal.status == "proposed")
        .values(status="superseded")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(MatchRound)
        .where(MatchRound.programme_id == programme_id, MatchRound.status == "open")
        .values(status="superseded")
        .execution_options(synchronize_session=False)
    )
    stats = dict(result.stats)
    stats["unmatched"] = len(result.unmatched)
    matching_round = MatchRound(
        programme_id=programme_id, started_by_id=getattr(actor, "id", None), stats=stats
    )
    db.session.add(matching_round)
    db.session.flush()
    rid = matching_round.id
    proposals = [
        {
            "round_id": rid,
            "request_id": p.newcomer_id,
            "volunteer_id": p.volunteer_id,
            "score": round(float(p.score), 6),
            "reasons": [_reason_json(r) for r in p.reasons],
            "status": "proposed",
            "locked": p.locked,
            "failed": list(p.failed),
            "reject_reason": "",
        }
        for p in result.proposals
    ]
    if proposals:
        db.session.execute(insert(MatchProposal), proposals)
    unmatched = [
        {
            "round_id": rid,
            "request_id": u.newcomer_id,
            "reason": _reason_json(u.reason),
            "blocked_by": dict(u.blocked_by),
            "near_misses": [
                {"volunteer_id": m.volunteer_id, "failed": list(m.failed), "fixes": list(m.fixes)}
                for m in u.near_misses
            ],
        }
        for u in result.unmatched
    ]
    if unmatched:
        db.session.execute(insert(MatchUnmatched), unmatched)
    audit.record(
        actor,
        "matching.round",
        "match_round",
        rid,
        purpose="matching",
        details={"proposals": len(proposals), "unmatched": len(unmatched)},
    )
    return matching_round
