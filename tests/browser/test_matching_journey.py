"""A coordinator runs a round in Arabic, reads why, and accepts a pair — in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from caseapp.extensions import db
from caseapp.matches.models import Match
from tests.factories.matching import build
from tests.factories.web import PASSWORD

pytestmark = pytest.mark.browser


def test_coordinator_runs_a_round_in_arabic_and_accepts_a_pair(
    app, page, world, make_user, artifacts
):
    ids = build(app, world, make_user)
    page.goto("/login")
    page.fill("#email", world["coordinator"])
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/home")
    page.click("#lang-menu")
    page.click("button[name=language][value=ar]")
    page.wait_for_url("**/home")
    page.goto("/matching/")
    assert page.get_attribute("html", "dir") == "rtl"
    page.click(f"form[action$='/programmes/{ids['programme_id']}/run'] button")
    page.wait_for_url("**/matching/rounds/*")
    main = page.locator("main")
    expect(main).to_contain_text("Amal Haddad")
    expect(main).to_contain_text("التغرينية")  # why Selam has no match: nobody speaks Tigrinya
    page.screenshot(path=str(artifacts / "matching-round-ar.png"), full_page=True)

    card = page.locator("main article", has_text="Amal Haddad")
    card.locator("input[name=agreed_contact]").fill("0170 1234567")
    card.locator("button[type=submit].btn-success").click()
    page.wait_for_url("**/matching/matches/*")
    expect(page.locator("#agreed_contact")).to_have_value("0170 1234567")
    page.screenshot(path=str(artifacts / "matching-match-ar.png"), full_page=True)
    with app.app_context():
        match = db.session.scalar(select(Match))
        assert match.person_id == ids["people"]["amal"] and match.volunteer_id == ids["v1"]
    assert page.outside_requests == []
