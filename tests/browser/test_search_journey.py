"""The search box in a real browser: "/" jumps to it, results come as you type, in German and
Arabic, and a hit leads straight to logging a consultation."""

from __future__ import annotations

import pytest

from tests.factories.browser import _sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def rania(app, world):
    from sqlalchemy import select

    from caseapp.auth.models import User
    from caseapp.extensions import db
    from tests.factories.people import register

    with app.test_request_context():
        worker = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        person = register(
            worker,
            world["office_a"],
            given_name="Rania",
            family_name="Khalil",
            original_name="رانيا خليل",
            birth_year=1991,
            sex="f",
        )
        return person.id, person.case.case_number


def test_search_from_the_navbar_in_german_and_arabic(page, world, rania, artifacts):
    person_id, number = rania
    _sign_in(page, world["caseworker_a"])
    page.keyboard.press("/")  # the shortcut focuses the navbar's box
    assert page.evaluate("document.activeElement.id") == "navbar-q"
    page.keyboard.type("Chalil")  # a spelling variant of the family name, one word
    hit = page.locator(f"#navbar-results a[href='/people/{person_id}']")
    hit.wait_for()
    assert page.locator("#navbar-results").is_visible()
    page.screenshot(path=str(artifacts / "search-navbar-de.png"))
    # Enter shows the full results, from which a consultation is one click away.
    page.keyboard.press("Enter")
    page.wait_for_selector(f"a[href='/people/{person_id}/consultations/new']")
    page.click(f"a[href='/people/{person_id}/consultations/new']")
    page.wait_for_url(f"**/people/{person_id}/consultations/new")
    # The case number without its dash, typed on the start page.
    page.goto("/home")
    page.fill("#home-q", number.replace("-", " ").lower())
    page.locator(f"#home-results a[href='/people/{person_id}']").first.wait_for()

    page.click("#lang-menu")
    page.click("button[name=language][value=ar]")
    page.wait_for_url("**/home")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    page.fill("#navbar-q", "رانيا")  # one Arabic word
    page.locator(f"#navbar-results a[href='/people/{person_id}']").wait_for()
    page.screenshot(path=str(artifacts / "search-navbar-ar.png"))
    assert page.outside_requests == []
