"""Volunteer programmes (public facts) and matches (coordinators, the token's office)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from caseapp.api import schemas
from caseapp.api.core import ANY_TOKEN, COORDINATION, actor, api_v1, page, with_etag
from caseapp.api.resources.directory import trilingual
from caseapp.audit import services as audit
from caseapp.auth import scope
from caseapp.core.errors import NotFound
from caseapp.extensions import db
from caseapp.matches import services as matching
from caseapp.matches.models import Match
from caseapp.people.models import Person
from caseapp.volunteers.models import Programme

ProgrammePage = schemas.page_of(schemas.ProgrammeSchema, "ProgrammePage")
MatchPage = schemas.page_of(schemas.MatchSchema, "MatchPage")


@api_v1.route("/programmes", methods=["GET"], roles=ANY_TOKEN, tags=["volunteering"])
@api_v1.arguments(schemas.PageArgs, location="query")
@api_v1.response(200, ProgrammePage)
def programmes(args):
    """The programmes offered on the public sign-up page."""
    result = page(select(Programme).where(Programme.active.is_(True)), Programme.id, args)
    result["items"] = [
        {
            "id": p.id,
            "kind": p.kind,
            "name": trilingual(p, "name"),
            "description": trilingual(p, "description"),
            "min_commitment_months": p.min_commitment_months,
        }
        for p in result["items"]
    ]
    return result


def _matches(who):
    """Matches of persons of the token's office (a token is bound to one office, so it sees
    less than a city-wide coordinator in the pages: least data)."""
    stmt = select(Match).options(lazyload("*")).join(Person, Person.id == Match.person_id)
    return scope.scoped(stmt, Person.office_id, who)


def match_json(m: Match) -> dict:
    return {
        "id": m.id,
        "programme_id": m.programme_id,
        "person_id": m.person_id,
        "volunteer_id": m.volunteer_id,
        "status": m.status,
        "started_on": m.started_on,
        "planned_end_on": m.planned_end_on,
        "ended_on": m.ended_on,
        "version": m.version,
    }


@api_v1.route("/matches", methods=["GET"], roles=COORDINATION, tags=["volunteering"])
@api_v1.arguments(schemas.MatchListArgs, location="query")
@api_v1.response(200, MatchPage)
def list_matches(args):
    """Open matches (or all) of the office's newcomers."""
    stmt = _matches(actor())
    if args["status"] == "open":
        stmt = stmt.where(Match.status.in_(matching.OPEN_MATCH))
    result = page(stmt, Match.id, args)
    result["items"] = [match_json(m) for m in result["items"]]
    return result


@api_v1.route(
    "/matches/<id:match_id>",
    methods=["GET"],
    roles=COORDINATION,
    tags=["volunteering"],
    errors=(404,),
)
@api_v1.response(200, schemas.MatchSchema)
def get_match(match_id: int):
    """One match (audited as a read of the newcomer's data)."""
    who = actor()
    match = db.session.scalar(_matches(who).where(Match.id == match_id))
    if match is None:
        raise NotFound()
    audit.record(
        who,
        "view",
        "match",
        match.id,
        office_id=who.office_id,
        purpose="matching",
        details={"person": [None, match.person_id]},
    )
    answer = match_json(match), 200, with_etag("match", match)
    db.session.commit()
    return answer
