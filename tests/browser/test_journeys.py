"""Real-browser journeys in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories.browser import (
    _sign_in,
)

pytestmark = pytest.mark.browser


def test_sign_in_switch_language_and_direction(page, world, artifacts):
    _sign_in(page, world["caseworker_a"])
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "ltr"
    page.screenshot(path=str(artifacts / "start-de.png"), full_page=True)

    page.click("#lang-menu")
    page.click("button[name=language][value=ar]")
    page.wait_for_url("**/home")
    assert page.get_attribute("html", "lang") == "ar"
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    # Bootstrap's RTL sheet is active: the navigation starts at the right edge.
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand["x"] > 640
    page.screenshot(path=str(artifacts / "start-ar.png"), full_page=True)

    page.click("#lang-menu")
    page.click("button[name=language][value=tr]")
    page.wait_for_url("**/home")
    assert page.get_attribute("html", "lang") == "tr"
    assert "Merhaba" in page.inner_text("h1")
    page.screenshot(path=str(artifacts / "start-tr.png"), full_page=True)

    # The choice is remembered after signing in again.
    page.click("text=Çıkış yap")
    _sign_in(page, world["caseworker_a"])
    assert page.get_attribute("html", "lang") == "tr"
    assert page.outside_requests == []


def test_visitor_switches_login_page_to_arabic(page, artifacts):
    page.goto("/login")
    assert page.get_attribute("html", "lang") == "de"
    page.click("#lang-menu")
    page.click("a[hreflang=ar]")
    page.wait_for_load_state()
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    page.screenshot(path=str(artifacts / "login-ar.png"), full_page=True)
    assert page.outside_requests == []


def test_admin_creates_office_and_sees_errors_without_losing_input(page, world):
    _sign_in(page, world["admin"])
    page.goto("/offices/new?lang=en")
    page.fill("#name", "Wohnungsamt Hafenviertel")
    page.select_option("#kind", "housing_office")
    page.fill("#postcode", "123")
    page.fill("#street", "Hafenstraße 9")
    page.fill("#hours_0", "08:00-12:00")
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("A German postcode has five digits.")
    assert page.input_value("#street") == "Hafenstraße 9"
    page.fill("#postcode", "58762")
    page.click("main button[type=submit]")
    page.wait_for_url("**/offices/*")
    assert "Wohnungsamt Hafenviertel" in page.inner_text("h1")
    # ?lang=en on the form became the admin's saved language (issue 10), so the office page
    # after the redirect is in English too.
    assert "Monday" in page.inner_text("main")
