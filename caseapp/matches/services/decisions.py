"""Coordinators' decisions on proposals: accept (re-checked, locked), reject, lock."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from caseapp.audit import services as audit
from caseapp.core.clock import add_months, utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.matches import adapters, notices
from caseapp.matches.engine.scoring import hard_check
from caseapp.matches.models import Match, MatchProposal
from caseapp.volunteers.models import Volunteer


class ProposalNoLongerValid(ValidationFailed):
    """The pair fails a hard constraint now (capacity, deactivation ...): it cannot be accepted."""

    def __init__(self, failed: list[str]):
        self.failed = failed
        super().__init__({"proposal": failed})


def current_failures(proposal: MatchProposal, today: date) -> list[str]:
    """Hard constraints the proposed pair fails today (fresh data, not the round's)."""
    match_request = proposal.request
    programme = match_request.programme
    newcomer = next(iter(adapters.load_newcomers(programme, today, {match_request.id})), None)
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
    match_request = proposal.request
    programme = match_request.programme
    match = Match(
        request_id=match_request.id,
        proposal_id=proposal.id,
        programme_id=programme.id,
        person_id=match_request.person_id,
        household_id=match_request.household_id,
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
    match_request.status = "matched"
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
