"""Closed loop: e-mails to the sending caseworker and the receiving office, via the outbox."""

from __future__ import annotations

from caseapp.auth.models import User
from caseapp.i18n import DEFAULT_LANGUAGE
from caseapp.referrals.models import Referral

# Receiving partners without an account (caseapp.partners) are told with signed links of
# their own: a package registers `notify(referral, overdue) -> bool`, True once it has.
RECEIVER_NOTIFIERS: list = []


def _link(referral: Referral) -> str:
    from caseapp.volunteers.notifications import external_url

    return external_url("referrals.detail", referral_id=referral.id)


def notify_sender(referral: Referral, status: str, note: str) -> None:
    """E-mail the caseworker who sent the referral, in their language."""
    sender: User | None = referral.created_by
    if sender is None or not sender.email or not sender.active:
        return
    from caseapp.outbox.services import enqueue_template

    enqueue_template(
        sender.email,
        "emails/referrals/status",
        sender.preferred_language or DEFAULT_LANGUAGE,
        dedupe_key=f"referral-{referral.id}-{status}-{len(referral.events)}",
        referral=referral,
        status=status,
        note=note,
        link=_link(referral),
    )


def notify_office(referral: Referral, *, overdue: bool = False) -> None:
    """Tell the receiving office (its shared e-mail address) of a new or overdue referral."""
    if any(notify(referral, overdue) for notify in RECEIVER_NOTIFIERS):
        return
    office = referral.to_office
    if not office.email:
        return
    from caseapp.outbox.services import enqueue_template

    enqueue_template(
        office.email,
        "emails/referrals/incoming",
        "de",
        dedupe_key=f"referral-{referral.id}-office-{'overdue' if overdue else 'sent'}",
        referral=referral,
        overdue=overdue,
        link=_link(referral),
    )
