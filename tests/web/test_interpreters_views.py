"""Interpreter dispatch through the pages: who may use what, a round from start to the
interpreter's answer, the status on the appointment, and least data for interpreters."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from caseapp.extensions import db
from caseapp.interpreters.models import InterpreterAssignment
from caseapp.outbox.models import OutboxMessage
from tests.factories.appointments import make_person, next_day_at, setup_office
from tests.factories.interpreters import (
    MARKER,
    book_with_interpreter,
    make_paid,
    make_volunteer_interpreter,
)

SUBMISSION = "6f1c2b2e-2f59-4d0e-9a53-0f5b9e6f0c{:02d}"


@pytest.fixture
def office(app, make_user):
    setup = setup_office(app, make_user)
    setup["coordinator"] = make_user("coordinator", offices=[setup["office"]])
    setup["admin"] = make_user("admin")
    setup["interpreter_email"] = make_user("volunteer", name="Leyla Interpret")
    setup["interpreter"] = make_volunteer_interpreter(app, setup["interpreter_email"])
    setup["other_volunteer"] = make_user("volunteer")
    setup["other_office"] = setup_office(app, make_user, name="Jobcenter Nord")
    setup["newcomer"] = make_user("newcomer")
    person = make_person(app, setup, given=f"Amal{MARKER}", family=f"Nasser{MARKER}")
    setup["appointment"] = book_with_interpreter(app, setup, next_day_at(10), person)
    return setup


def _login(actions, email):
    actions.logout()
    assert actions.login(email).status_code == 302


def _round(actions, n=1):
    response = actions.post(
        "/interpreters/rounds",
        {"submission_id": SUBMISSION.format(n), "starts_on": "2026-11-30", "ends_on": "2026-12-06"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


def _pages(setup):
    a = setup["appointment"]
    return {
        "/interpreters/": {"coordinator", "admin"},
        "/interpreters/new": {"admin"},
        f"/interpreters/{setup['interpreter']}/edit": {"coordinator", "admin"},
        "/interpreters/settings": {"coordinator", "admin"},
        "/interpreters/rounds": {"coordinator", "admin"},
        "/interpreting": {"interpreter", "other_volunteer"},
        f"/appointments/{a}/interpreter": {"caseworker", "admin"},
    }


def test_access_per_role(app, client, actions, office):
    who = {
        "coordinator": office["coordinator"],
        "admin": office["admin"],
        "caseworker": office["workers"][0],
        "other_caseworker": office["other_office"]["workers"][0],
        "interpreter": office["interpreter_email"],
        "other_volunteer": office["other_volunteer"],
        "newcomer": office["newcomer"],
    }
    for url in _pages(office):
        assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    for role, email in who.items():
        _login(actions, email)
        for url, allowed in _pages(office).items():
            status = client.get(url).status_code
            if role in allowed:
                assert status == 200, (role, url, status)
            elif role == "other_caseworker" and "/appointments/" in url:
                assert status == 404, (role, url, status)  # another office's appointment
            else:
                assert status == 403, (role, url, status)


def test_round_offer_accept_and_status_on_the_appointment(app, client, actions, office):
    paid = make_paid(app, languages=["ku-kmr"])  # speaks no Arabic: stays unasked
    _login(actions, office["coordinator"])
    round_url = _round(actions)
    page = client.get(round_url).get_data(as_text=True)
    assert "Leyla Interpret" in page
    assignment_id = int(re.search(r'name="assignment" value="(\d+)"', page).group(1))
    confirm = actions.post(
        round_url + "/confirm",
        {"submission_id": SUBMISSION.format(2), "assignment": str(assignment_id)},
    )
    assert confirm.status_code == 302
    # The caseworker sees who and how far on the appointment's page.
    _login(actions, office["workers"][0])
    detail = client.get(f"/appointments/{office['appointment']}").get_data(as_text=True)
    assert "Leyla Interpret" in detail and 'id="h-interpreter"' in detail
    # The interpreter accepts on their own page.
    _login(actions, office["interpreter_email"])
    mine = client.get("/interpreting").get_data(as_text=True)
    assert "Integrationszentrum Mitte" in mine and "Raum 1" in mine
    accepted = actions.post(
        f"/interpreting/{assignment_id}/accept", {"submission_id": SUBMISSION.format(3)}
    )
    assert accepted.status_code == 302
    with app.app_context():
        assert db.session.get(InterpreterAssignment, assignment_id).status == "accepted"
        assert paid not in db.session.scalars(select(InterpreterAssignment.interpreter_id)).all()
    # Someone else's assignment does not exist for another volunteer.
    _login(actions, office["other_volunteer"])
    assert actions.post(f"/interpreting/{assignment_id}/decline", {}).status_code == 404


def test_interpreters_see_no_case_data(app, client, actions, office):
    """Plant a marker in the person's name, the purpose and the notes: no page an
    interpreter can open and no e-mail to an interpreter contains it."""
    make_paid(app, email="paid@dolmetschen.example")
    # A second one at the same time, for the paid interpreter.
    book_with_interpreter(app, office, next_day_at(10), room=1, worker=1)
    _login(actions, office["coordinator"])
    round_url = _round(actions)
    page = client.get(round_url).get_data(as_text=True)
    ids = re.findall(r'name="assignment" value="(\d+)"', page)
    assert len(ids) == 2
    actions.post(round_url + "/confirm", {"submission_id": SUBMISSION.format(4), "assignment": ids})
    with app.app_context():
        token = db.session.scalar(
            select(InterpreterAssignment.token).where(InterpreterAssignment.token.is_not(None))
        )
        mails = [(m.subject, m.body_text) for m in db.session.scalars(select(OutboxMessage))]
    assert token and len(mails) == 2
    _login(actions, office["interpreter_email"])
    crawled = []
    for url in ("/interpreting", "/volunteer/me", "/account", "/"):
        response = client.get(url, follow_redirects=True)
        crawled.append(response.get_data(as_text=True))
    actions.logout()
    by_link = client.get(f"/interpreting/r/{token}")
    assert by_link.status_code == 200
    crawled.append(by_link.get_data(as_text=True))
    assert "Integrationszentrum Mitte" in crawled[0] and "Integrationszentrum Mitte" in crawled[-1]
    for text in crawled + [s + b for s, b in mails]:
        assert MARKER not in text
    # A paid interpreter answers through the link, without an account.
    accepted = client.post(
        f"/interpreting/r/{token}",
        data={"action": "accept", "csrf_token": _csrf(crawled[-1])},
    )
    assert accepted.status_code == 302
    assert client.get(f"/interpreting/r/{'x' * 43}").status_code == 404


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_need_form_sets_variety_and_gender(app, client, actions, office):
    _login(actions, office["workers"][0])
    url = f"/appointments/{office['appointment']}/interpreter"
    page = client.get(url).get_data(as_text=True)
    assert "ar-levant" in page and "ku-kmr" not in page  # only Arabic varieties
    response = actions.post(
        url,
        {
            "submission_id": SUBMISSION.format(5),
            "variety": "ar-iraq",
            "variety_strict": "y",
            "gender": "male",
            "mode": "video",
        },
    )
    assert response.status_code == 302
    # The only Arabic interpreter speaks Levantine: strict Iraqi finds nobody, and says why.
    _login(actions, office["coordinator"])
    page = client.get(_round(actions, 6)).get_data(as_text=True)
    assert "Leyla Interpret" not in page
    assert 'class="h4 mt-4"' in page


def test_settings_and_paid_interpreter_by_the_administrator(app, client, actions, office):
    _login(actions, office["admin"])
    response = actions.post(
        "/interpreters/new",
        {
            "submission_id": SUBMISSION.format(7),
            "name": "Ahmad Karimi",
            "email": "karimi@dolmetschen.example",
            "hourly_rate": "52,00",
            "languages": ["fa-prs", "ps"],
            "modes": ["in_person", "phone"],
            "availability": ["0-morning"],
            "pledge_signed_on": "2026-11-01",
            "active": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    index = client.get("/interpreters/").get_data(as_text=True)
    assert "Ahmad Karimi" in index and "Dari" in index
    missing = actions.post(
        "/interpreters/new", {"submission_id": SUBMISSION.format(8), "name": "", "modes": []}
    )
    assert missing.status_code == 400
    page = client.get("/interpreters/settings").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    saved = actions.post(
        "/interpreters/settings", {"travel_minutes": "45", "budget": "300", "version": version}
    )
    assert saved.status_code == 302


def test_a_large_round_runs_as_a_background_job(app, client, actions, office):
    app.config["INTERPRETER_INLINE"] = 0  # every round counts as large
    try:
        _login(actions, office["coordinator"])
        job_url = _round(actions, 9)
        assert "/jobs/" in job_url
        assert "/result" in client.get(job_url).get_data(as_text=True)  # done at once in tests
        result = client.get(job_url.rstrip("/") + "/result", follow_redirects=True)
        assert "/interpreters/rounds/" in result.request.path
        assert "Leyla Interpret" in result.get_data(as_text=True)
    finally:
        app.config.pop("INTERPRETER_INLINE")


def test_coordinator_creates_the_profile_of_a_programme_volunteer(app, client, actions, office):
    from caseapp.auth.models import User
    from caseapp.volunteers.models import Application, Programme, Volunteer

    email = office["other_volunteer"]
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        volunteer = Volunteer(user_id=user.id, languages=[{"code": "ku", "level": "native"}])
        db.session.add(volunteer)
        db.session.flush()
        programme = db.session.scalar(select(Programme).where(Programme.kind == "interpreter"))
        db.session.add(
            Application(volunteer_id=volunteer.id, programme_id=programme.id, status="trained")
        )
        db.session.commit()
        volunteer_id = volunteer.id
    _login(actions, office["coordinator"])
    page = client.get("/interpreters/").get_data(as_text=True)
    assert f"/interpreters/volunteers/{volunteer_id}/profile" in page
    created = actions.post(
        f"/interpreters/volunteers/{volunteer_id}/profile",
        {"submission_id": SUBMISSION.format(10)},
    )
    assert created.status_code == 302 and "/edit" in created.headers["Location"]
    edit = client.get(created.headers["Location"]).get_data(as_text=True)
    assert re.search(r'value="ku" id="[^"]+" checked', edit)  # Kurdish, from the volunteer
    assert f"/interpreters/volunteers/{volunteer_id}/profile" not in client.get(
        "/interpreters/"
    ).get_data(as_text=True)
