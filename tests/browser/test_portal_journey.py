"""A newcomer signs in with case number and code from the slip, switches to Arabic and sees
their appointments right to left; a caseworker books one from the calendar by keyboard."""

from __future__ import annotations

import pytest

from tests.factories.appointments import book, next_day_at, setup_office
from tests.factories.portal import case_number, issue
from tests.factories.web import PASSWORD

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


def test_newcomer_on_a_phone_in_arabic_calls_maps_and_prints_the_slip(
    app, browser, live_server, make_user, artifacts
):
    """390×844, Arabic: the card fits the screen, the office's number dials, the map link is a
    geo: link (nothing loaded until tapped), opening hours are on show, the slip opens."""
    setup = setup_office(app, make_user)
    book(app, setup, next_day_at(10), notes_for_newcomer="جواز السفر")
    code = issue(app, setup)
    number = case_number(app, setup["person"])
    context = browser.new_context(
        base_url=live_server,
        viewport={"width": 390, "height": 844},
        locale="ar",
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    outside = []
    page.on("request", lambda r: None if r.url.startswith(live_server) else outside.append(r.url))
    page.goto(f"/portal/login?lang=ar&case_number={number}")
    page.fill("#access_code", code)
    page.press("#access_code", "Enter")
    page.wait_for_url("**/portal/")
    assert page.get_attribute("html", "dir") == "rtl"
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    card = page.locator("main article").first
    tel = card.locator("a[href^='tel:']")
    assert tel.get_attribute("href") == "tel:+492352209310"
    assert tel.bounding_box()["height"] >= 24  # a touch target
    assert card.locator("a[href^='geo:']").count() == 1
    hours = card.locator("table.hours-table")
    assert hours.is_visible() and "08:00" in hours.inner_text()
    slip = card.locator("a[href$='slip.pdf']")
    assert slip.is_visible()
    response = page.request.get(slip.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    page.screenshot(path=str(artifacts / "portal-phone-ar.png"), full_page=True)
    assert outside == []
    context.close()
