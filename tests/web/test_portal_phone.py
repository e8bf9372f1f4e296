"""The newcomer portal on a phone (issue 12 §3): their own slip as a PDF, the office's number
to call, a map link that loads nothing until tapped, opening hours in plain sight."""

from __future__ import annotations

import re

from sqlalchemy import select

from caseapp.audit.models import AuditEntry
from caseapp.extensions import db
from tests.factories.appointments import book, make_person, next_day_at, setup_office
from tests.factories.portal import case_number, issue, portal_login
from tests.factories.web import Actions


def _newcomer(app, setup, person_id=None) -> Actions:
    actions = Actions(app.test_client())
    person_id = person_id or setup["person"]
    code = issue(app, setup, person_id)
    response = portal_login(actions, case_number(app, person_id), code)
    assert response.status_code == 302
    return actions


def test_newcomer_opens_and_prints_their_own_slip(app, make_user):
    setup = setup_office(app, make_user)
    appointment = book(app, setup, next_day_at(10), notes_for_newcomer="Reisepass")
    actions = _newcomer(app, setup)
    page = actions.client.get("/portal/?lang=ar").get_data(as_text=True)
    slip_url = f"/portal/appointments/{appointment}/slip.pdf"
    assert f'href="{slip_url}"' in page
    response = actions.client.get(slip_url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert response.data.startswith(b"%PDF")
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "print_appointment_slip")
        ).one()
        assert entry.purpose == "portal" and entry.record_id == setup["person"]


def test_slip_only_for_own_or_household_appointments(app, make_user):
    from caseapp.people import casework
    from caseapp.people.models import Person

    setup = setup_office(app, make_user)
    other = make_person(app, setup, given="Karim", family="Yilmaz")
    theirs = book(app, setup, next_day_at(10), person=other)
    actions = _newcomer(app, setup)
    assert actions.client.get(f"/portal/appointments/{theirs}/slip.pdf").status_code == 404
    assert actions.client.get("/portal/appointments/999999/slip.pdf").status_code == 404
    # Once both live in one household, a household appointment is the member's to print too.
    with app.test_request_context():
        from caseapp.auth.models import User

        worker = db.session.get(User, setup["worker_ids"][0])
        casework.link_household(
            worker,
            db.session.get(Person, setup["person"]),
            db.session.get(Person, other),
            role="spouse",
            other_role="head",
        )
        db.session.commit()
    household = book(app, setup, next_day_at(11), person=other, for_household=True)
    assert actions.client.get(f"/portal/appointments/{household}/slip.pdf").status_code == 200
    # Staff print slips from the case file, not through the newcomer's portal.
    staff = Actions(app.test_client())
    staff.login(setup["workers"][0])
    assert staff.client.get(f"/portal/appointments/{household}/slip.pdf").status_code in (
        403,
        404,
    )


def test_phone_number_dials_map_loads_nothing_and_hours_are_visible(app, make_user):
    setup = setup_office(app, make_user)
    book(app, setup, next_day_at(10))
    actions = _newcomer(app, setup)
    page = actions.client.get("/portal/?lang=de").get_data(as_text=True)
    assert 'href="tel:+492352209310"' in page
    assert 'href="geo:0,0?q=Marktplatz%203%2C%2058762%20Altena"' in page
    # Nothing from a map provider on the page itself: no frame, no image, no script.
    assert not re.search(r"<(iframe|img|script)[^>]*(openstreetmap|google|tile)", page)
    # Opening hours on the first screen, not behind a disclosure widget.
    assert "<details" not in page
    card = page.split('<article class="card', 1)[1]
    assert "Öffnungszeiten" in card and "08:00" in card and "18:00" in card


def test_directory_office_phone_is_a_tel_link(app, make_user):
    from datetime import date

    from caseapp.referrals import directory

    setup = setup_office(app, make_user)
    with app.test_request_context():
        service = directory.create_service(
            None,
            directory.ServiceData(
                office_id=setup["office"], name_de="Sprachcafé", need_areas=["language"]
            ),
            date(2026, 11, 1),
        )
        db.session.commit()
        service_id = service.id
    page = app.test_client().get(f"/directory/{service_id}").get_data(as_text=True)
    assert 'href="tel:+492352209310"' in page
