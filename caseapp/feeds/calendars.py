"""Private calendar feeds: one secret address per person, revocable, with their own dates.

A caseworker's feed holds the appointments they are the caseworker of; a volunteer's feed
the trainings they registered for and the meetings they logged with their matches. Nothing
else: a feed is read without signing in, so it carries no one else's dates and of the
people met only what the calendar needs (a case number, a first name).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask_babel import force_locale
from icalendar import Calendar, Event
from sqlalchemy import select

from caseapp.appointments.ical import _event as appointment_event
from caseapp.appointments.models import Appointment
from caseapp.appointments.slots import BERLIN
from caseapp.audit import services as audit
from caseapp.auth.models import User
from caseapp.auth.roles import Role
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.feeds.models import CalendarFeed
from caseapp.i18n import _, isolate

# How far back and ahead a feed reaches.
PAST = timedelta(days=90)
AHEAD = timedelta(days=400)


def active_feed(user) -> CalendarFeed | None:
    return db.session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None)
        )
    )


def create_feed(actor) -> CalendarFeed:
    """A new secret address for the actor's own calendar; the previous one stops working."""
    revoke_feed(actor)
    feed = CalendarFeed(user_id=actor.id, token=secrets.token_urlsafe(32))
    db.session.add(feed)
    db.session.flush()
    # Filed under the account: a calendar address is part of how it reaches its data.
    audit.record(actor, "update", "user", actor.id, details={"calendar_feed": [None, feed.id]})
    return feed


def revoke_feed(actor) -> None:
    feed = active_feed(actor)
    if feed is not None:
        feed.revoked_at = utcnow()
        db.session.flush()
        audit.record(actor, "update", "user", actor.id, details={"calendar_feed": [feed.id, None]})


def feed_by_token(token: str) -> CalendarFeed | None:
    """The live feed behind a token: not revoked, its owner still active."""
    if not token or len(token) > 64:
        return None
    feed = db.session.scalar(
        select(CalendarFeed).where(CalendarFeed.token == token, CalendarFeed.revoked_at.is_(None))
    )
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    if user is None or not user.active or not user.has_role(Role.CASEWORKER, Role.VOLUNTEER):
        return None
    return feed


def _caseworker_events(user: User, host: str, now: datetime) -> list[Event]:
    rows = db.session.scalars(
        select(Appointment)
        .where(
            Appointment.caseworker_id == user.id,
            Appointment.starts_at >= now - PAST,
            Appointment.starts_at <= now + AHEAD,
        )
        .order_by(Appointment.starts_at)
    ).all()
    events = []
    for appointment in rows:
        event = appointment_event(appointment, host, 0)
        case = appointment.person.case if appointment.person else None
        if case is not None:
            # The caseworker's own view: which case, not where (they work there).
            event.pop("summary")
            event.add(
                "summary",
                _("Appointment, case %(number)s", number=isolate(case.case_number, ltr=True)),
            )
        events.append(event)
    return events


def _volunteer_events(user: User, host: str, now: datetime) -> list[Event]:
    from caseapp.matches.models import Match
    from caseapp.volunteers.models import HoursEntry, Training, TrainingRegistration, Volunteer

    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.user_id == user.id))
    if volunteer is None:
        return []
    events = []
    trainings = db.session.scalars(
        select(Training)
        .join(TrainingRegistration, TrainingRegistration.training_id == Training.id)
        .where(
            TrainingRegistration.volunteer_id == volunteer.id,
            Training.starts_at >= now - PAST,
            Training.starts_at <= now + AHEAD,
        )
        .order_by(Training.starts_at)
    ).all()
    for training in trainings:
        event = Event()
        event.add("uid", f"training-{training.id}@{host}")
        event.add("dtstamp", utcnow())
        event.add("dtstart", training.starts_at.astimezone(BERLIN))
        event.add("dtend", training.ends_at.astimezone(BERLIN))
        event.add("summary", _("Training: %(title)s", title=isolate(training.title)))
        if training.place:
            event.add("location", training.place)
        events.append(event)
    meetings = db.session.execute(
        select(HoursEntry, Match)
        .join(Match, Match.id == HoursEntry.match_id)
        .where(
            HoursEntry.volunteer_id == volunteer.id,
            Match.volunteer_id == volunteer.id,
            HoursEntry.day >= (now - PAST).date(),
        )
        .order_by(HoursEntry.day)
    ).all()
    for entry, match in meetings:
        event = Event()
        event.add("uid", f"meeting-{entry.id}@{host}")
        event.add("dtstamp", utcnow())
        event.add("dtstart", entry.day)  # an all-day entry: meetings are logged by day
        event.add(
            "summary",
            _("Meeting with %(name)s", name=isolate(match.person.given_name)),
        )
        events.append(event)
    return events


def calendar_bytes(user: User, language: str, host: str) -> bytes:
    """The VCALENDAR of the person's own dates, times in Europe/Berlin with its VTIMEZONE."""
    now = utcnow()
    calendar = Calendar()
    calendar.add("prodid", "-//Lotse//Calendar feed//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    with force_locale(language):
        calendar.add("x-wr-calname", "Lotse")
        events = []
        if user.has_role(Role.CASEWORKER):
            events += _caseworker_events(user, host, now)
        if user.has_role(Role.VOLUNTEER):
            events += _volunteer_events(user, host, now)
        for event in events:
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def mark_used(feed: CalendarFeed, user: User) -> None:
    """A calendar read the feed: audited like opening the calendar, and shown on the page
    (a feed nobody reads can be revoked without harm)."""
    feed.last_used_at = utcnow()
    audit.record(user, "view_calendar", "user", user.id, details={"calendar_feed": [None, feed.id]})
