"""The one form flow: a double click leads to the first result, also when both race."""

from __future__ import annotations

from sqlalchemy import func, select

from caseapp.extensions import db
from caseapp.people.models import Consultation
from caseapp.web import idempotency

TOKEN = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"


def _consultation(actions, person_id):
    return actions.post(
        f"/people/{person_id}/consultations/new",
        {
            "at": "2026-11-30T09:00",
            "duration_minutes": "30",
            "mode": "in_person",
            "notes": "Erstgespräch",
            "submission_id": TOKEN,
        },
    )


def test_double_click_leads_to_the_first_result(app, registered):
    actions, person_id = registered
    first = _consultation(actions, person_id)
    second = _consultation(actions, person_id)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Consultation.id))) == 1


def test_racing_double_click_loses_on_the_token_and_leads_to_the_first(
    app,
    registered,
    monkeypatch,
):
    """On PostgreSQL both submissions pass the check before either commits."""
    actions, person_id = registered
    first = _consultation(actions, person_id)
    real = idempotency.previous_result
    calls = []

    def not_yet_committed(token):
        calls.append(token)
        return None if len(calls) == 1 else real(token)

    monkeypatch.setattr(idempotency, "previous_result", not_yet_committed)
    second = _consultation(actions, person_id)
    assert second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Consultation.id))) == 1
