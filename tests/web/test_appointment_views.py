"""Caseworkers book, move, cancel and close appointments through the pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from caseapp.appointments.models import Appointment
from caseapp.core.clock import local_today
from caseapp.extensions import db
from caseapp.outbox.models import OutboxMessage
from tests.factories.appointments import book, make_person, next_day_at, setup_office


@pytest.fixture
def setup(app, make_user):
    return setup_office(app, make_user)


def _signed_in(actions, setup, n=0):
    assert actions.login(setup["workers"][n]).status_code == 302
    return actions


def _local(dt) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M")


def _booking(setup, start, **changes):
    data = {
        "submission_id": "6f1c2b2e-2f59-4d0e-9a53-0f5b9e6f0c11",
        "office": setup["office"],
        "room": setup["rooms"][0],
        "caseworker": setup["worker_ids"][0],
        "starts_at": _local(start),
        "duration_minutes": "30",
        "need_area": "housing",
        "purpose": "Wohnungssuche",
        "interpreter_language": "ar",
        "notes_for_newcomer": "Reisepass und Mietvertrag",
    }
    data.update(changes)
    return data


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Appointment.id)))


def test_case_file_links_to_booking_and_access_code(app, actions, setup):
    _signed_in(actions, setup)
    page = actions.client.get(f"/people/{setup['person']}").get_data(as_text=True)
    assert f"/appointments/person/{setup['person']}/new" in page
    assert f"/appointments/person/{setup['person']}/access-code" in page


def test_book_from_the_case_file(app, actions, setup):
    _signed_in(actions, setup)
    form = actions.client.get(f"/appointments/person/{setup['person']}/new")
    assert form.status_code == 200 and "Raum 1" in form.get_data(as_text=True)
    start = next_day_at(10)
    response = actions.post(f"/appointments/person/{setup['person']}/new", _booking(setup, start))
    assert response.status_code == 302
    detail = actions.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Reisepass und Mietvertrag" in detail and "Raum 1" in detail
    # A double click leads to the first result, not a second appointment.
    again = actions.post(f"/appointments/person/{setup['person']}/new", _booking(setup, start))
    assert again.headers["Location"] == response.headers["Location"]
    assert _count(app) == 1
    # The case file lists the appointment.
    page = actions.client.get(f"/people/{setup['person']}").get_data(as_text=True)
    assert "Raum 1" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_at": "2020-01-06T10:00"}, "The appointment cannot start in the past."),
        ({"when": 21}, "The office is closed at that time."),
        # Issue 12 §2: a duration of 0 says what is needed, not only that the end is wrong.
        ({"duration_minutes": "0"}, "Enter at least 1 minute."),
        ({"room": "999999"}, "Choose one of the rooms of this office."),
    ],
)
def test_bad_input_gives_the_form_back_with_reasons(app, actions, setup, changes, message):
    _signed_in(actions, setup)
    start = next_day_at(changes.pop("when", 10))
    data = _booking(setup, start, submission_id="", **changes)
    response = actions.post(f"/appointments/person/{setup['person']}/new?lang=en", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert "Reisepass und Mietvertrag" in page  # nothing typed is lost
    assert _count(app) == 0


def test_double_booking_is_refused_on_the_page(app, actions, setup):
    book(app, setup, next_day_at(10))
    other = make_person(app, setup)
    _signed_in(actions, setup)
    response = actions.post(
        f"/appointments/person/{other}/new?lang=en",
        _booking(setup, next_day_at(10, 15), submission_id=""),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The caseworker already has an appointment at that time." in page
    assert "The room is already booked at that time." in page
    assert _count(app) == 1


def test_warning_when_the_newcomer_is_busy_elsewhere(app, actions, setup):
    book(app, setup, next_day_at(10))
    _signed_in(actions, setup, 1)
    data = _booking(
        setup,
        next_day_at(10),
        submission_id="",
        room=setup["rooms"][1],
        caseworker=setup["worker_ids"][1],
    )
    response = actions.post(f"/appointments/person/{setup['person']}/new?lang=en", data)
    assert response.status_code == 400
    assert "already has an appointment at that time" in response.get_data(as_text=True)
    assert _count(app) == 1
    data["confirm_overlap"] = "y"
    assert actions.post(f"/appointments/person/{setup['person']}/new", data).status_code == 302
    assert _count(app) == 2


def test_move_cancel_and_attendance(app, actions, setup):
    appointment_id = book(app, setup, next_day_at(9))
    _signed_in(actions, setup)
    page = actions.client.get(f"/appointments/{appointment_id}/reschedule").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = actions.post(
        f"/appointments/{appointment_id}/reschedule",
        {
            "version": version,
            "room": setup["rooms"][1],
            "caseworker": setup["worker_ids"][0],
            "starts_at": _local(next_day_at(11)),
            "duration_minutes": "45",
            "reason": "Dolmetscher",
        },
    )
    assert response.status_code == 302
    detail = actions.client.get(f"/appointments/{appointment_id}?lang=en").get_data(as_text=True)
    assert "moved" in detail and "Raum 2" in detail
    # A stale form (old version) is not saved.
    stale = actions.post(
        f"/appointments/{appointment_id}/reschedule",
        {
            "version": version,
            "room": setup["rooms"][0],
            "caseworker": setup["worker_ids"][0],
            "starts_at": _local(next_day_at(12)),
            "duration_minutes": "30",
        },
    )
    assert stale.status_code == 409
    # Attendance cannot be recorded before the appointment has begun.
    early = actions.post(f"/appointments/{appointment_id}/attendance", {"outcome": "no_show"})
    assert early.status_code == 302
    with app.app_context():
        assert db.session.get(Appointment, appointment_id).status == "scheduled"
    # Cancel with a reason.
    page = actions.client.get(f"/appointments/{appointment_id}/cancel").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    no_reason = actions.post(f"/appointments/{appointment_id}/cancel", {"version": version})
    assert no_reason.status_code == 400
    done = actions.post(
        f"/appointments/{appointment_id}/cancel", {"version": version, "reason": "Krank"}
    )
    assert done.status_code == 302
    with app.app_context():
        row = db.session.get(Appointment, appointment_id)
        assert row.status == "cancelled" and row.cancel_reason == "Krank"


def test_no_show_appears_on_timeline_and_start_page(app, actions, setup):
    from caseapp.appointments import services
    from caseapp.auth.models import User

    appointment_id = book(app, setup, next_day_at(10))
    with app.test_request_context():
        row = db.session.get(Appointment, appointment_id)
        # The appointment took place yesterday: move it into the past directly.
        row.starts_at = row.starts_at - timedelta(days=2)
        row.ends_at = row.ends_at - timedelta(days=2)
        db.session.commit()
        actor = db.session.get(User, setup["worker_ids"][0])
        services.record_attendance(actor, row, "no_show", now=row.starts_at + timedelta(hours=1))
        db.session.commit()
    _signed_in(actions, setup)
    timeline = actions.client.get(f"/people/{setup['person']}?lang=en").get_data(as_text=True)
    assert "no-show" in timeline
    home = actions.client.get("/home?lang=en").get_data(as_text=True)
    assert "Recent no-shows" in home and "Amal Haddad" in home


def test_calendar_shows_appointments_and_free_slots(app, actions, setup):
    book(app, setup, next_day_at(10))
    _signed_in(actions, setup)
    day = next_day_at(10).date().isoformat()
    page = actions.client.get(
        f"/appointments/calendar?office={setup['office']}&caseworker={setup['worker_ids'][0]}"
        f"&date={day}&view=day&person={setup['person']}&lang=en"
    ).get_data(as_text=True)
    assert "Amal Haddad" in page
    assert "Free" in page
    # The booked 10:00 is not offered; 10:30 is, as a link to the booking form.
    assert f"start={day}T10%3A30" in page or f"start={day}T10:30" in page
    assert f"start={day}T10%3A00" not in page and f"start={day}T10:00" not in page
    week = actions.client.get(f"/appointments/calendar?office={setup['office']}")
    assert week.status_code == 200


def test_other_office_gets_404(app, actions, setup, make_user, make_office):
    appointment_id = book(app, setup, next_day_at(10))
    other = make_office(name="Jobcenter Süd")
    stranger = make_user("caseworker", offices=[other])
    actions.login(stranger)
    assert actions.client.get(f"/appointments/{appointment_id}").status_code == 404
    assert actions.client.get(f"/appointments/{appointment_id}/slip.pdf").status_code == 404
    assert actions.client.get(f"/appointments/calendar?office={setup['office']}").status_code == 404
    assert actions.client.get(f"/appointments/offices/{setup['office']}/rooms").status_code == 404


def test_rooms_are_managed_by_office_members(app, actions, setup):
    _signed_in(actions, setup)
    response = actions.post(
        f"/appointments/offices/{setup['office']}/rooms", {"name": "Beratungsraum 3"}
    )
    assert response.status_code == 302
    duplicate = actions.post(
        f"/appointments/offices/{setup['office']}/rooms?lang=en", {"name": "beratungsraum 3"}
    )
    assert duplicate.status_code == 400
    assert "already has a room with this name" in duplicate.get_data(as_text=True)


def test_access_code_and_slips(app, actions, setup):
    appointment_id = book(app, setup, next_day_at(10))
    _signed_in(actions, setup)
    slip = actions.client.get(f"/appointments/{appointment_id}/slip.pdf")
    assert slip.status_code == 200 and slip.mimetype == "application/pdf"
    page = actions.post(f"/appointments/person/{setup['person']}/access-code", {})
    assert page.status_code == 200
    code = re.search(r'id="access-code">([A-Z0-9-]+)<', page.get_data(as_text=True)).group(1)
    with_code = actions.post(
        f"/appointments/{appointment_id}/slip-with-code", {"access_code": code}
    )
    assert with_code.status_code == 200 and with_code.data.startswith(b"%PDF")
    forged = actions.post(
        f"/appointments/{appointment_id}/slip-with-code", {"access_code": "AAAA-BBBB-CCCC"}
    )
    assert forged.status_code == 302


def test_booking_queues_a_notice_in_the_newcomers_language(app, actions, setup):

    from caseapp.auth.models import User
    from caseapp.people import casework
    from caseapp.people.models import Case

    with app.test_request_context():
        actor = db.session.get(User, setup["worker_ids"][0])
        case = db.session.scalar(select(Case).where(Case.person_id == setup["person"]))
        casework.record_consent(
            actor,
            case,
            purpose="reminders",
            receiving_office_id=None,
            scope="",
            given_on=local_today(),
            form="written",
            today=local_today(),
        )
        db.session.commit()
    _signed_in(actions, setup)
    actions.post(f"/appointments/person/{setup['person']}/new", _booking(setup, next_day_at(10)))
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.channel)).all()
        assert [(r.channel, r.recipient, r.language) for r in rows] == [
            ("email", "amal@example.org", "ar"),
            ("sms", "+49 171 1234567", "ar"),
        ]


def test_book_for_the_whole_household_from_the_form(app, actions, setup):
    from caseapp.auth.models import User
    from caseapp.people import casework
    from caseapp.people.models import Person

    spouse_id = make_person(app, setup, given="Leyla")
    _signed_in(actions, setup)
    form = actions.client.get(f"/appointments/person/{setup['person']}/new").get_data(as_text=True)
    assert "for_household" not in form  # no household yet: no such choice
    with app.test_request_context():
        worker = db.session.get(User, setup["worker_ids"][0])
        casework.link_household(
            worker,
            db.session.get(Person, spouse_id),
            db.session.get(Person, setup["person"]),
            role="spouse",
            other_role="head",
        )
        db.session.commit()
    form = actions.client.get(f"/appointments/person/{setup['person']}/new").get_data(as_text=True)
    assert "Für den ganzen Haushalt" in form
    data = _booking(setup, next_day_at(10), for_household="y")
    response = actions.post(f"/appointments/person/{setup['person']}/new", data)
    assert response.status_code == 302
    spouse_page = actions.client.get(f"/people/{spouse_id}").get_data(as_text=True)
    assert "ganzer Haushalt" in spouse_page


def _move_meanwhile(app, setup, appointment_id, start, reason):
    """Someone else moves the appointment to Raum 2 while the form is open."""
    from caseapp.appointments import services
    from caseapp.auth.models import User
    from caseapp.core.clock import utcnow

    with app.test_request_context():
        row = db.session.get(Appointment, appointment_id)
        services.reschedule_appointment(
            db.session.get(User, setup["worker_ids"][1]),
            row,
            services.BookingData(
                office_id=setup["office"],
                room_id=setup["rooms"][1],
                caseworker_id=setup["worker_ids"][1],
                starts_at=start,
                duration_minutes=30,
            ),
            now=utcnow(),
            loaded_version=row.version,
            reason=reason,
        )
        db.session.commit()


def test_a_stale_move_shows_both_versions_and_saves_nothing(app, actions, setup):
    appointment_id = book(app, setup, next_day_at(9))
    _signed_in(actions, setup)
    page = actions.client.get(f"/appointments/{appointment_id}/reschedule").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    _move_meanwhile(app, setup, appointment_id, next_day_at(11), "Dolmetscherin kommt später")
    stale = actions.post(
        f"/appointments/{appointment_id}/reschedule?lang=en",
        {
            "version": version,
            "room": setup["rooms"][0],
            "caseworker": setup["worker_ids"][0],
            "starts_at": _local(next_day_at(12)),
            "duration_minutes": "45",
            "reason": "Wunsch der Klientin",
        },
    )
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "Saved meanwhile" in page and "Your input" in page
    # What the other caseworker saved beside what was typed here.
    assert _local(next_day_at(11)).replace("T", " ") in page and "Raum 2" in page
    assert "Dolmetscherin kommt später" in page and "Caseworker 2" in page
    assert _local(next_day_at(12)).replace("T", " ") in page and "Wunsch der Klientin" in page
    assert f'href="/appointments/{appointment_id}/reschedule"' in page
    with app.app_context():
        row = db.session.get(Appointment, appointment_id)
        assert row.starts_at == next_day_at(11) and row.room_id == setup["rooms"][1]


def test_a_stale_cancellation_goes_to_the_conflict_page(app, actions, setup):
    appointment_id = book(app, setup, next_day_at(9))
    _signed_in(actions, setup)
    page = actions.client.get(f"/appointments/{appointment_id}/cancel").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    _move_meanwhile(app, setup, appointment_id, next_day_at(11), "Raumtausch")
    stale = actions.post(
        f"/appointments/{appointment_id}/cancel?lang=en", {"version": version, "reason": "Krank"}
    )
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "Saved meanwhile" in page and "Krank" in page
    assert f'href="/appointments/{appointment_id}/cancel"' in page
    with app.app_context():
        assert db.session.get(Appointment, appointment_id).status == "scheduled"


def test_attendance_written_at_the_same_moment_as_another_change(app, actions, setup, monkeypatch):
    """The appointment changes between loading it and writing the attendance (a race)."""
    from sqlalchemy import update

    from caseapp.appointments import services

    appointment_id = book(app, setup, next_day_at(9))
    record = services.record_attendance

    def racing(actor, appointment, outcome, *, now):
        db.session.execute(
            update(Appointment)
            .where(Appointment.id == appointment.id)
            .values(version=Appointment.version + 1)
            .execution_options(synchronize_session=False)
        )
        return record(actor, appointment, outcome, now=now)

    monkeypatch.setattr(services, "record_attendance", racing)
    _signed_in(actions, setup)
    response = actions.post(
        f"/appointments/{appointment_id}/attendance?lang=en",
        {"outcome": "cancelled_by_newcomer"},
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Saved meanwhile" in page and "Cancelled by the newcomer" in page
    assert f'href="/appointments/{appointment_id}"' in page
    with app.app_context():
        assert db.session.get(Appointment, appointment_id).status == "scheduled"
