"""What referrals show on a case file: the referrals card and every change on the timeline."""

from __future__ import annotations

from sqlalchemy import select

from caseapp.extensions import db
from caseapp.people.sections import TimelineEvent, register_section, register_timeline
from caseapp.referrals.models import Referral, ReferralEvent
from caseapp.referrals.services import referrals_of_person


def _referrals(actor, person) -> dict:
    return {"referrals": referrals_of_person(person.id)}


def _changes(actor, case, limit: int) -> list[TimelineEvent]:
    rows = db.session.scalars(
        select(ReferralEvent)
        .join(Referral, Referral.id == ReferralEvent.referral_id)
        .where(Referral.case_id == case.id)
        .order_by(ReferralEvent.at.desc())
        .limit(limit)
    )
    return [TimelineEvent(r.at, "referral", r) for r in rows]


register_section("referrals", order=30, template="referrals/_case_file.html", load=_referrals)
register_timeline("referrals", order=20, template="referrals/_timeline_event.html", events=_changes)
