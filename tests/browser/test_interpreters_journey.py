"""A volunteer interpreter answers an offer in Arabic in a real browser: right-to-left, the
appointment's office, room and time (and nothing about the person), accept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.extensions import db
from caseapp.interpreters import services
from caseapp.interpreters.models import InterpreterAssignment
from tests.factories.appointments import next_day_at, setup_office
from tests.factories.interpreters import (
    MARKER,
    book_with_interpreter,
    make_volunteer_interpreter,
    run_round,
)
from tests.factories.web import PASSWORD

pytestmark = pytest.mark.browser


def test_arabic_interpreter_accepts_an_offer(app, page, artifacts, make_user):
    setup = setup_office(app, make_user)
    email = make_user("volunteer", name="ليلى حداد", language="ar")
    make_volunteer_interpreter(app, email)
    book_with_interpreter(app, setup, next_day_at(10))
    round_id = run_round(app)
    with app.test_request_context():
        round_ = services.get_round(None, round_id)
        services.confirm(None, round_, [a.id for a in services.round_assignments(None, round_)])
        db.session.commit()

    page.goto("/login?lang=ar")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/home")
    page.goto("/interpreting")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    main = page.inner_text("main")
    assert "Integrationszentrum Mitte" in main and "Raum 1" in main
    assert MARKER not in page.content()
    page.screenshot(path=str(artifacts / "interpreter-offer-ar.png"), full_page=True)
    with page.expect_navigation():
        page.click("main button.btn-success")
    assert page.locator("main button.btn-success").count() == 0  # answered: no accept button
    with app.app_context():
        assert db.session.scalar(select(InterpreterAssignment.status)) == "accepted"
    assert page.outside_requests == []
