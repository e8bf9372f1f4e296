"""What to bring (issue 12 §3): documents chosen from one translated vocabulary as a group of
checkboxes, stored as codes and named in the reader's language on the portal, in the calendar
file and in notices; free text stays for anything else."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from caseapp.appointments.documents import DOCUMENTS
from caseapp.appointments.models import Appointment
from caseapp.core.clock import local_today
from caseapp.extensions import db
from caseapp.outbox.models import OutboxMessage
from tests.factories.appointments import book, next_day_at, setup_office
from tests.factories.portal import case_number, issue, portal_login

CHOSEN = ["rental_contract", "passport"]  # in the vocabulary's order: passport first


@pytest.fixture
def setup(app, make_user):
    return setup_office(app, make_user)


def _names(app, language: str, codes=CHOSEN) -> list[str]:
    with app.test_request_context(), force_locale(language):
        return [str(DOCUMENTS[code]) for code in codes]


def _form(setup, start, **changes):
    data = {
        "submission_id": "0b7d8a43-6c1e-4f3e-9a51-2d1f7f3b8c20",
        "office": setup["office"],
        "room": setup["rooms"][0],
        "caseworker": setup["worker_ids"][0],
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "30",
        "need_area": "housing",
        "documents_to_bring": CHOSEN,
        "notes_for_newcomer": "Letzte Nebenkostenabrechnung",
    }
    data.update(changes)
    return data


def _appointments(app) -> list[Appointment]:
    with app.app_context():
        return list(db.session.scalars(select(Appointment)))


def test_booking_form_offers_the_documents_as_checkboxes_and_stores_their_codes(
    app, actions, setup
):
    assert actions.login(setup["workers"][0]).status_code == 302
    url = f"/appointments/person/{setup['person']}/new"
    page = actions.client.get(url + "?lang=en").get_data(as_text=True)
    assert '<fieldset class="mb-3 checkbox-group" id="documents_to_bring"' in page
    for code in DOCUMENTS:
        assert f'type="checkbox" name="documents_to_bring" value="{code}"' in page
    assert "Passport or identity card" in page
    response = actions.post(url, _form(setup, next_day_at(10)))
    assert response.status_code == 302
    [appointment] = _appointments(app)
    assert appointment.documents_to_bring == ["passport", "rental_contract"]
    assert appointment.notes_for_newcomer == "Letzte Nebenkostenabrechnung"
    detail = actions.client.get(f"/appointments/{appointment.id}?lang=en").get_data(as_text=True)
    assert "Passport or identity card" in detail and "Rental contract" in detail
    assert "Letzte Nebenkostenabrechnung" in detail


def test_a_code_outside_the_vocabulary_is_refused(app, actions, setup):
    assert actions.login(setup["workers"][0]).status_code == 302
    response = actions.post(
        f"/appointments/person/{setup['person']}/new?lang=en",
        _form(setup, next_day_at(10), documents_to_bring=["passport", "forged"]),
    )
    assert response.status_code == 400
    assert _appointments(app) == []


def test_the_service_refuses_unknown_codes(app, setup):
    from caseapp.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as failed:
        book(app, setup, next_day_at(10), documents_to_bring=["passport", "visa_x"])
    assert "documents_to_bring" in failed.value.errors


def test_portal_and_calendar_file_name_the_documents_in_the_readers_language(app, actions, setup):
    appointment_id = book(
        app, setup, next_day_at(10), documents_to_bring=CHOSEN, notes_for_newcomer="Kopien"
    )
    portal_login(actions, case_number(app, setup["person"]), issue(app, setup))
    for language in ("tr", "ar", "en"):
        page = actions.client.get(f"/portal/?lang={language}").get_data(as_text=True)
        for name in _names(app, language):
            assert name in page, (language, name)
        assert "rental_contract" not in page
        assert "Kopien" in page
    calendar = actions.client.get(f"/portal/appointments/{appointment_id}.ics?lang=en")
    body = calendar.get_data(as_text=True).replace("\r\n ", "")
    assert "Passport or identity card" in body and "Rental contract" in body
    assert "Kopien" in body


def test_the_booking_notice_names_the_documents_in_the_newcomers_language(app, setup):
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
    book(app, setup, next_day_at(10), documents_to_bring=CHOSEN)
    with app.app_context():
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "email"))
        assert mail.language == "ar"
        body = mail.body_text
    for name in _names(app, "ar"):
        assert name in body
    assert "passport" not in body


def test_demo_appointments_ask_for_documents_of_the_vocabulary():
    from caseapp.demo.appointments import BRING

    codes = [code for documents, _note in BRING for code in documents]
    assert codes and set(codes) <= set(DOCUMENTS)
