"""The daily run (`referrals flag-overdue`): referrals past their response time are flagged
once and both offices told; copies held under a withdrawn or ended consent are erased."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from caseapp.core.clock import to_local, utcnow
from caseapp.extensions import db
from caseapp.people.models import Consent
from caseapp.referrals.models import Referral
from caseapp.referrals.notifications import notify_office, notify_sender
from caseapp.referrals.services.lifecycle import add_event
from caseapp.referrals.sharing import shared_data


def flag_overdue(now: datetime | None = None) -> int:
    """Mark sent referrals past their response time once and tell both offices."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(Referral).where(
            Referral.status == "sent",
            Referral.respond_by < now,
            Referral.overdue_flagged_at.is_(None),
        )
    ).all()
    for referral in rows:
        referral.overdue_flagged_at = now
        add_event(None, referral, "overdue")
        notify_sender(referral, "overdue", "")
        notify_office(referral, overdue=True)
    # Consents withdrawn or ended since: erase the copies the receiving offices held.
    today = to_local(now).date()
    for referral in db.session.scalars(
        select(Referral)
        .join(Consent, Consent.id == Referral.consent_id)
        .where(or_(Consent.withdrawn_on.is_not(None), Consent.valid_until < today))
    ):
        shared_data(referral, today)
    db.session.flush()
    return len(rows)
