"""Integration management opens the reports in Arabic: right to left, charts mirrored,
numbers left to right, a CSV and the yearly report downloaded, nothing from elsewhere."""

from __future__ import annotations

import pytest

from tests.factories import reports_world
from tests.factories.web import PASSWORD

pytestmark = pytest.mark.browser


def test_reports_in_arabic(app, page, make_user, artifacts, monkeypatch):
    # The small world has small counts: a limit of 2 leaves enough bars to look at.
    monkeypatch.setitem(app.config, "REPORT_MIN_CELL", 2)
    with app.app_context():
        reports_world.build()
    email = make_user("reports", language="ar")
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/home")
    page.click("nav a[href='/reports']")
    page.wait_for_url("**/reports")
    assert page.get_attribute("html", "dir") == "rtl"
    page.click("main a[href='/reports/casework']")
    page.select_option("#period", "2026")
    page.select_option("#area", "city")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/reports/casework?period=2026&area=city")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"

    # Time runs from right to left: in the registrations chart (the one whose bars survive
    # suppression in this small world) the first period of the table stands right of the last.
    chart = page.locator("#fig-registrations").locator("xpath=..")
    assert chart.locator("svg rect").count() >= 1
    periods = [t.strip() for t in chart.locator("table thead th").all_inner_texts()[1:]]
    first = chart.locator("svg text[direction=rtl]", has_text=periods[0]).first.bounding_box()
    last = chart.locator("svg text[direction=rtl]", has_text=periods[-1]).first.bounding_box()
    assert first["x"] > last["x"]
    figure = page.locator("#fig-consultations_mode").locator("xpath=..")
    # The figures are in a table too, numbers as left-to-right islands.
    assert figure.locator("table tbody tr").count() >= 2
    assert figure.locator("td bdi[dir=ltr]").first.inner_text().strip()
    page.screenshot(path=str(artifacts / "reports-ar.png"), full_page=True)

    with page.expect_download() as download:
        figure.locator("a[href*='.csv']").click()
    assert download.value.suggested_filename.endswith(".csv")
    page.goto("/reports")
    with page.expect_download() as download:
        page.click("main form button[type=submit] >> nth=0")
    assert download.value.suggested_filename == "integration-report-2025.pdf"
    assert page.outside_requests == []
