"""What each side sees of a match: the volunteer's list, the newcomer's companion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from caseapp.extensions import db
from caseapp.matches import notices
from caseapp.matches.models import Match
from caseapp.matches.services.lifecycle import OPEN_MATCH


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
