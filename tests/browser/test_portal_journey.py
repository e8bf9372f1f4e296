"""A newcomer signs in with case number and code from the slip, switches to Arabic and sees
their appointments right to left; a caseworker books one from the calendar by keyboard."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.services.test_appointments_services import book, next_day_at, setup_office
from tests.web.test_portal_views import case_number, issue

pytestmark = pytest.mark.browser


def test_newcomer_signs_in_and_reads_appointments_in_arabic(app, page, make_user, artifacts):
    setup = setup_office(app, make_user)
    book(app, setup, next_day_at(10), notes_for_newcomer="Reisepass / جواز السفر")
    code = issue(app, setup)
    number = case_number(app, setup["person"])

    page.goto(f"/portal/login?case_number={number}")
    assert page.input_value("#case_number") == number  # pre-filled from the slip's QR code
    page.fill("#access_code", code.lower().replace("-", ""))
    page.press("#access_code", "Enter")  # keyboard only
    page.wait_for_url("**/portal/")
    assert "Integrationszentrum Mitte" in page.inner_text("main")
    page.screenshot(path=str(artifacts / "portal-de.png"), full_page=True)

    page.click("main button[name=language][value=ar]")
    page.wait_for_url("**/portal/")
    assert page.get_attribute("html", "lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    main = page.inner_text("main")
    assert "جواز السفر" in main and "Marktplatz 3" in main
    # Right to left: the appointment card's heading starts at the right edge.
    card = page.locator("main article").first.bounding_box()
    heading = page.locator("main article h3").first.bounding_box()
    assert heading["x"] + heading["width"] > card["x"] + card["width"] - 40
    page.screenshot(path=str(artifacts / "portal-ar.png"), full_page=True)

    with page.expect_download() as download:
        page.click("main a[href$='.ics']")
    assert download.value.suggested_filename.endswith(".ics")
    # The choice is remembered: another portal page is in Arabic too.
    page.goto("/portal/contact")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.outside_requests == []


def test_caseworker_books_a_free_time_from_the_calendar(app, page, make_user, artifacts):
    setup = setup_office(app, make_user)
    page.goto("/login")
    page.fill("#email", setup["workers"][0])
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/home")
    page.goto(f"/people/{setup['person']}")
    page.click(f"main a[href$='/appointments/person/{setup['person']}/new'] >> nth=0")
    page.click("main a[href*='/appointments/calendar']")
    page.wait_for_load_state()
    page.select_option("#f-caseworker", str(setup["worker_ids"][0]))
    page.fill("#f-date", next_day_at(10).date().isoformat())
    page.select_option("#f-view", "day")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.screenshot(path=str(artifacts / "calendar-de.png"), full_page=True)
    page.locator("main a.btn-outline-success").nth(4).click()  # 10:00
    page.wait_for_load_state()
    page.fill("#notes_for_newcomer", "Reisepass")
    page.click("main button[type=submit]")
    page.wait_for_url("**/appointments/*")
    assert "Reisepass" in page.inner_text("main")
    assert page.outside_requests == []
