"""Labels and helpers the referral and directory templates use."""

from __future__ import annotations

from caseapp.referrals import vocab


def referral_status_label(status: str) -> str:
    return str(vocab.STATUS.get(status, status))


def referral_counts() -> dict[str, int]:
    """New, overdue and in-progress incoming referrals of the signed-in user's offices."""
    from flask_login import current_user

    from caseapp.core.clock import utcnow
    from caseapp.referrals.services import counts_for

    return counts_for(current_user, utcnow())


def referral_updates():
    from flask_login import current_user

    from caseapp.referrals.services import recent_updates

    return recent_updates(current_user, limit=5)


def init_app(app) -> None:
    @app.context_processor
    def referral_labels():
        return {
            "capacity_labels": vocab.CAPACITY,
            "urgency_labels": vocab.URGENCY,
            "referral_status": vocab.STATUS,
            "share_categories": vocab.CATEGORIES,
            "age_groups": vocab.AGE_GROUPS,
        }

    from caseapp.referrals.wording import skipped_text

    app.jinja_env.globals.update(
        referral_status_label=referral_status_label,
        skipped_reason=skipped_text,
        referral_counts=referral_counts,
        referral_updates=referral_updates,
    )
