"""Just after midnight in Berlin the UTC date is still yesterday: pages use the local date."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.factories.volunteers import volunteer_records


def test_hours_form_offers_the_local_date_after_midnight(app, world, actions, clock):
    volunteer_records(app, world["volunteer"])
    clock.set(datetime(2027, 2, 14, 23, 30, tzinfo=UTC))  # 00:30 on the 15th in Berlin
    actions.login(world["volunteer"])
    page = actions.client.get("/volunteer/hours").get_data(as_text=True)
    # Shown the German way since issue 12 §2 (date fields are text fields in the language).
    assert 'value="15.02.2027"' in page
    assert 'value="14.02.2027"' not in page


def test_calendar_today_is_the_local_date_after_midnight(app, world, actions, clock):
    clock.set(datetime(2027, 2, 14, 23, 30, tzinfo=UTC))
    actions.login(world["caseworker_a"])
    response = actions.client.get("/appointments/calendar")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2027-02-15" in page
