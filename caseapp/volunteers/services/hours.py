"""Logged hours and the yearly thank-you figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from caseapp.audit import services as audit
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.volunteers.labels import ENGAGED, Status
from caseapp.volunteers.models import Application, HoursEntry, Programme, Volunteer

MAX_MINUTES = 16 * 60


def log_hours(
    actor,
    volunteer: Volunteer,
    programme_id: int | None,
    day,
    minutes,
    activity: str,
    today: date,
    match_id: int | None = None,
) -> HoursEntry:
    errors: dict[str, list[str]] = {}
    engaged = {a.programme_id for a in volunteer.applications if a.status in ENGAGED}
    if match_id:
        from caseapp.matches.models import Match

        match = db.session.get(Match, match_id)
        if match is None or match.volunteer_id != volunteer.id:
            errors["match"] = [_("Choose one of your matches.")]
        else:
            # A check-in counts for the match's programme.
            programme_id = match.programme_id
            engaged.add(programme_id)
    if programme_id not in engaged:
        errors["programme"] = [_("Choose one of your programmes.")]
    if day is None:
        errors["day"] = [_("Enter a date.")]
    elif day > today:
        errors["day"] = [_("This date lies in the future.")]
    elif day < today - timedelta(days=366):
        errors["day"] = [_("Only the last twelve months can be logged.")]
    if minutes is None or not 5 <= minutes <= MAX_MINUTES:
        errors["minutes"] = [
            _("Enter between %(min)d and %(max)d minutes.", min=5, max=MAX_MINUTES)
        ]
    if not (activity or "").strip():
        errors["activity"] = [_("Write in a few words what you did.")]
    if errors:
        raise ValidationFailed(errors)
    entry = HoursEntry(
        volunteer_id=volunteer.id,
        programme_id=programme_id,
        match_id=match_id or None,
        day=day,
        minutes=minutes,
        activity=activity.strip(),
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        actor, "log_hours", "volunteer", volunteer.id, details={"minutes": [None, minutes]}
    )
    return entry


def minutes_logged(volunteer_id: int, programme_id: int | None = None) -> int:
    stmt = select(func.coalesce(func.sum(HoursEntry.minutes), 0)).where(
        HoursEntry.volunteer_id == volunteer_id
    )
    if programme_id is not None:
        stmt = stmt.where(HoursEntry.programme_id == programme_id)
    return int(db.session.scalar(stmt) or 0)


@dataclass(frozen=True)
class ProgrammeFigures:
    programme: Programme
    volunteers: int
    minutes: int
    newcomers: int = 0  # people accompanied in a match at some point of the year


def yearly_figures(year: int) -> tuple[int, int, list[ProgrammeFigures]]:
    """(minutes given this year, volunteers who gave them, per programme figures)."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    in_year = (HoursEntry.day >= start, HoursEntry.day < end)
    total = db.session.scalar(
        select(func.coalesce(func.sum(HoursEntry.minutes), 0)).where(*in_year)
    )
    people = db.session.scalar(
        select(func.count(func.distinct(HoursEntry.volunteer_id))).where(*in_year)
    )
    minutes = dict(
        db.session.execute(
            select(HoursEntry.programme_id, func.sum(HoursEntry.minutes))
            .where(*in_year)
            .group_by(HoursEntry.programme_id)
        ).all()
    )
    counts = dict(
        db.session.execute(
            select(Application.programme_id, func.count(Application.id))
            .where(Application.status.in_([Status.TRAINED, Status.ACTIVE]))
            .group_by(Application.programme_id)
        ).all()
    )
    from caseapp.matches.models import Match

    accompanied = dict(
        db.session.execute(
            select(Match.programme_id, func.count(func.distinct(Match.person_id)))
            .where(Match.started_on < end)
            .where((Match.ended_on.is_(None)) | (Match.ended_on >= start))
            .group_by(Match.programme_id)
        ).all()
    )
    rows = [
        ProgrammeFigures(
            p,
            int(counts.get(p.id, 0)),
            int(minutes.get(p.id, 0) or 0),
            int(accompanied.get(p.id, 0)),
        )
        for p in db.session.scalars(select(Programme).order_by(Programme.id))
    ]
    return int(total or 0), int(people or 0), rows
