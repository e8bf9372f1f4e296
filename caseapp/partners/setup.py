"""Plugs partners into referrals: a referral to a partner goes out as a signed-link e-mail."""

from __future__ import annotations

from flask import current_app


def _notify(referral, overdue: bool) -> bool:
    from caseapp.partners.services import notify_partner

    return notify_partner(referral, overdue, current_app.config["SECRET_KEY"])


def init_app(app) -> None:
    from caseapp.referrals.notifications import RECEIVER_NOTIFIERS

    if _notify not in RECEIVER_NOTIFIERS:
        RECEIVER_NOTIFIERS.append(_notify)
