"""`?lang=` on any link opens that language, through redirects, and sticks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.extensions import db
from tests.factories.web import PASSWORD, Actions


@pytest.mark.parametrize(("code", "direction"), [("ar", "rtl"), ("tr", "ltr")])
def test_flyer_link_opens_sign_in_in_that_language(client, code, direction):
    response = client.get(f"/?lang={code}", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{code}" dir="{direction}">' in page
    assert 'name="password"' in page  # the sign-in page


def test_redirect_to_sign_in_keeps_the_language_in_the_url(client):
    response = client.get("/people/?lang=ar")
    assert response.status_code == 302
    assert "lang=ar" in response.headers["Location"]


def test_language_survives_sign_in_and_returns_via_next(app, world, actions):
    actions.client.get("/people/?lang=tr")
    login = actions.client.get("/login?next=/people/%3Flang%3Dtr").get_data(as_text=True)
    assert '<html lang="tr" dir="ltr">' in login
    response = actions.login(world["caseworker_a"], query_string={"next": "/people/?lang=tr"})
    assert response.headers["Location"] == "/people/?lang=tr"
    page = actions.client.get("/people/?lang=tr").get_data(as_text=True)
    assert '<html lang="tr" dir="ltr">' in page
    # ... and it is now the caseworker's saved language, on every page and the next sign-in.
    assert '<html lang="tr" dir="ltr">' in actions.client.get("/home").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        assert user.preferred_language == "tr"


def test_signed_in_choice_persists_across_sessions(app, world, actions):
    actions.login(world["caseworker_a"])
    actions.client.get("/home?lang=ar")
    actions.logout()
    other_browser = Actions(app.test_client())  # only the saved language is left
    other_browser.login(world["caseworker_a"], PASSWORD)
    assert '<html lang="ar" dir="rtl">' in other_browser.client.get("/home").get_data(as_text=True)


def test_unknown_lang_value_changes_nothing(app, world, actions):
    actions.login(world["caseworker_a"])
    page = actions.client.get("/home?lang=xx").get_data(as_text=True)
    assert '<html lang="de" dir="ltr">' in page
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        assert user.preferred_language == "de"
