"""Template helpers for volunteer pages and the volunteer panel on the start page."""

from __future__ import annotations

from flask_login import current_user

from caseapp.core.clock import utcnow
from caseapp.volunteers.labels import (
    DAYPARTS,
    GENDERS,
    LEVELS,
    programme_kind_label,
    register_audit_labels,
    status_label,
)


def volunteer_panel() -> dict | None:
    """What the start page shows a volunteer: programme statuses and next trainings."""
    from caseapp.volunteers import services, trainings

    volunteer = services.profile_for(current_user)
    if volunteer is None:
        return None
    upcoming = trainings.open_trainings_for(volunteer, utcnow())
    mine = [t for t in upcoming if any(r.volunteer_id == volunteer.id for r in t.registrations)]
    from caseapp.i18n import current_language
    from caseapp.matches.services import own_matches

    return {
        "volunteer": volunteer,
        "matches": own_matches(volunteer.id, current_language()),
        "applications": volunteer.applications,
        "registered": mine[:3],
        "open": len(upcoming) - len(mine),
    }


def coordination_panel() -> dict:
    from sqlalchemy import func, select

    from caseapp.extensions import db
    from caseapp.volunteers.labels import Status
    from caseapp.volunteers.models import Application, Volunteer

    waiting = db.session.scalar(
        select(func.count(Application.id))
        .join(Volunteer, Volunteer.id == Application.volunteer_id)
        .where(Application.status == Status.APPLIED, Volunteer.email_confirmed_at.is_not(None))
    )
    from caseapp.matches.models import MatchProposal, MatchRequest, MatchRound

    people_waiting = db.session.scalar(
        select(func.count(MatchRequest.id)).where(MatchRequest.status == "waiting")
    )
    undecided = db.session.scalar(
        select(func.count(MatchProposal.id))
        .join(MatchRound, MatchRound.id == MatchProposal.round_id)
        .where(MatchProposal.status == "proposed", MatchRound.status == "open")
    )
    return {"waiting": waiting, "people_waiting": people_waiting, "undecided": undecided}


def level_label(level: str) -> str:
    return str(LEVELS.get(level, level))


def gender_label(gender: str) -> str:
    return str(GENDERS.get(gender, gender))


def daypart_label(part: str) -> str:
    return str(DAYPARTS.get(part, part))


def hours_minutes(minutes: int) -> str:
    """1:30 style; the same in every language."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def init_app(app) -> None:
    register_audit_labels()
    app.jinja_env.globals.update(
        volunteer_panel=volunteer_panel,
        coordination_panel=coordination_panel,
        programme_kind_label=programme_kind_label,
        volunteer_status_label=status_label,
        level_label=level_label,
        gender_label=gender_label,
        daypart_label=daypart_label,
    )
    app.jinja_env.filters["hours_minutes"] = hours_minutes
