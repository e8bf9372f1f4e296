"""Volunteer matching: waiting lists, proposals, matches."""

from __future__ import annotations

from sqlalchemy import select

from caseapp.extensions import db
from caseapp.i18n import _l
from caseapp.privacy.holdings.common import CLOSED, _t
from caseapp.privacy.registry import Holding, register

# --- matching -----------------------------------------------------------------------------
register(
    Holding(
        "match_request",
        "match_requests",
        _l("Waiting lists"),
        CLOSED,
        free_text=("interests", "notes"),
        covers=("match_requests.household_id",),
    )
)
register(
    Holding(
        "match_proposal",
        "match_proposals",
        _l("Proposals"),
        CLOSED,
        "request_id",
        parent="match_request",
        free_text=("reject_reason",),
        hidden=("volunteer_id",),
    )
)
register(
    Holding(
        "match_unmatched",
        "match_unmatched",
        _l("Matching rounds"),
        CLOSED,
        "request_id",
        parent="match_request",
        on_anonymise="keep",
    )
)


def _matches(person_ids: list[int], options: dict):
    """Matches with the volunteer's first name only (never their contact or surname)."""
    from caseapp.privacy.export.collect import plain_rows

    h = _MATCH
    volunteers, users = _t("volunteers"), _t("users")
    names = dict(
        db.session.execute(
            select(volunteers.c.id, users.c.display_name)
            .join(users, users.c.id == volunteers.c.user_id)
            .where(
                volunteers.c.id.in_(
                    select(_t("matches").c.volunteer_id).where(
                        _t("matches").c.person_id.in_(person_ids)
                    )
                )
            )
        ).all()
    )
    for row in plain_rows(h, person_ids, options, keep=("volunteer_id",)):
        volunteer_id = row.pop("volunteer_id", None)
        row["volunteer_first_name"] = (names.get(volunteer_id) or "").split(" ")[0]
        yield row


_MATCH = register(
    Holding(
        "match",
        "matches",
        _l("Matches"),
        CLOSED,
        free_text=("agreed_contact", "end_note"),
        hidden=("volunteer_id",),
        rows=_matches,
        covers=("matches.household_id",),
    )
)
