"""A resident signs up in Arabic in a real browser: right-to-left, errors kept, confirmation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from caseapp.extensions import db
from caseapp.outbox.models import OutboxMessage
from tests.factories.volunteers import make_programme

pytestmark = pytest.mark.browser


def test_arabic_public_signup_is_right_to_left_and_keeps_input(app, page, artifacts):
    with app.test_request_context():
        programme_id = make_programme()
        db.session.commit()
    page.goto("/volunteer/signup?lang=ar")
    assert page.get_attribute("html", "lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert "سفراء الترحيب" in page.inner_text("main")

    # One step at a time (issue 12 §4): programme, about you, languages and times, account.
    assert page.is_visible(f"#programme-{programme_id}")
    assert not page.is_visible("#email")
    page.check(f"#programme-{programme_id}")
    page.click("button[name=go][value='2']")
    page.fill("#name", "كريم الحسن")
    page.fill("#skills", "ترجمة، مرافقة إلى الدوائر الرسمية")
    page.click("button[name=go][value='3']")
    page.select_option("#language_0", "ar")
    page.select_option("#level_0", "native")
    page.select_option("#language_1", "de")
    page.select_option("#level_1", "good")
    page.fill("#capacity", "100")  # out of range: "Next" keeps this step and says why
    page.check("#slot-1-afternoon")
    page.click("button[name=go][value='4']")
    # The POST answers with the same page: wait for the error, do not race the response.
    expect(page.locator("#capacity-error")).to_be_visible()
    # The summary at the top has the focus and links to the field.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.is_visible(".error-summary a[href='#capacity']")
    assert page.input_value("#name") == "كريم الحسن"  # an earlier step, kept
    assert page.input_value("#skills") == "ترجمة، مرافقة إلى الدوائر الرسمية"
    assert page.is_checked("#slot-1-afternoon")
    page.screenshot(path=str(artifacts / "volunteer-signup-ar.png"), full_page=True)

    page.fill("#capacity", "2")
    page.click("button[name=go][value='4']")
    page.fill("#email", "karim@example.org")
    page.fill("#password", "شاي بالنعناع في المساء")
    page.fill("#confirm", "شاي بالنعناع")  # not the same: "Send" comes back with the reason
    page.check("#consent")
    page.click("main button[type=submit]")
    expect(page.locator("#confirm-error")).to_be_visible()
    assert page.input_value("#email") == "karim@example.org"
    page.fill("#password", "شاي بالنعناع في المساء")
    page.fill("#confirm", "شاي بالنعناع في المساء")
    page.click("main button[type=submit]")
    page.wait_for_url("**/volunteer/signup/sent")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    with app.app_context():
        mail = db.session.scalar(select(OutboxMessage))
        assert mail.recipient == "karim@example.org" and mail.language == "ar"
        link = next(w for w in mail.body_text.split() if "/volunteer/confirm" in w)
    page.goto("/volunteer/confirm?" + link.split("?", 1)[1])
    page.click("main button[type=submit]")
    page.wait_for_url("**/login")
    page.fill("#email", "karim@example.org")
    page.fill("#password", "شاي بالنعناع في المساء")
    page.press("#password", "Enter")
    page.wait_for_url("**/home")
    assert "سفراء الترحيب" in page.inner_text("main")
    page.screenshot(path=str(artifacts / "volunteer-home-ar.png"), full_page=True)
    assert page.outside_requests == []
