"""Structural barriers are tagged in the consultation form itself (issue 14): saved with the
consultation in one transaction, shown under it on the timeline, counted by the report; bad
input keeps what was typed and stores nothing. The form opens with the case's need areas
ticked and offers quick picks for a next step's due date."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import delete, func, select

from caseapp.core.clock import add_months, local_today
from caseapp.extensions import db
from caseapp.people.models import Case, CaseNeed, Consultation
from caseapp.reports.models import ConsultationBarrier


def _owner(page: str) -> str:
    return re.search(r'name="steps-0-owner"[^>]*>\s*<option[^>]*value="(\d+)"', page).group(1)


def _consultation(person_id, **extra):
    return {
        "at": "2026-11-20T10:00",
        "duration_minutes": "30",
        "mode": "in_person",
        "notes": "Kita-Platz gesucht",
        **extra,
    }


def test_barriers_are_saved_with_the_consultation_and_shown_on_the_timeline(app, registered):
    actions, person_id = registered
    response = actions.post(
        f"/people/{person_id}/consultations/new",
        _consultation(
            person_id,
            barriers=["kita_place", "integration_course_wait"],
            barrier_note="Warteliste bis Sommer",
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.execute(
            select(ConsultationBarrier.code, ConsultationBarrier.note).order_by(
                ConsultationBarrier.code
            )
        ).all()
        assert rows == [
            ("integration_course_wait", "Warteliste bis Sommer"),
            ("kita_place", "Warteliste bis Sommer"),
        ]
    page = actions.client.get(f"/people/{person_id}?lang=en").get_data(as_text=True)
    timeline = page[page.index("Kita-Platz gesucht") :]
    assert "No Kita place" in timeline and "Waiting for an integration course" in timeline
    assert "Warteliste bis Sommer" in timeline
    arabic = actions.client.get(f"/people/{person_id}?lang=ar").get_data(as_text=True)
    assert "No Kita place" not in arabic


def test_a_consultation_without_barriers_tags_nothing(app, registered):
    actions, person_id = registered
    assert (
        actions.post(f"/people/{person_id}/consultations/new", _consultation(person_id)).status_code
        == 302
    )
    with app.app_context():
        assert db.session.scalar(select(func.count(Consultation.id))) == 1
        assert db.session.scalar(select(func.count(ConsultationBarrier.id))) == 0


def test_bad_barrier_input_keeps_what_was_typed_and_stores_nothing(app, registered):
    actions, person_id = registered
    response = actions.post(
        f"/people/{person_id}/consultations/new?lang=en",
        _consultation(person_id, barriers=["kita_place"], barrier_note="x" * 301),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "300" in page and "Kita-Platz gesucht" in page
    assert re.search(r'value="kita_place"[^>]*checked', page)
    unknown = actions.post(
        f"/people/{person_id}/consultations/new?lang=en",
        _consultation(person_id, barriers=["no_such_barrier"]),
    )
    assert unknown.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Consultation.id))) == 0
        assert db.session.scalar(select(func.count(ConsultationBarrier.id))) == 0


def test_form_ticks_the_case_need_areas_and_offers_due_date_picks(app, registered):
    actions, person_id = registered
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.person_id == person_id))
        db.session.execute(delete(CaseNeed).where(CaseNeed.case_id == case.id))
        db.session.add_all([CaseNeed(case_id=case.id, need=n) for n in ("language", "work")])
        db.session.commit()
    page = actions.client.get(f"/people/{person_id}/consultations/new?lang=en").get_data(
        as_text=True
    )
    ticked = set(re.findall(r'name="need_areas" value="(\w+)"[^>]*checked', page))
    assert ticked == {"language", "work"}
    picks = re.findall(r'data-due-for="steps-0-due_on" data-due="([\d-]+)"', page)
    today = local_today()
    expected = [today + timedelta(days=7), today + timedelta(days=14), add_months(today, 1)]
    assert picks == [day.isoformat() for day in expected]
    assert "in 1 week" in page and "in 1 month" in page
    assert _owner(page)
