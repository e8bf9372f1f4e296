"""My sessions: each signed-in browser listed with device, address and times; signing out one
of them, or everywhere else, really ends those sessions on the server."""

from __future__ import annotations

import re

from sqlalchemy import select

from caseapp.auth.models import UserSession
from caseapp.extensions import db
from tests.factories.web import Actions

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36"
)
END_RE = re.compile(r'name="record_id" value="(\d+)"')


def browser(app, user_agent: str, address: str) -> Actions:
    client = app.test_client()
    client.environ_base.update({"HTTP_USER_AGENT": user_agent, "REMOTE_ADDR": address})
    return Actions(client)


def test_sessions_are_listed_with_device_and_address(app, world):
    laptop = browser(app, FIREFOX, "192.0.2.10")
    phone = browser(app, PHONE, "198.51.100.7")
    assert laptop.login(world["caseworker_a"]).status_code == 302
    assert phone.login(world["caseworker_a"]).status_code == 302
    page = laptop.client.get("/account/sessions").get_data(as_text=True)
    assert "Firefox" in page and "Linux" in page
    assert "Chrome" in page and "Android" in page
    assert "192.0.2.10" in page and "198.51.100.7" in page
    # Only the other browser can be signed out from here.
    assert len(END_RE.findall(page)) == 1


def test_sign_out_everywhere_else_ends_the_other_session(app, world):
    laptop = browser(app, FIREFOX, "192.0.2.10")
    phone = browser(app, PHONE, "198.51.100.7")
    laptop.login(world["caseworker_a"])
    phone.login(world["caseworker_a"])
    assert phone.client.get("/account").status_code == 200
    laptop._token = None
    assert laptop.post("/account/sessions/end-others", {}).status_code == 302
    assert phone.client.get("/account").status_code == 302  # signed out
    assert laptop.client.get("/account").status_code == 200  # this one stays
    with app.app_context():
        rows = db.session.scalars(select(UserSession)).all()
        assert sum(r.revoked_at is None for r in rows) == 1


def test_one_session_is_signed_out(app, world):
    laptop = browser(app, FIREFOX, "192.0.2.10")
    phone = browser(app, PHONE, "198.51.100.7")
    laptop.login(world["caseworker_a"])
    phone.login(world["caseworker_a"])
    laptop._token = None
    page = laptop.client.get("/account/sessions").get_data(as_text=True)
    (other,) = END_RE.findall(page)
    assert laptop.post("/account/sessions/end", {"record_id": other}).status_code == 302
    assert phone.client.get("/account").status_code == 302
    assert laptop.client.get("/account").status_code == 200


def test_another_users_session_is_not_there(app, world):
    mine = browser(app, FIREFOX, "192.0.2.10")
    theirs = browser(app, PHONE, "198.51.100.7")
    mine.login(world["caseworker_a"])
    theirs.login(world["caseworker_b"])
    with app.app_context():
        their_id = db.session.scalar(select(UserSession.id).order_by(UserSession.id.desc()))
    mine._token = None
    assert mine.post("/account/sessions/end", {"record_id": their_id}).status_code == 404
    assert theirs.client.get("/account").status_code == 200


def test_last_seen_follows_use(app, world, clock):
    laptop = browser(app, FIREFOX, "192.0.2.10")
    laptop.login(world["caseworker_a"])
    with app.app_context():
        first = db.session.scalar(select(UserSession.last_seen_at))
    clock.advance(minutes=5)
    assert laptop.client.get("/account").status_code == 200
    with app.app_context():
        later = db.session.scalar(select(UserSession.last_seen_at))
    assert later > first
    clock.advance(minutes=31)  # idle: the session no longer counts as active
    other = browser(app, PHONE, "198.51.100.7")
    other.login(world["caseworker_a"])
    page = other.client.get("/account/sessions").get_data(as_text=True)
    assert "Firefox" not in page
