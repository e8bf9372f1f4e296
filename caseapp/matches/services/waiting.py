"""Waiting requests (who waits for which programme) and a programme's matching settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select, update

from caseapp.audit import services as audit
from caseapp.core.clock import utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.matches import adapters
from caseapp.matches.engine.scoring import LEVELS, Weights
from caseapp.matches.models import (
    MatchingSettings,
    MatchProposal,
    MatchRequest,
    district_neighbours,
)
from caseapp.people import consents
from caseapp.people.models import HouseholdMember, Person
from caseapp.volunteers.models import Programme

GENDER_PREFERENCES = ("female", "male", "diverse")


@dataclass
class RequestData:
    programme_id: int | None
    waiting_since: date | None
    gender_preference: str = ""
    interests: str = ""
    availability: list[str] | None = None
    interpreter_arranged: bool = False
    notes: str = ""


def missing_consent(person: Person, today: date) -> str | None:
    """Why the person cannot wait for a volunteer: no valid volunteer_matching consent."""
    if consents.has_consent(person.id, "volunteer_matching", today):
        return None
    return _(
        "%(name)s has not consented to being matched with a volunteer. Record the consent first.",
        name=person.full_name,
    )


def create_request(actor, person: Person, data: RequestData, today: date) -> MatchRequest:
    """Put the person on a programme's waiting list; needs a valid volunteer_matching consent."""
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
    refusal = missing_consent(person, today)
    if refusal:
        errors["consent"] = [refusal]
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
    match_request = MatchRequest(
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
    db.session.add(match_request)
    db.session.flush()
    audit.record(
        actor, "match_request.create", "match_request", match_request.id, purpose="matching"
    )
    return match_request


def withdraw_request(actor, match_request: MatchRequest) -> None:
    if match_request.status != "waiting":
        raise ValidationFailed({"status": _("This change is not possible in the current status.")})
    match_request.status = "withdrawn"
    match_request.closed_at = utcnow()
    db.session.execute(
        update(MatchProposal)
        .where(MatchProposal.request_id == match_request.id, MatchProposal.status == "proposed")
        .values(status="superseded")
    )
    audit.record(
        actor, "match_request.withdraw", "match_request", match_request.id, purpose="matching"
    )


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
