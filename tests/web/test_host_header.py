"""Absolute links come from CASEAPP_BASE_URL, never from the request's Host header."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.config import ConfigError, load_config
from caseapp.extensions import db
from caseapp.outbox.models import OutboxMessage
from tests.factories.volunteers import _signup_form, make_programme
from tests.factories.web import Actions


def test_requests_for_unknown_hosts_are_refused(client):
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/login", headers={"Host": "localhost"}).status_code == 200


def test_signup_with_a_forged_host_queues_no_mail_with_its_link(app, world):
    with app.test_request_context():
        programme_id = make_programme()
        db.session.commit()
    visitor = Actions(app.test_client())
    form = _signup_form(programme_id, email="admin@test.example")  # a staff member's address
    visitor.client.get("/volunteer/signup")
    response = visitor.post("/volunteer/signup", form, headers={"Host": "evil.example"})
    assert response.status_code == 400
    # The same sign-up on the right host: every link in the mail points to the base URL.
    response = visitor.post("/volunteer/signup", _signup_form(programme_id))
    assert response.status_code in (200, 302)
    with app.app_context():
        bodies = [m.body_text for m in db.session.scalars(select(OutboxMessage))]
    assert bodies
    assert all("evil.example" not in body for body in bodies)
    assert any(app.config["BASE_URL"] + "/" in body for body in bodies)


def test_links_ignore_the_host_of_the_current_request(app):
    from caseapp.outbox.links import external_url

    with app.test_request_context("/", headers={"Host": "other.localhost"}):
        url = external_url("volunteers.verify_certificate", code="AB12")
    assert url.startswith(app.config["BASE_URL"] + "/certificates/verify")


def test_base_url_with_a_path_prefix(app):
    from caseapp.outbox.links import external_url

    old = app.config["BASE_URL"]
    app.config["BASE_URL"] = "https://stadt.example/lotse"
    try:
        with app.app_context():
            assert external_url("auth.login") == "https://stadt.example/lotse/login"
    finally:
        app.config["BASE_URL"] = old


def _production_env(monkeypatch, **extra):
    monkeypatch.setenv("CASEAPP_ENV", "production")
    monkeypatch.setenv("CASEAPP_SECRET_KEY", "x" * 64 + "a1B2c3")
    monkeypatch.setenv("CASEAPP_DATA_KEYS", "A" * 43 + "=")  # required there too
    monkeypatch.delenv("CASEAPP_BASE_URL", raising=False)
    monkeypatch.delenv("CASEAPP_SECURE_COOKIES", raising=False)
    for key, value in extra.items():
        monkeypatch.setenv(key, value)


def test_production_requires_a_base_url(monkeypatch, tmp_path):
    _production_env(monkeypatch)
    with pytest.raises(ConfigError, match="CASEAPP_BASE_URL"):
        load_config(str(tmp_path))


def test_production_cookie_prefix_hosts_and_hsts(monkeypatch, tmp_path):
    _production_env(monkeypatch, CASEAPP_BASE_URL="https://lotse.stadt.example")
    config = load_config(str(tmp_path))
    assert config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_PATH"] == "/"
    assert config["SESSION_COOKIE_DOMAIN"] is None
    assert config["TRUSTED_HOSTS"] == ["lotse.stadt.example"]
    assert config["HSTS_INCLUDE_SUBDOMAINS"] is True


def test_hsts_over_https(client):
    response = client.get("/login", base_url="https://localhost")
    assert "includeSubDomains" in response.headers["Strict-Transport-Security"]
