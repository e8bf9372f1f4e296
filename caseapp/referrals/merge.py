"""The referrals package's part of a merge: referrals of the person, and referrals whose
receiving office linked the removed record as its own case."""

from __future__ import annotations

from sqlalchemy import select, update

from caseapp.core.signals import merge_handler
from caseapp.extensions import db
from caseapp.people.models import Case
from caseapp.referrals.models import Referral


@merge_handler("referrals.person_id", "referrals.receiving_person_id")
def merge_referrals(survivor, *, removed, actor=None, **_kw) -> dict[str, int]:
    values = {"person_id": survivor.id}
    # The referral belongs to the survivor's case file. Without one the survivor takes over
    # the removed case (people.merge), so the referral's case is already right.
    case_id = db.session.scalar(select(Case.id).where(Case.person_id == survivor.id))
    if case_id is not None:
        values["case_id"] = case_id
    sent = db.session.execute(
        update(Referral).where(Referral.person_id == removed.id).values(**values)
    )
    received = db.session.execute(
        update(Referral)
        .where(Referral.receiving_person_id == removed.id)
        .values(receiving_person_id=survivor.id)
    )
    return {"referrals": sent.rowcount or 0, "referrals_received": received.rowcount or 0}
