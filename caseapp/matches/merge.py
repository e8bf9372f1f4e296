"""The matching package's part of a merge: waiting requests and matches go to the survivor.

A person waits or is matched at most once per programme. When both records are open in the
same programme, one request is taken off the waiting list: a waiting request gives way to a
matched one, and of two waiting requests the one waiting longer stays (ties: the survivor's).
Two running matches are both kept; ending one is a coordinator's decision.
"""

from __future__ import annotations

from sqlalchemy import select, update

from caseapp.core.signals import merge_handler
from caseapp.extensions import db
from caseapp.matches.models import Match, MatchRequest
from caseapp.matches.services.waiting import withdraw_request

OPEN = ("waiting", "matched")


def _give_way(theirs: MatchRequest, ours: MatchRequest) -> MatchRequest | None:
    """Which of two open requests of one programme is withdrawn (None: keep both)."""
    if theirs.status == "matched" and ours.status == "matched":
        return None
    if theirs.status != ours.status:
        return theirs if theirs.status == "waiting" else ours
    return ours if theirs.waiting_since < ours.waiting_since else theirs


def _open_requests(person_id: int) -> list[MatchRequest]:
    return list(
        db.session.scalars(
            select(MatchRequest)
            .where(MatchRequest.person_id == person_id, MatchRequest.status.in_(OPEN))
            .order_by(MatchRequest.id)
        )
    )


@merge_handler("match_requests.person_id", "matches.person_id")
def merge_matching(survivor, *, removed, actor=None, **_kw) -> dict[str, int]:
    ours = {r.programme_id: r for r in _open_requests(survivor.id)}
    withdrawn = 0
    for theirs in _open_requests(removed.id):
        other = ours.get(theirs.programme_id)
        if other is None:
            continue
        loser = _give_way(theirs, other)
        if loser is not None:
            withdraw_request(actor, loser)
            withdrawn += 1
            ours[theirs.programme_id] = other if loser is theirs else theirs
    db.session.flush()
    requests = db.session.execute(
        update(MatchRequest)
        .where(MatchRequest.person_id == removed.id)
        .values(person_id=survivor.id)
    )
    matches = db.session.execute(
        update(Match).where(Match.person_id == removed.id).values(person_id=survivor.id)
    )
    return {
        "match_requests": requests.rowcount or 0,
        "match_requests_withdrawn": withdrawn,
        "matches": matches.rowcount or 0,
    }
