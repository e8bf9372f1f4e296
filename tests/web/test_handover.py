"""Caseload handover through the test client: preview, confirm, everything moved in one go,
each new owner told once by e-mail (real SMTP on loopback), a stale preview gives the
conflict page, and only administrators may use it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from caseapp.appointments.models import Appointment
from caseapp.audit.models import AuditEntry
from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.handover.models import Handover
from caseapp.outbox.models import OutboxMessage
from caseapp.people.models import Case, NextStep
from tests.factories.web import Actions

SELECT_RE = re.compile(r'<select[^>]*name="((?:case|step|appointment)_\d+)"')
SEEN_RE = re.compile(r'name="seen" type="hidden" value="([0-9a-f]+)"')
SUBMISSION_RE = re.compile(r'name="submission_id" type="hidden" value="([^"]+)"')


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def caseload(app, world, make_user):
    """Caseworker A with two open cases (one with a step and an appointment), a closed case,
    and two colleagues of office A; a caseworker of office B must not receive anything."""
    from caseapp.appointments.models import Room
    from caseapp.core.clock import utcnow
    from caseapp.people import casework, services
    from caseapp.people.validation import PersonData

    colleague_1 = make_user("caseworker", email="c1@test.example", offices=[world["office_a"]])
    colleague_2 = make_user("caseworker", email="c2@test.example", offices=[world["office_a"]])
    with app.test_request_context():
        worker = _user(world["caseworker_a"])
        persons = []
        for given in ("Amal", "Baran", "Cem"):
            persons.append(
                services.register_person(
                    worker,
                    PersonData(given_name=given, family_name="Test", birth_year=1990),
                    office_id=world["office_a"],
                    caseworker_id=worker.id,
                    today=date(2026, 11, 22),
                )
            )
        casework.log_consultation(
            worker,
            persons[0].case,
            casework.ConsultationData(
                at=datetime(2026, 11, 20, 9, tzinfo=UTC),
                duration_minutes=10,
                mode="phone",
                steps=[casework.StepData("Anrufen", date(2026, 12, 1), worker.id)],
            ),
            office_id=world["office_a"],
        )
        persons[2].case.status = "closed"
        room = Room(office_id=world["office_a"], name="Raum 1")
        db.session.add(room)
        db.session.flush()
        start = utcnow().replace(microsecond=0) + timedelta(days=2)
        db.session.add(
            Appointment(
                person_id=persons[0].id,
                office_id=world["office_a"],
                room_id=room.id,
                caseworker_id=worker.id,
                starts_at=start,
                ends_at=start + timedelta(minutes=30),
            )
        )
        db.session.commit()
        return {
            "owner_id": worker.id,
            "colleagues": [colleague_1, colleague_2],
            "closed_case_id": persons[2].case.id,
        }


def _preview(actions: Actions, owner_id: int, query: str = ""):
    response = actions.client.get(f"/handover/{owner_id}{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page, SELECT_RE.findall(page), SEEN_RE.search(page).group(1)


def _form(page: str, names: list[str]) -> dict:
    """What the page suggests (the selected option of each select) plus hidden fields."""
    data = {"seen": SEEN_RE.search(page).group(1)}
    data["submission_id"] = SUBMISSION_RE.search(page).group(1)
    for name in names:
        block = page[page.index(f'name="{name}"') :]
        block = block[: block.index("</select>")]
        data[name] = re.search(
            r'<option selected value="(\d+)"|<option value="(\d+)" selected', block
        )
        match = data[name]
        data[name] = match.group(1) or match.group(2)
    return data


def test_handover_moves_everything_and_notifies_each_new_owner(
    app, world, actions, caseload, smtp_server
):
    actions.login(world["admin"])
    page, names, _seen = _preview(actions, caseload["owner_id"])
    assert sorted(n.split("_")[0] for n in names) == ["appointment", "case", "case", "step"]
    assert "Amal" in page and "Baran" in page and "Cem" not in page  # closed cases stay
    data = _form(page, names)
    response = actions.post(f"/handover/{caseload['owner_id']}", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        owner = caseload["owner_id"]
        assert (
            db.session.scalar(
                select(func.count(Case.id)).where(
                    Case.caseworker_id == owner, Case.status != "closed"
                )
            )
            == 0
        )
        assert db.session.get(Case, caseload["closed_case_id"]).caseworker_id == owner
        assert (
            db.session.scalar(select(func.count(NextStep.id)).where(NextStep.owner_id == owner))
            == 0
        )
        assert (
            db.session.scalar(
                select(func.count(Appointment.id)).where(Appointment.caseworker_id == owner)
            )
            == 0
        )
        colleagues = {_user(e).id for e in caseload["colleagues"]}
        new_owners = set(
            db.session.scalars(select(Case.caseworker_id).where(Case.status != "closed"))
        )
        assert new_owners == colleagues  # round-robin over both colleagues
        # The step and the appointment of Amal's case went with her case.
        amal_case = db.session.scalar(select(Case).where(Case.status != "closed").order_by(Case.id))
        step = db.session.scalar(select(NextStep))
        appointment = db.session.scalar(select(Appointment))
        assert step.owner_id == appointment.caseworker_id == amal_case.caseworker_id
        handover = db.session.scalar(select(Handover))
        assert (handover.cases, handover.steps, handover.appointments) == (2, 1, 1)
        actions_written = set(db.session.scalars(select(AuditEntry.action)))
        assert {
            "handover",
            "handover_case",
            "handover_step",
            "handover_appointment",
        } <= actions_written
        recipients = sorted(db.session.scalars(select(OutboxMessage.recipient)))
        assert recipients == sorted(caseload["colleagues"])  # one e-mail each
    from caseapp.outbox.senders import SmtpSender, SmtpSettings
    from caseapp.outbox.services import deliver_due

    with app.app_context():
        sender = SmtpSender(SmtpSettings(host="127.0.0.1", port=smtp_server.port))
        from caseapp.core.clock import utcnow

        assert deliver_due(utcnow(), sender) == (2, 0)
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(caseload["colleagues"])
    body = smtp_server.messages[0].get_body(("plain",)).get_content()
    assert "Amal" not in body and "Baran" not in body  # counts only, no newcomer names
    assert "/dashboard" in body or "http" in body


def test_stale_preview_gives_the_conflict_page(app, world, actions, caseload):
    actions.login(world["admin"])
    page, names, _seen = _preview(actions, caseload["owner_id"])
    data = _form(page, names)
    with app.app_context():  # meanwhile the step is done
        step = db.session.scalar(select(NextStep))
        from caseapp.core.clock import utcnow

        step.done_at = utcnow()
        db.session.commit()
    response = actions.post(f"/handover/{caseload['owner_id']}", data)
    assert response.status_code == 409
    assert "Anrufen" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Handover.id))) == 0
        assert (
            db.session.scalar(
                select(func.count(Case.id)).where(Case.caseworker_id == caseload["owner_id"])
            )
            == 3
        )


def test_items_go_only_to_colleagues_of_the_same_office(app, world, actions, caseload):
    actions.login(world["admin"])
    page, names, _seen = _preview(actions, caseload["owner_id"])
    data = _form(page, names)
    with app.app_context():
        data[names[0]] = str(_user(world["caseworker_b"]).id)
    response = actions.post(f"/handover/{caseload['owner_id']}", data)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Handover.id))) == 0


def test_chosen_colleague_gets_everything(app, world, actions, caseload):
    actions.login(world["admin"])
    with app.app_context():
        only = _user(caseload["colleagues"][1]).id
    page, names, _seen = _preview(actions, caseload["owner_id"], f"?to={only}")
    data = _form(page, names)
    assert {data[n] for n in names} == {str(only)}


@pytest.mark.parametrize(
    "role", ["coordinator", "caseworker_a", "caseworker_b", "volunteer", "newcomer"]
)
def test_only_administrators_hand_over(app, world, caseload, role):
    actions = Actions(app.test_client())
    actions.login(world[role])
    assert actions.client.get("/handover/").status_code == 403
    assert actions.client.get(f"/handover/{caseload['owner_id']}").status_code == 403
    assert actions.post(f"/handover/{caseload['owner_id']}", {}).status_code == 403


def test_anonymous_is_sent_to_sign_in(app, world, caseload):
    client = app.test_client()
    assert "/login" in client.get("/handover/").headers["Location"]


def test_account_page_links_a_caseworkers_handover(app, world, actions, caseload):
    actions.login(world["admin"])
    page = actions.client.get(f"/admin/users/{caseload['owner_id']}").get_data(as_text=True)
    assert f'href="/handover/{caseload["owner_id"]}"' in page
