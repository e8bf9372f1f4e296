"""An unreachable or busy database gives Lotse's translated 503 page, signed in or not."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from caseapp import __version__
from caseapp.extensions import db


def _fail(message: str):
    def raiser(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception(message))

    return raiser


def _database_down(app, monkeypatch, message: str) -> None:
    """Every new connection fails, as when PostgreSQL is stopped."""
    with app.app_context():
        db.session.remove()
        monkeypatch.setattr(db.engine, "connect", _fail(message))


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_database_down_while_signed_in_gives_the_translated_503_page(
    app, world, actions, monkeypatch, lang
):
    actions.login(world["caseworker_a"])
    actions.client.get(f"/home?lang={lang}")
    _database_down(app, monkeypatch, "connection refused")
    response = actions.client.get("/people/")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert f'<html lang="{lang}"' in page
    assert "Traceback" not in page and "Internal Server Error" not in page
    expected = {"de": "Datenbank", "ar": "قاعدة البيانات"}[lang]
    assert expected in page


def test_database_down_for_anonymous_visitors(app, client, monkeypatch):
    _database_down(app, monkeypatch, "could not connect to server")
    response = client.get("/directory/")
    assert response.status_code == 503
    assert "Datenbank" in response.get_data(as_text=True)
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["database"] == "unreachable"


def test_busy_sqlite_says_try_again_and_input_is_kept(app, world, actions, monkeypatch):
    actions.login(world["caseworker_a"])
    monkeypatch.setattr(db.session, "commit", _fail("database is locked"))
    response = actions.post("/account/language", {"language": "de"})
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "Nichts wurde gespeichert" in page or "nichts gespeichert" in page.lower()


def test_version_is_shown_to_signed_in_staff_only(app, world, actions, client):
    assert __version__ not in client.get("/login").get_data(as_text=True)
    health = client.get("/healthz").get_json()
    assert health == {"status": "ok", "database": "ok"}
    actions.login(world["volunteer"])
    assert __version__ not in actions.client.get("/home").get_data(as_text=True)
    staff = type(actions)(app.test_client())
    staff.login(world["caseworker_a"])
    assert f"Lotse {__version__}" in staff.client.get("/home").get_data(as_text=True)
