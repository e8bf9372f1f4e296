"""What matching shows on a case file: waiting lists and matches, and matches on the timeline."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from caseapp.extensions import db
from caseapp.matches.models import Match, MatchRequest
from caseapp.matches.services import OPEN_MATCH
from caseapp.people.sections import TimelineEvent, register_section, register_timeline


def _matching(actor, person) -> dict:
    """Waiting requests and open matches of the person."""
    return {
        "requests": db.session.scalars(
            select(MatchRequest)
            .where(MatchRequest.person_id == person.id, MatchRequest.status == "waiting")
            .options(lazyload(MatchRequest.person))  # this person, already loaded
            .order_by(MatchRequest.id)
        ).all(),
        "matches": db.session.scalars(
            select(Match)
            .where(Match.person_id == person.id, Match.status.in_(OPEN_MATCH))
            .options(lazyload(Match.person))
            .order_by(Match.id)
        ).all(),
    }


def _matches(actor, case, limit: int) -> list[TimelineEvent]:
    """When a match began and, if it has, when it ended."""
    events = []
    for m in db.session.scalars(
        select(Match)
        .where(Match.person_id == case.person_id)
        .options(lazyload(Match.person))
        .order_by(Match.created_at.desc())
        .limit(limit)
    ):
        events.append(TimelineEvent(m.created_at, "match", m))
        if m.status == "ended":
            events.append(TimelineEvent(m.status_changed_at, "match_end", m))
    return events


register_section("matches", order=40, template="matches/_case_file.html", load=_matching)
register_timeline("matches", order=40, template="matches/_timeline_event.html", events=_matches)
