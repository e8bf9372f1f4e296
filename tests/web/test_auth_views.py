"""Sign-in, sessions, password and language through the test client."""

from __future__ import annotations

from sqlalchemy import func, select

from caseapp.auth.models import User
from caseapp.extensions import db
from tests.factories.web import PASSWORD, Actions

COOKIE = "lotse_session"


def test_login_lands_on_start_page_for_role(app, world, actions):
    response = actions.login(world["caseworker_a"])
    assert response.status_code == 302
    page = actions.client.get("/home", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Integrationszentrum A" in page  # the caseworker's own office is on the start page


def test_wrong_password_gives_generic_message_and_keeps_email(app, world, actions):
    wrong = actions.login(world["admin"], "not the password at all")
    unknown = actions.login("ghost@test.example", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    text_wrong = wrong.get_data(as_text=True)
    assert "The e-mail address or password is not correct." in text_wrong or "E-Mail" in text_wrong
    # The same words whether or not the account exists.
    body = lambda r: r.get_data(as_text=True).split('role="alert">')[1].split("</div>")[0]  # noqa: E731
    assert body(wrong) == body(unknown)
    assert 'value="admin@test.example"' in text_wrong
    assert "not the password at all" not in text_wrong


def test_repeated_failures_are_throttled(app, world, actions):
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        actions.login(world["admin"], "wrong wrong wrong")
    response = actions.login(world["admin"])  # even the right password waits
    assert response.status_code == 429


def at(ip: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": ip}}


def test_a_throttled_try_says_how_long_to_wait(app, world, actions, clock):
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        actions.login(world["admin"], "wrong wrong wrong", **at("203.0.113.9"))
    for wait in (1, 2):  # every further guess waits twice as long
        refused = actions.login(world["admin"], "wrong wrong wrong", **at("203.0.113.9"))
        assert refused.status_code == 429 and refused.headers["Retry-After"] == str(wait)
        clock.advance(seconds=wait)
        assert actions.login(world["admin"], "wrong", **at("203.0.113.9")).status_code == 200
    response = actions.post(
        "/login?lang=en", {"email": world["admin"], "password": PASSWORD}, **at("203.0.113.9")
    )
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "4"
    page = response.get_data(as_text=True)
    assert "Too many failed sign-in attempts. Please wait 4 seconds and try again." in page
    assert 'value="admin@test.example"' in page and PASSWORD not in page
    clock.advance(seconds=4)
    response = actions.login(world["admin"], **at("203.0.113.9"))
    assert response.status_code == 302


def test_a_stranger_guessing_cannot_keep_the_owner_out(app, world, client, clock):
    stranger, owner = Actions(app.test_client()), Actions(client)
    # The stranger guesses for an hour, as fast as the throttle lets them.
    for _ in range(60):
        stranger.login(world["admin"], "wrong wrong wrong", **at("203.0.113.9"))
        clock.advance(minutes=1)
    assert stranger.login(world["admin"], **at("203.0.113.9")).status_code == 429
    # The owner, from their own address, gets in with the right password at once.
    response = owner.login(world["admin"], **at("192.0.2.10"))
    assert response.status_code == 302
    assert client.get("/home").status_code == 200


def test_a_noisy_address_does_not_slow_anyone_behind_another(app, world, client, clock):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 5
    try:
        noisy = Actions(app.test_client())
        for n in range(10):
            noisy.login(f"nobody{n}@test.example", "wrong wrong wrong", **at("203.0.113.9"))
        # Behind the noisy address a repeated guess waits ...
        again = noisy.login("nobody0@test.example", "wrong wrong wrong", **at("203.0.113.9"))
        assert again.status_code == 429
        # ... while at a shelter's address a typo and then the right password just work.
        shelter = Actions(client)
        typo = shelter.login(world["caseworker_a"], "wrong wrong wrong", **at("192.0.2.50"))
        assert typo.status_code == 200
        assert shelter.login(world["caseworker_a"], **at("192.0.2.50")).status_code == 302
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_IP"] = 1000


def test_new_session_on_login_and_logout_ends_it_on_the_server(app, world, client):
    actions = Actions(client)
    client.get("/login")
    before = client.get_cookie(COOKIE)
    actions.login(world["admin"])
    signed_in = client.get_cookie(COOKIE).value
    assert before is None or before.value != signed_in
    assert client.get("/home").status_code == 200
    actions.logout()
    # Replaying the old cookie does not bring the session back.
    replay = app.test_client()
    replay.set_cookie(COOKIE, signed_in)
    response = replay.get("/home")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_idle_timeout_signs_out(app, world, client):
    Actions(client).login(world["admin"])
    with client.session_transaction() as session:
        session["seen"] -= app.config["SESSION_IDLE_MINUTES"] * 60 + 5
    response = client.get("/home")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_signs_out_other_browsers(app, world):
    first, second = Actions(app.test_client()), Actions(app.test_client())
    first.login(world["admin"])
    second.login(world["admin"])
    response = first.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "ein ganz neues Passwort",
            "confirm": "ein ganz neues Passwort",
        },
    )
    assert response.status_code == 302
    assert first.client.get("/home").status_code == 200
    assert second.client.get("/home").status_code == 302


def test_password_change_errors_are_shown_per_field_in_language(app, world, actions):
    actions.login(world["caseworker_a"])
    actions.post("/account/language", {"language": "en"})
    response = actions.post(
        "/account/password",
        {
            "current_password": "wrong",
            "new_password": "short",
            "confirm": "short",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The current password is not correct." in page
    assert "Use at least 12 characters." in page


def test_deactivated_user_is_signed_out_immediately(app, world):
    admin, victim = Actions(app.test_client()), Actions(app.test_client())
    victim.login(world["caseworker_b"])
    admin.login(world["admin"])
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == world["caseworker_b"]))
    confirm = admin.client.get(f"/admin/users/{user_id}/deactivate")
    assert confirm.status_code == 200  # a confirmation page first, nothing changed yet
    assert victim.client.get("/home").status_code == 200
    assert admin.post(f"/admin/users/{user_id}/deactivate", {}).status_code == 302
    assert victim.client.get("/home").status_code == 302


def test_open_redirect_is_refused(app, world, actions):
    actions._token = None
    response = actions.post(
        "/login?next=//evil.example/x", {"email": world["admin"], "password": PASSWORD}
    )
    assert response.headers["Location"] in ("/", "/home") or response.headers["Location"].endswith(
        "/"
    )


def test_next_parameter_returns_to_page(app, world, client):
    first = client.get("/offices/")
    assert first.status_code == 302
    actions = Actions(client)
    response = actions.post(
        "/login?next=/offices/", {"email": world["admin"], "password": PASSWORD}
    )
    assert response.headers["Location"] == "/offices/"


def test_tampered_csrf_token_writes_nothing(app, world, actions):
    actions.login(world["admin"])
    with app.app_context():
        count = db.session.scalar(select(func.count(User.id)))
    response = actions.client.post(
        "/admin/users/new",
        data={
            "csrf_token": "tampered",
            "display_name": "Mallory",
            "email": "m@test.example",
            "roles": "admin",
            "password": "a long password here",
        },
    )
    assert response.status_code == 400
    assert "lang=" in response.get_data(as_text=True)  # a real, translated page with the switcher
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == count


def test_signed_in_pages_are_not_cached_and_headers_are_strict(app, world, actions):
    actions.login(world["admin"])
    response = actions.client.get("/home")
    assert response.headers["Cache-Control"] == "no-store"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.get_data(as_text=True)  # no inline scripts at all


def test_session_cookie_flags(app, world, client):
    Actions(client).login(world["admin"])
    cookie = client.get_cookie(COOKIE)
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_language_switch_is_saved_for_signed_in_users(app, world, actions):
    actions.login(world["caseworker_a"])
    response = actions.post("/account/language?next=/offices/%3Fsort%3Dcity", {"language": "ar"})
    assert response.headers["Location"] == "/offices/?sort=city"
    page = actions.client.get("/home").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    # ?lang= wins, and becomes the saved language (as the menu does).
    assert '<html lang="tr" dir="ltr">' in actions.client.get("/home?lang=tr").get_data(
        as_text=True
    )
    assert '<html lang="tr" dir="ltr">' in actions.client.get("/home").get_data(as_text=True)
