"""Rounds, decisions on proposals, the match lifecycle and waiting requests."""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import lazyload

from caseapp.audit import services as audit
from caseapp.core.clock import local_today, utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.matches import adapters, notices
from caseapp.matches.models import (
    Match,
    MatchingSettings,
    MatchProposal,
    MatchRequest,
    MatchRound,
    MatchUnmatched,
    district_neighbours,
)
from caseapp.matching import engine
from caseapp.matching.scoring import LEVELS, Weights, hard_check
from caseapp.people.models import HouseholdMember, Person
from caseapp.volunteers.models import Programme, Volunteer

END_REASONS = (
    "completed",
    "moved_away",
    "no_contact",
    "conflict",
    "volunteer_stopped",
    "other",
)
OPEN_MATCH = adapters.OPEN_MATCH
GENDER_PREFERENCES = ("female", "male", "diverse")


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- waiting requests ----------------------------------------------------------------------


@dataclass
class RequestData:
    programme_id: int | None
    waiting_since: date | None
    gender_preference: str = ""
    interests: str = ""
    availability: list[str] | None = None
    interpreter_arranged: bool = False
    notes: str = ""


def create_request(actor, person: Person, data: RequestData, today: date) -> MatchRequest:
    errors: dict[str, list[str]] = {}
    programme = db.session.get(Programme, data.programme_id) if data.programme_id else None
    if programme is None or not programme.active:
        errors["programme"] = [_("Choose a programme.")]
    if data.waiting_since is None:
        errors["waiting_since"] = [_("Enter a date.")]
    elif data.waiting_since > today:
        errors["waiting_since"] = [_("This date lies in the future.")]
    if data.gender_preference and data.gender_preference not in GENDER_PREFERENCES:
        errors["gender_preference"] = [_("Choose one of the options.")]
    if programme is not None and db.session.scalar(
        select(MatchRequest.id).where(
            MatchRequest.person_id == person.id,
            MatchRequest.programme_id == programme.id,
            MatchRequest.status.in_(("waiting", "matched")),
        )
    ):
        errors["programme"] = [_("This person is already waiting or matched in this programme.")]
    if errors:
        raise ValidationFailed(errors)
    household_id = None
    if programme.kind in adapters.HOUSEHOLD_KINDS:
        household_id = db.session.scalar(
            select(HouseholdMember.household_id).where(HouseholdMember.person_id == person.id)
        )
        if household_id is not None and db.session.scalar(
            select(MatchRequest.id).where(
                MatchRequest.household_id == household_id,
                MatchRequest.programme_id == programme.id,
                MatchRequest.status.in_(("waiting", "matched")),
            )
        ):
            raise ValidationFailed(
                {"programme": [_("The household is already waiting or matched in this programme.")]}
            )
    request = MatchRequest(
        programme_id=programme.id,
        person_id=person.id,
        household_id=household_id,
        waiting_since=data.waiting_since,
        gender_preference=data.gender_preference or "",
        interests=(data.interests or "").strip(),
        availability=list(data.availability or []),
        interpreter_arranged=bool(data.interpreter_arranged),
        notes=(data.notes or "").strip(),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(request)
    db.session.flush()
    audit.record(actor, "match_request.create", "match_request", request.id, purpose="matching")
    return request


def withdraw_request(actor, request: MatchRequest) -> None:
    if request.status != "waiting":
        raise ValidationFailed({"status": _("This change is not possible in the current status.")})
    request.status = "withdrawn"
    request.closed_at = utcnow()
    db.session.execute(
        update(MatchProposal)
        .where(MatchProposal.request_id == request.id, MatchProposal.status == "proposed")
        .values(status="superseded")
    )
    audit.record(actor, "match_request.withdraw", "match_request", request.id, purpose="matching")


# --- settings ------------------------------------------------------------------------------


def save_settings(actor, programme: Programme, weights: dict, min_level: str) -> None:
    try:
        Weights(**weights)
    except (TypeError, ValueError):
        raise ValidationFailed({"weights": _("Weights are numbers of 0 or more.")}) from None
    if min_level not in LEVELS:
        raise ValidationFailed({"min_language_level": _("Choose one of the options.")})
    settings = db.session.get(MatchingSettings, programme.id)
    if settings is None:
        settings = MatchingSettings(programme_id=programme.id)
        db.session.add(settings)
    settings.weights = {k: float(v) for k, v in weights.items()}
    settings.min_language_level = min_level
    settings.updated_by_id = getattr(actor, "id", None)
    audit.record(actor, "matching.settings", "programme", programme.id, purpose="matching")


def set_neighbours(actor, district_id: int, neighbour_ids: set[int]) -> None:
    """Neighbourhood is symmetric: both directions are stored."""
    neighbour_ids = {i for i in neighbour_ids if i != district_id}
    t = district_neighbours
    db.session.execute(
        t.delete().where((t.c.district_id == district_id) | (t.c.neighbour_id == district_id))
    )
    rows = [{"district_id": district_id, "neighbour_id": n} for n in sorted(neighbour_ids)]
    rows += [{"district_id": n, "neighbour_id": district_id} for n in sorted(neighbour_ids)]
    if rows:
        db.session.execute(insert(t), rows)
    audit.record(actor, "matching.neighbours", "district", district_id, purpose="matching")


# --- rounds --------------------------------------------------------------------------------


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


# --- decisions on proposals ----------------------------------------------------------------


class ProposalNoLongerValid(ValidationFailed):
    """The pair fails a hard constraint now (capacity, deactivation ...): it cannot be accepted."""

    def __init__(self, failed: list[str]):
        self.failed = failed
        super().__init__({"proposal": failed})


def current_failures(proposal: MatchProposal, today: date) -> list[str]:
    """Hard constraints the proposed pair fails today (fresh data, not the round's)."""
    request = proposal.request
    programme = request.programme
    newcomer = next(iter(adapters.load_newcomers(programme, today, {request.id})), None)
    volunteers = adapters.load_volunteers(programme, today, {proposal.volunteer_id})
    if newcomer is None:
        return ["not_waiting"]
    if not volunteers:
        return ["not_approved"]
    return list(
        hard_check(
            newcomer,
            volunteers[0],
            adapters.engine_programme(programme),
            adapters.districts(),
            today,
        )
    )


def _decidable(proposal: MatchProposal) -> None:
    if proposal.status != "proposed":
        raise ValidationFailed({"status": _("This proposal has already been decided.")})


def accept(actor, proposal: MatchProposal, today: date, agreed_contact: str = "") -> Match:
    # Lock the proposal and re-read it: of two coordinators accepting at once, one wins.
    proposal = db.session.scalars(
        select(MatchProposal)
        .where(MatchProposal.id == proposal.id)
        .options(lazyload("*"))  # no outer joins: PostgreSQL locks no nullable join side
        .with_for_update(of=MatchProposal)
        .execution_options(populate_existing=True)
    ).one()
    _decidable(proposal)
    # Lock the volunteer's row so two coordinators cannot overfill the same capacity.
    db.session.execute(
        select(Volunteer.id).where(Volunteer.id == proposal.volunteer_id).with_for_update()
    )
    failed = current_failures(proposal, today)
    if failed:
        raise ProposalNoLongerValid(failed)
    request = proposal.request
    programme = request.programme
    match = Match(
        request_id=request.id,
        proposal_id=proposal.id,
        programme_id=programme.id,
        person_id=request.person_id,
        household_id=request.household_id,
        volunteer_id=proposal.volunteer_id,
        started_on=today,
        planned_end_on=add_months(today, max(programme.min_commitment_months, 1)),
        agreed_contact=(agreed_contact or "").strip()[:200],
        created_by_id=getattr(actor, "id", None),
        status_changed_by_id=getattr(actor, "id", None),
    )
    db.session.add(match)
    proposal.status = "accepted"
    proposal.decided_at = utcnow()
    proposal.decided_by_id = getattr(actor, "id", None)
    request.status = "matched"
    db.session.flush()
    audit.record(actor, "match.create", "match", match.id, purpose="matching")
    notices.match_started(match)
    return match


def reject(actor, proposal: MatchProposal, reason: str) -> None:
    _decidable(proposal)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Give a reason.")})
    proposal.status = "rejected"
    proposal.locked = False
    proposal.reject_reason = reason[:1000]
    proposal.decided_at = utcnow()
    proposal.decided_by_id = getattr(actor, "id", None)
    audit.record(actor, "match_proposal.reject", "match_proposal", proposal.id, purpose="matching")


def set_locked(actor, proposal: MatchProposal, locked: bool) -> None:
    _decidable(proposal)
    proposal.locked = locked
    action = "match_proposal.lock" if locked else "match_proposal.unlock"
    audit.record(actor, action, "match_proposal", proposal.id, purpose="matching")


# --- the match lifecycle -------------------------------------------------------------------


def _stamp(actor, match: Match, status: str) -> None:
    match.status = status
    match.status_changed_at = utcnow()
    match.status_changed_by_id = getattr(actor, "id", None)


def pause(actor, match: Match) -> None:
    if match.status != "active":
        raise ValidationFailed({"status": _("This change is not possible in the current status.")})
    _stamp(actor, match, "paused")
    audit.record(actor, "match.pause", "match", match.id, purpose="matching")


def resume(actor, match: Match) -> None:
    if match.status != "paused":
        raise ValidationFailed({"status": _("This change is not possible in the current status.")})
    _stamp(actor, match, "active")
    audit.record(actor, "match.resume", "match", match.id, purpose="matching")


def end(actor, match: Match, reason: str, today: date, *, do_not_rematch=False, note="") -> None:
    """End a match; unless it was completed, the newcomer waits again with their waiting time.

    The waiting time already earned is kept: the request's waiting_since moves forward by the
    days the match lasted, so the time matched does not count as waiting.
    """
    if match.status not in OPEN_MATCH:
        raise ValidationFailed({"status": _("This change is not possible in the current status.")})
    if reason not in END_REASONS:
        raise ValidationFailed({"reason": _("Choose a reason.")})
    if reason == "other" and not (note or "").strip():
        raise ValidationFailed({"note": _("Describe the reason in a few words.")})
    _stamp(actor, match, "ended")
    match.end_reason = reason
    match.end_note = (note or "").strip()
    match.do_not_rematch = bool(do_not_rematch)
    match.ended_on = today
    request = match.request
    if reason == "completed":
        request.status = "done"
        request.closed_at = utcnow()
    else:
        lasted = max((today - match.started_on).days, 0)
        request.waiting_since = min(request.waiting_since + timedelta(days=lasted), today)
        request.status = "waiting"
    audit.record(
        actor,
        "match.end",
        "match",
        match.id,
        purpose="matching",
        details={"reason": reason, "do_not_rematch": match.do_not_rematch},
    )
    notices.match_ended(match)


def follow_volunteer(actor, volunteer_id: int, programme_id: int, status: str) -> int:
    """The volunteer paused or ended a programme: pause or end their open matches in it."""
    today = local_today()
    rows = db.session.scalars(
        select(Match).where(
            Match.volunteer_id == volunteer_id,
            Match.programme_id == programme_id,
            Match.status.in_(OPEN_MATCH),
        )
    ).all()
    for match in rows:
        if status == "paused":
            if match.status == "active":
                pause(actor, match)
        else:
            end(actor, match, "volunteer_stopped", today)
    return len(rows)


def update_contact(actor, match: Match, contact: str) -> None:
    match.agreed_contact = (contact or "").strip()[:200]
    audit.record(actor, "match.contact", "match", match.id, purpose="matching")


# --- what the two sides see ----------------------------------------------------------------


@dataclass(frozen=True)
class MatchSummary:
    """A match as the volunteer sees it: first name, languages, district, contact — no case."""

    id: int
    first_name: str
    languages: list[str]
    district: str
    contact: str
    programme: str
    started_on: date
    status: str


def own_matches(volunteer_id: int, language: str) -> list[MatchSummary]:
    rows = db.session.scalars(
        select(Match)
        .where(Match.volunteer_id == volunteer_id, Match.status.in_(OPEN_MATCH))
        .order_by(Match.started_on.desc(), Match.id.desc())
    ).all()
    return [
        MatchSummary(
            id=m.id,
            first_name=m.person.given_name,
            languages=[e.get("code", "") for e in m.person.languages or [] if e.get("code")],
            district=m.person.district.name if m.person.district else "",
            contact=m.agreed_contact,
            programme=m.programme.name(language),
            started_on=m.started_on,
            status=m.status,
        )
        for m in rows
    ]


@dataclass(frozen=True)
class Companion:
    """The newcomer's ambassador/Kümmerer as the portal shows them."""

    name: str
    programme: str
    contact: str


def companions_for(person_id: int, language: str) -> list[Companion]:
    rows = db.session.scalars(
        select(Match)
        .where(Match.person_id == person_id, Match.status.in_(OPEN_MATCH))
        .order_by(Match.started_on.desc(), Match.id.desc())
    ).all()
    return [
        Companion(
            name=notices.first_name(m.volunteer.name),
            programme=m.programme.name(language),
            contact=m.agreed_contact,
        )
        for m in rows
    ]
