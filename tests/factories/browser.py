"""Builders shared by several test modules."""

from __future__ import annotations

from tests.factories.web import PASSWORD


def _sign_in(page, email):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")  # keyboard only
    page.wait_for_url("**/home")
