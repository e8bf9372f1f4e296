"""The newcomer portal: sign-in with case number and code, least data, calendar files."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp.appointments.models import Appointment, RescheduleRequest
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.portal import services as portal
from caseapp.portal.models import PortalAccess
from tests.factories.appointments import book, make_person, next_day_at, setup_office
from tests.factories.portal import (
    case_number,
    issue,
    portal_login,
)

MARKERS = {
    "residence": "MARKER-RESIDENCE-7731",
    "consultation": "MARKER-CONSULTATION-NOTE-5512",
    "purpose": "MARKER-INTERNAL-PURPOSE-9044",
    "aid": "MARKER-AID-NOTE-2210",
    "cancel": "MARKER-CANCEL-REASON-6620",
}


@pytest.fixture
def setup(app, make_user):
    return setup_office(app, make_user)


def test_sign_in_with_case_number_and_code(app, actions, setup):
    book(app, setup, next_day_at(10), notes_for_newcomer="Reisepass mitbringen")
    code = issue(app, setup)
    number = case_number(app, setup["person"])
    # Typed in lower case, with spaces, without dashes: still accepted.
    response = portal_login(actions, number.lower(), code.replace("-", " ").lower())
    assert response.status_code == 302 and response.headers["Location"].endswith("/portal/")
    page = actions.client.get("/portal/").get_data(as_text=True)
    assert "Reisepass mitbringen" in page
    assert "Marktplatz 3" in page and "Integrationszentrum Mitte" in page
    assert number in page


def test_same_message_for_unknown_case_number_and_wrong_code(app, actions, setup):
    issue(app, setup)
    number = case_number(app, setup["person"])
    wrong = portal_login(actions, number, "AAAA-BBBB-CCCC", query_string={"lang": "en"})
    unknown = portal_login(actions, "L26-ZZZZZZ", "AAAA-BBBB-CCCC", query_string={"lang": "en"})
    message = "The case number or access code is not correct."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert wrong.status_code == unknown.status_code == 200


def test_guessing_is_throttled_per_case_number(app, actions, setup):
    code = issue(app, setup)
    number = case_number(app, setup["person"])
    for _n in range(5):
        portal_login(actions, number, "AAAA-BBBB-CCCC")
    blocked = portal_login(actions, number, code)  # even the right code waits now
    assert blocked.status_code == 429


def at(ip: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": ip}}


def test_a_throttled_portal_try_says_how_long_to_wait(app, actions, setup, clock):
    code = issue(app, setup)
    number = case_number(app, setup["person"])
    for _n in range(5):
        portal_login(actions, number, "AAAA-BBBB-CCCC")
    clock.advance(seconds=1)
    portal_login(actions, number, "AAAA-BBBB-CCCC")
    blocked = portal_login(actions, number, code, query_string={"lang": "en"})
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "2"
    page = blocked.get_data(as_text=True)
    assert "Too many attempts. Please wait 2 seconds and try again." in page
    clock.advance(seconds=2)
    assert portal_login(actions, number, code).status_code == 302


def test_guessing_a_case_number_cannot_keep_the_newcomer_out(app, actions, setup, clock):
    from tests.factories.web import Actions

    code = issue(app, setup)
    number = case_number(app, setup["person"])  # printed on every slip
    stranger = Actions(app.test_client())
    for _n in range(60):  # an hour of guessing, as fast as the throttle lets them
        portal_login(stranger, number, "AAAA-BBBB-CCCC", **at("203.0.113.9"))
        clock.advance(minutes=1)
    assert portal_login(stranger, number, code, **at("203.0.113.9")).status_code == 429
    # The newcomer at the shelter (another address) signs in with the code from the slip.
    response = portal_login(actions, number, code, **at("192.0.2.50"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/portal/")


def test_a_noisy_address_slows_only_its_own_guesses(app, actions, setup):
    from tests.factories.web import Actions

    code = issue(app, setup)
    number = case_number(app, setup["person"])
    app.config["PORTAL_MAX_FAILURES_PER_IP"] = 3
    try:
        noisy = Actions(app.test_client())
        for n in range(3):
            portal_login(noisy, f"L26-AAAAA{n}", "AAAA-BBBB-CCCC", **at("203.0.113.9"))
        # From the noisy address a second try at a case number waits at once ...
        again = portal_login(noisy, "L26-AAAAA0", "AAAA-BBBB-CCCC", **at("203.0.113.9"))
        assert again.status_code == 429
        # ... and nobody behind another address notices: a typo, then the right code.
        assert (
            portal_login(actions, number, "AAAA-BBBB-CCCD", **at("192.0.2.50")).status_code == 200
        )
        assert portal_login(actions, number, code, **at("192.0.2.50")).status_code == 302
    finally:
        app.config["PORTAL_MAX_FAILURES_PER_IP"] = 100


def test_expired_and_renewed_codes_stop_working(app, actions, setup):
    old = issue(app, setup)
    new = issue(app, setup)
    number = case_number(app, setup["person"])
    assert old != new
    refused = portal_login(actions, number, old, query_string={"lang": "en"})
    assert "not correct" in refused.get_data(as_text=True)
    with app.app_context():
        row = db.session.scalar(select(PortalAccess))
        assert row.code_hash.startswith("$argon2") and new not in row.code_hash
        row.code_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    expired = portal_login(actions, number, new, query_string={"lang": "en"})
    assert "This access code has expired." in expired.get_data(as_text=True)
    assert expired.status_code == 200


def test_codes_are_random_and_not_derived_from_the_case_number(app):
    codes = {portal.new_code() for _n in range(200)}
    assert len(codes) == 200
    assert all(
        re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", c) for c in codes
    )


def test_newcomer_sees_nothing_else_of_the_case_file(app, actions, setup):
    from caseapp.auth.models import User
    from caseapp.people import casework
    from caseapp.people.models import Case, Person

    appointment_id = book(app, setup, next_day_at(10), purpose=MARKERS["purpose"])
    cancelled = book(app, setup, next_day_at(12))
    with app.test_request_context():
        actor = db.session.get(User, setup["worker_ids"][0])
        person = db.session.get(Person, setup["person"])
        person.residence_status = "tolerated"
        person.original_name = MARKERS["residence"]
        case = db.session.scalar(select(Case).where(Case.person_id == person.id))
        casework.update_case(
            actor,
            case,
            status="active",
            closed_reason="",
            caseworker_id=actor.id,
            needs=["health"],
            vulnerabilities=["torture_violence", "mental_disorder"],
            loaded_version=case.version,
        )
        casework.log_consultation(
            actor,
            case,
            casework.ConsultationData(
                at=utcnow() - timedelta(days=1),
                duration_minutes=20,
                mode="phone",
                notes=MARKERS["consultation"],
            ),
            office_id=case.office_id,
        )
        from caseapp.appointments import services

        services.cancel_appointment(
            actor,
            db.session.get(Appointment, cancelled),
            reason=MARKERS["cancel"],
            now=utcnow(),
            loaded_version=None,
        )
        db.session.commit()
    code = issue(app, setup)
    portal_login(actions, case_number(app, setup["person"]), code)
    pages = [
        actions.client.get(url).get_data(as_text=True)
        for url in (
            "/portal/",
            "/portal/?lang=en",
            "/portal/contact",
            f"/portal/appointments/{appointment_id}/reschedule",
            f"/portal/appointments/{appointment_id}.ics",
            "/portal/appointments.ics",
            "/home",
        )
    ]
    text = "\n".join(pages)
    for marker in MARKERS.values():
        assert marker not in text
    for word in ("Tolerated", "Duldung", "torture", "Mental disorder", "Health"):
        assert word not in pages[1]
    # Staff pages are closed to the newcomer.
    assert actions.client.get(f"/people/{setup['person']}").status_code == 403
    assert actions.client.get(f"/appointments/{appointment_id}").status_code == 403


def test_other_persons_appointments_are_not_found(app, actions, setup):
    other = make_person(app, setup)
    theirs = book(app, setup, next_day_at(15), person=other)
    code = issue(app, setup)
    portal_login(actions, case_number(app, setup["person"]), code)
    assert actions.client.get(f"/portal/appointments/{theirs}.ics").status_code == 404
    assert actions.client.get(f"/portal/appointments/{theirs}/reschedule").status_code == 404


def test_calendar_files_use_europe_berlin(app, actions, setup):
    appointment_id = book(app, setup, next_day_at(10), notes_for_newcomer="Reisepass")
    code = issue(app, setup)
    portal_login(actions, case_number(app, setup["person"]), code)
    response = actions.client.get(f"/portal/appointments/{appointment_id}.ics?lang=en")
    assert response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    start = next_day_at(10)
    assert "BEGIN:VTIMEZONE" in body and "TZID:Europe/Berlin" in body
    assert f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT100000}" in body
    assert f"DTEND;TZID=Europe/Berlin:{start:%Y%m%dT103000}" in body
    assert "SUMMARY:Appointment at Integrationszentrum Mitte" in body
    assert "Marktplatz 3" in body and "Reisepass" in body
    from icalendar import Calendar

    calendar = Calendar.from_ical(response.data)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == start
    everything = actions.client.get("/portal/appointments.ics")
    assert everything.get_data(as_text=True).count("BEGIN:VEVENT") == 1


def test_portal_in_arabic_is_right_to_left(app, actions, setup):
    book(app, setup, next_day_at(10))
    code = issue(app, setup)
    portal_login(actions, case_number(app, setup["person"]), code)
    page = actions.client.get("/portal/?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    page = actions.client.get("/portal/?lang=tr").get_data(as_text=True)
    assert '<html lang="tr" dir="ltr">' in page
    # Choosing a language on the page keeps it for the newcomer (and their messages).
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    actions.client.post(
        "/account/language?next=/portal/", data={"language": "ar", "csrf_token": token}
    )
    assert '<html lang="ar" dir="rtl">' in actions.client.get("/portal/contact").get_data(
        as_text=True
    )
    from caseapp.people.models import Person

    with app.app_context():
        assert portal.newcomer_language(db.session.get(Person, setup["person"])) == "ar"


def test_newcomer_asks_for_another_time_and_caseworker_sees_it(app, actions, setup):
    appointment_id = book(app, setup, next_day_at(10))
    code = issue(app, setup)
    portal_login(actions, case_number(app, setup["person"]), code)
    form = actions.client.get(f"/portal/appointments/{appointment_id}/reschedule")
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', form.get_data(as_text=True)
    ).group(1)
    sent = actions.client.post(
        f"/portal/appointments/{appointment_id}/reschedule",
        data={"message": "Lieber nachmittags", "csrf_token": token},
    )
    assert sent.status_code == 302
    again = actions.client.post(
        f"/portal/appointments/{appointment_id}/reschedule?lang=en",
        data={"message": "", "csrf_token": token},
    )
    assert again.status_code == 400
    assert "already asked" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(RescheduleRequest.message)) == "Lieber nachmittags"
    from tests.factories.web import Actions

    staff = Actions(app.test_client())
    staff.login(setup["workers"][0])
    detail = staff.client.get(f"/appointments/{appointment_id}").get_data(as_text=True)
    assert "Lieber nachmittags" in detail


def test_reschedule_request_for_a_cancelled_appointment_is_refused(app, actions, setup):
    from caseapp.appointments import services
    from caseapp.auth.models import User

    appointment_id = book(app, setup, next_day_at(10))
    with app.test_request_context():
        services.cancel_appointment(
            db.session.get(User, setup["worker_ids"][0]),
            db.session.get(Appointment, appointment_id),
            reason="x",
            now=utcnow(),
            loaded_version=None,
        )
        db.session.commit()
    code = issue(app, setup)
    portal_login(actions, case_number(app, setup["person"]), code)
    form = actions.client.get(f"/portal/appointments/{appointment_id}/reschedule")
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', form.get_data(as_text=True)
    ).group(1)
    refused = actions.client.post(
        f"/portal/appointments/{appointment_id}/reschedule?lang=en",
        data={"message": "", "csrf_token": token},
    )
    assert refused.status_code == 400
    assert "can no longer be moved" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(RescheduleRequest.id)) is None


def test_contact_for_reminders_needs_consent(app, actions, setup):
    code = issue(app, setup)
    portal_login(actions, case_number(app, setup["person"]), code)
    page = actions.client.get("/portal/contact").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    refused = actions.client.post(
        "/portal/contact?lang=en",
        data={"email": "amal.neu@example.org", "phone": "", "csrf_token": token},
    )
    assert refused.status_code == 400 and "Please agree" in refused.get_data(as_text=True)
    saved = actions.client.post(
        "/portal/contact",
        data={"email": "Amal.Neu@example.org", "phone": "", "consent": "y", "csrf_token": token},
    )
    assert saved.status_code == 302
    from caseapp.appointments.reminders import Contact, contacts_for
    from caseapp.people.models import Person

    with app.app_context():
        person = db.session.get(Person, setup["person"])
        assert contacts_for(person) == [Contact("email", "amal.neu@example.org")]


def test_sign_out_ends_the_session_on_the_server(app, actions, setup):
    code = issue(app, setup)
    portal_login(actions, case_number(app, setup["person"]), code)
    page = actions.client.get("/portal/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    with actions.client.session_transaction() as session:
        cookie_session = dict(session)
    assert actions.client.post("/portal/logout", data={"csrf_token": token}).status_code == 302
    # Replaying the old session cookie does not sign in again: the row is revoked.
    with actions.client.session_transaction() as session:
        session.update(cookie_session)
    response = actions.client.get("/portal/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_portal_reads_and_downloads_are_audited(app, actions, setup):
    from caseapp.audit.models import AuditEntry

    appointment_id = book(app, setup, next_day_at(10))
    code = issue(app, setup)
    portal_login(actions, case_number(app, setup["person"]), code)
    actions.client.get("/portal/")
    actions.client.get(f"/portal/appointments/{appointment_id}.ics")
    with app.app_context():
        actions_seen = set(
            db.session.scalars(
                select(AuditEntry.action).where(AuditEntry.record_id == setup["person"])
            )
        )
    assert {"portal_sign_in", "portal_view", "portal_export_calendar"} <= actions_seen


def test_household_members_see_the_household_appointment(app, actions, setup):
    from caseapp.auth.models import User
    from caseapp.people import casework
    from caseapp.people.models import Person

    spouse_id = make_person(app, setup, given="Leyla")
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
    shared = book(app, setup, next_day_at(10), for_household=True)
    own = book(app, setup, next_day_at(12), room=1, worker=1)  # the head's alone
    code = issue(app, setup, spouse_id)
    portal_login(actions, case_number(app, spouse_id), code)
    page = actions.client.get("/portal/").get_data(as_text=True)
    assert "Für Ihre ganze Familie." in page
    assert actions.client.get(f"/portal/appointments/{shared}.ics").status_code == 200
    assert actions.client.get(f"/portal/appointments/{own}.ics").status_code == 404
