"""Private calendar feeds: a secret, revocable address per caseworker and volunteer, with
only that person's own dates, times in Europe/Berlin with a VTIMEZONE (also across DST)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from caseapp.appointments.models import Appointment
from caseapp.appointments.slots import BERLIN
from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.feeds.models import CalendarFeed
from tests.factories.web import Actions

FEED_RE = re.compile(r"https?://[^\"\s]+/calendar/([A-Za-z0-9_-]+)\.ics")


def _login(app, email):
    actions = Actions(app.test_client())
    assert actions.login(email).status_code == 302
    return actions


def _feed_path(actions) -> str:
    assert actions.post("/calendar/new", {}).status_code == 302
    page = actions.client.get("/calendar/?lang=en").get_data(as_text=True)
    match = FEED_RE.search(page)
    assert match, page[:3000]
    return f"/calendar/{match.group(1)}.ics"


def _person(worker, office_id, given, family):
    from caseapp.people import services
    from caseapp.people.validation import PersonData

    return services.register_person(
        worker,
        PersonData(given_name=given, family_name=family, birth_year=1990),
        office_id=office_id,
        caseworker_id=worker.id,
        today=date(2026, 11, 22),
    )


def _appointment(person, worker, office_id, berlin_wall_time):
    start = berlin_wall_time.replace(tzinfo=BERLIN).astimezone(UTC)
    row = Appointment(
        person_id=person.id,
        office_id=office_id,
        caseworker_id=worker.id,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
    )
    db.session.add(row)
    return row


@pytest.fixture
def appointments(app, world):
    with app.test_request_context():
        a = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        b = db.session.scalar(select(User).where(User.email == world["caseworker_b"]))
        amal = _person(a, world["office_a"], "Amal", "Haddad")
        other = _person(b, world["office_b"], "MARKER-Other", "MARKER-Person")
        # The Friday before and the Monday after the change to summer time (28 March 2027).
        _appointment(amal, a, world["office_a"], datetime(2027, 3, 26, 10, 0))
        _appointment(amal, a, world["office_a"], datetime(2027, 3, 29, 10, 0))
        _appointment(other, b, world["office_b"], datetime(2027, 3, 29, 11, 0))
        db.session.commit()
        return {"case_a": amal.case.case_number, "case_b": other.case.case_number}


def test_caseworker_feed_has_own_appointments_in_berlin_time_across_dst(app, world, appointments):
    a = _login(app, world["caseworker_a"])
    path = _feed_path(a)
    response = app.test_client().get(path)  # a calendar app: no session
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    assert "BEGIN:VTIMEZONE" in body and "TZID:Europe/Berlin" in body
    assert "DTSTART;TZID=Europe/Berlin:20270326T100000" in body
    assert "DTSTART;TZID=Europe/Berlin:20270329T100000" in body
    events = list(Calendar.from_ical(response.data).walk("VEVENT"))
    starts = sorted(e.decoded("dtstart").astimezone(UTC) for e in events)
    assert starts == [datetime(2027, 3, 26, 9, tzinfo=UTC), datetime(2027, 3, 29, 8, tzinfo=UTC)]
    # Only their own: not caseworker B's appointment nor that person's name or case number.
    assert appointments["case_a"] in body.replace("\r\n ", "")
    assert appointments["case_b"] not in body and "MARKER" not in body
    with app.app_context():
        assert db.session.scalar(select(CalendarFeed.last_used_at)) is not None
    assert "Last read by a calendar" in a.client.get("/calendar/?lang=en").get_data(as_text=True)


def test_wrong_renewed_and_revoked_addresses_give_404(app, world, appointments):
    a = _login(app, world["caseworker_a"])
    first = _feed_path(a)
    client = app.test_client()
    assert client.get(first).status_code == 200
    assert client.get("/calendar/not-the-token.ics").status_code == 404
    assert client.get(first.replace(".ics", "x.ics")).status_code == 404
    second = _feed_path(a)  # a new address: the old one stops working
    assert second != first
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert a.post("/calendar/revoke", {}).status_code == 302
    assert client.get(second).status_code == 404
    page = a.client.get("/calendar/?lang=en").get_data(as_text=True)
    assert FEED_RE.search(page) is None


def test_deactivated_user_feed_stops(app, world, appointments):
    a = _login(app, world["caseworker_a"])
    path = _feed_path(a)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        user.active = False
        db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_volunteer_feed_has_own_trainings_and_meetings_only(app, world, make_user):
    from caseapp.matches.models import Match
    from caseapp.volunteers.models import HoursEntry, TrainingRegistration
    from tests.factories.matching_web import matching_records
    from tests.factories.volunteers import volunteer_records

    own_ids = volunteer_records(app, world["volunteer"])  # "Grundlagen…" (attended), "Aufbau"
    matched = make_user("volunteer", email="vol1@test.example")
    records = matching_records(app, world, make_user, volunteer_email=matched, name="Begleitung")
    with app.app_context():
        match = db.session.get(Match, records["match_id"])
        db.session.add(
            HoursEntry(
                volunteer_id=match.volunteer_id,
                programme_id=match.programme_id,
                match_id=match.id,
                day=date(2026, 11, 27),
                minutes=90,
            )
        )
        given_name = match.person.given_name
        db.session.add(
            TrainingRegistration(
                training_id=own_ids["training_id"], volunteer_id=own_ids["volunteer_profile_id"]
            )
        )
        db.session.commit()

    own = _login(app, world["volunteer"])
    body = app.test_client().get(_feed_path(own)).get_data(as_text=True)
    assert "Aufbau" in body and "Grundlagen der Begleitung" in body
    assert "BEGIN:VTIMEZONE" in body
    assert given_name not in body  # the other volunteer's match

    other = _login(app, matched)
    body = app.test_client().get(_feed_path(other)).get_data(as_text=True)
    assert given_name in body and "DTSTART;VALUE=DATE:20261127" in body
    assert "Aufbau" not in body


@pytest.mark.parametrize("role", ["coordinator", "newcomer"])
def test_only_caseworkers_and_volunteers_have_a_feed_page(app, world, role):
    actions = _login(app, world[role])
    assert actions.client.get("/calendar/").status_code == 403
    assert actions.post("/calendar/new", {}).status_code == 403
    anonymous = app.test_client().get("/calendar/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def access_matrix_urls(app, world) -> dict[str, str]:
    """Working URLs of the feed endpoints with arguments, for the role x route matrix
    (tests/web/test_access.py): caseworker A's live calendar address, HSDS objects of a
    service of office A."""
    from caseapp.feeds import hsds
    from caseapp.referrals import directory

    with app.test_request_context():
        worker = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        feed = CalendarFeed(user_id=worker.id, token="matrix-" + "x" * 40)
        db.session.add(feed)
        service = directory.create_service(
            None,
            directory.ServiceData(
                office_id=world["office_a"], name_de="Matrix", need_areas=["work"]
            ),
            date(2026, 11, 1),
        )
        db.session.commit()
        ids = hsds.Ids(app.config.get("BASE_URL") or "")
        return {
            "feeds.ics": f"/calendar/{feed.token}.ics",
            "hsds.service": f"/directory/hsds/services/{ids('service', service.id)}",
            "hsds.organization": (
                f"/directory/hsds/organizations/{ids('organization', world['office_a'])}"
            ),
            "hsds.service_at_location": (
                f"/directory/hsds/service_at_locations/{ids('service-at-location', service.id)}"
            ),
        }


def test_access_matrix_urls_work(app, world):
    client = app.test_client()
    for endpoint, url in access_matrix_urls(app, world).items():
        assert client.get(url).status_code == 200, endpoint
