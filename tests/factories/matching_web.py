"""Builders shared by several test modules."""

from __future__ import annotations

from sqlalchemy import select

from caseapp.extensions import db
from caseapp.matches.models import MatchProposal
from tests.factories.matching import TODAY, build


def matching_records(app, world, make_user, volunteer_email=None, name=None) -> dict:
    """A stored round with proposals and one accepted match, for the access matrix."""
    from caseapp.matches import services
    from caseapp.volunteers.models import Programme

    ids = build(app, world, make_user, volunteer_email=volunteer_email, name=name)
    with app.test_request_context():
        programme = db.session.get(Programme, ids["programme_id"])
        outcome = services.run_round(None, programme, TODAY)
        proposals = db.session.scalars(
            select(MatchProposal).where(MatchProposal.round_id == outcome.round.id)
        ).all()
        match = services.accept(None, proposals[0], TODAY)
        db.session.commit()
        return {
            **ids,
            "round_id": outcome.round.id,
            "proposal_id": proposals[1].id,
            "match_id": match.id,
            "match_request_id": ids["requests"]["selam"],
        }
