"""The match lifecycle: pause, resume, end (the newcomer waits again), follow the volunteer."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from caseapp.audit import services as audit
from caseapp.core.clock import local_today, utcnow
from caseapp.core.errors import StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.matches import adapters, notices, wording
from caseapp.matches.models import Match

END_REASONS = tuple(wording.END_REASONS)  # the codes; wording holds their labels
OPEN_MATCH = adapters.OPEN_MATCH


def _stamp(actor, match: Match, status: str) -> None:
    match.status = status
    match.status_changed_at = utcnow()
    match.status_changed_by_id = getattr(actor, "id", None)


def _check_version(match: Match, loaded_version: int | None) -> None:
    """The form was loaded with an older version: someone else changed the match meanwhile."""
    if loaded_version is not None and loaded_version != match.version:
        raise StaleVersion(match)


def _write(match: Match) -> None:
    """Write at once, so that a change by someone else in the same moment is a StaleVersion."""
    try:
        db.session.flush()
    except StaleDataError as error:
        raise StaleVersion(match) from error


def pause(actor, match: Match) -> None:
    if match.status != "active":
        raise ValidationFailed({"status": _("This change is not possible in the current status.")})
    _stamp(actor, match, "paused")
    audit.record(actor, "match.pause", "match", match.id, purpose="matching")


def resume(actor, match: Match) -> None:
    if match.status != "paused":
        raise ValidationFailed({"status": _("This change is not possible in the current status.")})
    _stamp(actor, match, "active")
    audit.record(actor, "match.resume", "match", match.id, purpose="matching")


def end(
    actor,
    match: Match,
    reason: str,
    today: date,
    *,
    do_not_rematch=False,
    note="",
    loaded_version: int | None = None,
) -> None:
    """End a match; unless it was completed, the newcomer waits again with their waiting time.

    The waiting time already earned is kept: the request's waiting_since moves forward by the
    days the match lasted, so the time matched does not count as waiting. `loaded_version`
    (from the form) refuses a stale change with StaleVersion.
    """
    _check_version(match, loaded_version)
    if match.status not in OPEN_MATCH:
        raise ValidationFailed({"status": _("This change is not possible in the current status.")})
    if reason not in END_REASONS:
        raise ValidationFailed({"reason": _("Choose a reason.")})
    if reason == "other" and not (note or "").strip():
        raise ValidationFailed({"note": _("Describe the reason in a few words.")})
    _stamp(actor, match, "ended")
    match.end_reason = reason
    match.end_note = (note or "").strip()
    match.do_not_rematch = bool(do_not_rematch)
    match.ended_on = today
    match_request = match.request
    if reason == "completed":
        match_request.status = "done"
        match_request.closed_at = utcnow()
    else:
        lasted = max((today - match.started_on).days, 0)
        match_request.waiting_since = min(
            match_request.waiting_since + timedelta(days=lasted), today
        )
        match_request.status = "waiting"
    _write(match)
    audit.record(
        actor,
        "match.end",
        "match",
        match.id,
        purpose="matching",
        details={"reason": reason, "do_not_rematch": match.do_not_rematch},
    )
    notices.match_ended(match)


def follow_volunteer(actor, volunteer_id: int, programme_id: int, status: str) -> int:
    """The volunteer paused or ended a programme: pause or end their open matches in it."""
    today = local_today()
    rows = db.session.scalars(
        select(Match).where(
            Match.volunteer_id == volunteer_id,
            Match.programme_id == programme_id,
            Match.status.in_(OPEN_MATCH),
        )
    ).all()
    for match in rows:
        if status == "paused":
            if match.status == "active":
                pause(actor, match)
        else:
            end(actor, match, "volunteer_stopped", today)
    return len(rows)


def update_contact(actor, match: Match, contact: str, *, loaded_version: int | None = None) -> None:
    _check_version(match, loaded_version)
    match.agreed_contact = (contact or "").strip()[:200]
    _write(match)
    audit.record(actor, "match.contact", "match", match.id, purpose="matching")
