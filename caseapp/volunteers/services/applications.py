"""Applications to a programme: approve, decline, pause, resume, end; good conduct."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseapp.audit import services as audit
from caseapp.core.clock import local_today, utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.volunteers import notifications
from caseapp.volunteers.labels import Status
from caseapp.volunteers.models import Application, Certificate, Volunteer


def good_conduct_problem(volunteer: Volunteer, today: date) -> str | None:
    """Why the certificate of good conduct does not count today (None: it does)."""
    if volunteer.good_conduct_valid_until is None:
        return _("No certificate of good conduct has been recorded yet.")
    if volunteer.good_conduct_valid_until < today:
        return _(
            "The certificate of good conduct expired on %(date)s. Record a current one first.",
            date=_format_date(volunteer.good_conduct_valid_until),
        )
    return None


def _format_date(value: date) -> str:
    from flask_babel import format_date

    return format_date(value, "medium")


def _change_status(actor, application: Application, status: Status, action: str, **details):
    before = application.status
    application.status = status
    application.status_changed_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        action,
        "volunteer_application",
        application.id,
        details={"status": [before, status.value], **details},
    )


def approve(actor, application: Application, today: date | None = None) -> None:
    today = today or local_today()
    volunteer = application.volunteer
    if application.status not in (Status.APPLIED, Status.DECLINED):
        raise ValidationFailed({"decision": _("This application has already been decided.")})
    if volunteer.email_confirmed_at is None:
        raise ValidationFailed({"decision": _("The e-mail address has not been confirmed yet.")})
    if application.programme.good_conduct_required:
        problem = good_conduct_problem(volunteer, today)
        if problem:
            raise ValidationFailed({"good_conduct": problem})
    application.decided_at = utcnow()
    application.decided_by_id = getattr(actor, "id", None)
    application.decline_reason = ""
    _change_status(actor, application, Status.APPROVED, "approve")
    notifications.send(
        volunteer.email,
        "approved",
        volunteer.language,
        name=volunteer.name,
        programme=application.programme.name(volunteer.language),
        required=application.programme.required_trainings,
    )
    from caseapp.volunteers.trainings import check_completion

    check_completion(actor, volunteer)


def decline(actor, application: Application, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Give a reason; the volunteer will read it.")})
    if application.status not in (Status.APPLIED, Status.APPROVED):
        raise ValidationFailed({"decision": _("This application has already been decided.")})
    volunteer = application.volunteer
    application.decided_at = utcnow()
    application.decided_by_id = getattr(actor, "id", None)
    application.decline_reason = reason
    _change_status(actor, application, Status.DECLINED, "decline")
    notifications.send(
        volunteer.email,
        "declined",
        volunteer.language,
        name=volunteer.name,
        programme=application.programme.name(volunteer.language),
        reason=reason,
    )


# Who may move an application where: action -> (allowed from, to).
TRANSITIONS = {
    "pause": ({Status.APPROVED, Status.TRAINED, Status.ACTIVE}, Status.PAUSED),
    "resume": ({Status.PAUSED}, None),  # back to trained or approved
    "end": (
        {Status.APPLIED, Status.APPROVED, Status.TRAINED, Status.ACTIVE, Status.PAUSED},
        Status.ENDED,
    ),
    "activate": ({Status.TRAINED}, Status.ACTIVE),
}
VOLUNTEER_ACTIONS = frozenset({"pause", "resume", "end"})


def change_engagement(actor, application: Application, action: str) -> Status:
    allowed_from, target = TRANSITIONS.get(action, (set(), None))
    if application.status not in allowed_from:
        raise ValidationFailed({"status": _("This change is not possible in the current status.")})
    if target is None:
        has_certificate = db.session.scalar(
            select(Certificate.id).where(
                Certificate.volunteer_id == application.volunteer_id,
                Certificate.programme_id == application.programme_id,
            )
        )
        trained = has_certificate or application.programme.required_trainings == 0
        target = Status.TRAINED if trained else Status.APPROVED
    _change_status(actor, application, target, action)
    if target in (Status.PAUSED, Status.ENDED):
        # Matches in this programme follow the volunteer: paused with them, or ended (the
        # newcomers go back on the waiting list and both sides are told).
        from caseapp.matches.services import follow_volunteer

        follow_volunteer(actor, application.volunteer_id, application.programme_id, target)
    return target


def record_good_conduct(
    actor, volunteer: Volunteer, seen_on: date | None, valid_until: date | None, today: date
) -> None:
    errors: dict[str, list[str]] = {}
    if seen_on is None:
        errors["seen_on"] = [_("Enter a date.")]
    elif seen_on > today:
        errors["seen_on"] = [_("This date lies in the future.")]
    if valid_until is None:
        errors["valid_until"] = [_("Enter a date.")]
    elif valid_until < today:
        errors["valid_until"] = [
            _("This record has already expired. Ask the volunteer for a current certificate.")
        ]
    elif seen_on and valid_until <= seen_on:
        errors["valid_until"] = [_("The renewal date must be after the date it was seen.")]
    if errors:
        raise ValidationFailed(errors)
    before = {
        "seen_on": str(volunteer.good_conduct_seen_on or ""),
        "valid_until": str(volunteer.good_conduct_valid_until or ""),
    }
    volunteer.good_conduct_seen_on = seen_on
    volunteer.good_conduct_valid_until = valid_until
    volunteer.good_conduct_seen_by_id = getattr(actor, "id", None)
    volunteer.updated_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "good_conduct_seen",
        "volunteer",
        volunteer.id,
        details=audit.diff(before, {"seen_on": str(seen_on), "valid_until": str(valid_until)}),
    )
