"""The HTTP API: tokens (shown once, revoked, expired, address, rate limit), problem+json,
ETag/If-Match, and the operations calling the same services as the pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from caseapp.api import tokens
from caseapp.api.models import ApiToken
from caseapp.audit.models import AuditEntry
from caseapp.auth.models import User
from caseapp.extensions import db
from tests.factories.api import api_records, bearer, make_token
from tests.factories.referrals import referral_records


@pytest.fixture
def records(app, world):
    return api_records(app, world)


# --- the description ---------------------------------------------------------------------


def test_openapi_document_validates(client):
    from openapi_spec_validator import validate

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    validate(spec)
    assert "/api/v1/persons" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"


def test_index_and_docs_page_without_cdn(client):
    assert client.get("/api/v1/").get_json()["openapi"] == "/api/v1/openapi.json"
    page = client.get("/api/v1/docs?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/persons/{person_id}" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()


# --- tokens ------------------------------------------------------------------------------


def test_token_is_stored_hashed_and_acts_through_its_own_account(app, world):
    secret = make_token(app, world["office_a"], "caseworker")
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert secret not in (token.secret_digest, token.prefix)
        assert token.secret_digest == tokens.digest(secret)
        account = db.session.get(User, token.user_id)
        assert not account.active and account.password_hash is None
        assert account.roles == [] and account.memberships == []


def test_requests_without_usable_token_are_401(app, client, world, clock):
    secret = make_token(app, world["office_a"], "caseworker", days=1)
    assert client.get("/api/v1/offices").status_code == 401
    answer = client.get("/api/v1/offices", headers=bearer("lotse_wrong"))
    assert answer.status_code == 401
    assert answer.mimetype == "application/problem+json"
    assert "Bearer" in answer.headers["WWW-Authenticate"]
    assert client.get("/api/v1/offices", headers=bearer(secret)).status_code == 200
    clock.advance(days=3)
    assert client.get("/api/v1/offices", headers=bearer(secret)).status_code == 401


def test_cookie_session_is_not_enough(app, world, actions):
    actions.login(world["caseworker_a"])
    assert actions.client.get("/api/v1/offices").status_code == 401


def test_revoked_token_is_401_and_last_use_is_shown(app, world, actions):
    secret = make_token(app, world["office_a"], "caseworker")
    client = app.test_client()
    assert client.get("/api/v1/offices", headers=bearer(secret)).status_code == 200
    actions.login(world["admin"])
    page = actions.client.get("/admin/api-tokens?lang=en").get_data(as_text=True)
    assert "never" not in page  # used once: the time and address are shown
    assert "127.0.0.1" in page
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    assert actions.post(f"/admin/api-tokens/{token_id}/revoke", {}).status_code == 302
    answer = client.get("/api/v1/offices", headers=bearer(secret, **{"Accept-Language": "en"}))
    assert answer.status_code == 401
    assert answer.get_json()["detail"] == "This API token has been revoked."


def test_address_outside_allow_list_is_403(app, client, world):
    secret = make_token(app, world["office_a"], "caseworker", allowed_ips="10.0.0.0/8")
    assert client.get("/api/v1/offices", headers=bearer(secret)).status_code == 403
    inside = client.get(
        "/api/v1/offices", headers=bearer(secret), environ_base={"REMOTE_ADDR": "10.1.2.3"}
    )
    assert inside.status_code == 200


def test_rate_limit_per_token_is_429_with_retry_after(app, client, world, clock):
    secret = make_token(app, world["office_a"], "caseworker")
    other = make_token(app, world["office_a"], "caseworker")
    app.config["API_REQUESTS_PER_MINUTE"] = 3
    try:
        for _ in range(3):
            assert client.get("/api/v1/offices", headers=bearer(secret)).status_code == 200
        refused = client.get("/api/v1/offices", headers=bearer(secret))
        assert refused.status_code == 429
        assert refused.mimetype == "application/problem+json"
        assert int(refused.headers["Retry-After"]) >= 1
        assert client.get("/api/v1/offices", headers=bearer(other)).status_code == 200
        clock.advance(seconds=61)
        assert client.get("/api/v1/offices", headers=bearer(secret)).status_code == 200
    finally:
        app.config["API_REQUESTS_PER_MINUTE"] = 300


def test_admin_creates_token_shown_once(app, world, actions):
    actions.login(world["admin"])
    form = actions.client.get("/admin/api-tokens/new?lang=en")
    assert form.status_code == 200
    submission = re.search(r'name="submission_id"[^>]*value="([^"]+)"', form.get_data(as_text=True))
    data = {
        "name": "Integreat",
        "office": world["office_a"],
        "roles": ["caseworker", "reports"],
        "expires_on": "2027-06-30",
        "allowed_ips": "192.0.2.0/24\n2001:db8::/32",
    }
    if submission:
        data["submission_id"] = submission.group(1)
    created = actions.post("/admin/api-tokens/new?lang=en", data)
    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    secret = re.search(r'value="(lotse_[^"]+)"', created.get_data(as_text=True)).group(1)
    listing = actions.client.get("/admin/api-tokens?lang=en").get_data(as_text=True)
    assert "Integreat" in listing and secret not in listing
    if submission:  # a repeated submission does not show the secret again
        again = actions.post("/admin/api-tokens/new?lang=en", data)
        assert again.status_code == 302 and secret not in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ApiToken.id))) == 1
        token = db.session.scalar(select(ApiToken))
        assert token.roles == ["caseworker", "reports"]
        assert token.allowed_ips == "192.0.2.0/24\n2001:db8::/32"


def test_token_form_refuses_admin_role_and_bad_networks(world, actions):
    actions.login(world["admin"])
    answer = actions.post(
        "/admin/api-tokens/new?lang=en",
        {
            "name": "X",
            "office": world["office_a"],
            "roles": ["admin"],
            "expires_on": "2027-01-30",
            "allowed_ips": "not-an-address",
        },
    )
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "192.0.2.0/24" in page


def test_token_pages_are_for_administrators_only(world, actions):
    actions.login(world["caseworker_a"])
    assert actions.client.get("/admin/api-tokens").status_code == 403


# --- problems, translations, ETags ---------------------------------------------------------


def test_not_found_is_problem_json(app, client, records):
    secret = records["tokens"]["cw_a"]
    answer = client.get("/api/v1/persons/999999", headers=bearer(secret))
    assert answer.status_code == 404
    assert answer.mimetype == "application/problem+json"
    body = answer.get_json()
    assert body["status"] == 404 and body["type"] == "about:blank" and body["title"]


def test_schema_errors_are_422_problems(client, records):
    answer = client.post(
        "/api/v1/persons", json={"given_name": 5}, headers=bearer(records["tokens"]["cw_a"])
    )
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert set(answer.get_json()["errors"]) >= {"given_name", "family_name"}


def test_validation_messages_follow_accept_language(client, records):
    secret = records["tokens"]["cw_a"]
    url = f"/api/v1/appointments/{records['appointment_id']}"
    tag = client.get(url, headers=bearer(secret)).headers["ETag"]
    details = {}
    for language in ("de", "tr", "en"):
        answer = client.post(
            url + "/cancel",
            json={"reason": "   "},
            headers=bearer(secret, **{"If-Match": tag, "Accept-Language": language}),
        )
        assert answer.status_code == 400
        details[language] = answer.get_json()["errors"]["reason"][0]
    assert details["en"] == "Please give a reason for the cancellation."
    assert len(set(details.values())) == 3  # German, Turkish and English differ


def test_etag_if_match_412_and_428(app, client, records):
    secret = records["tokens"]["cw_a"]
    url = f"/api/v1/appointments/{records['appointment_id']}"
    first = client.get(url, headers=bearer(secret))
    tag = first.headers["ETag"]
    missing = client.post(url + "/cancel", json={"reason": "krank"}, headers=bearer(secret))
    assert missing.status_code == 428
    stale = client.post(
        url + "/cancel",
        json={"reason": "krank"},
        headers=bearer(secret, **{"If-Match": '"appointment-1-v99"'}),
    )
    assert stale.status_code == 412
    assert stale.mimetype == "application/problem+json"
    done = client.post(
        url + "/cancel", json={"reason": "krank"}, headers=bearer(secret, **{"If-Match": tag})
    )
    assert done.status_code == 200
    assert done.get_json()["status"] == "cancelled"
    assert done.headers["ETag"] != tag
    again = client.post(
        url + "/cancel", json={"reason": "krank"}, headers=bearer(secret, **{"If-Match": tag})
    )
    assert again.status_code == 412


# --- operations: the same services as the pages --------------------------------------------


def test_reading_a_person_is_audited_under_the_token(app, client, records):
    secret = records["tokens"]["cw_a"]
    answer = client.get(f"/api/v1/persons/{records['person_id']}", headers=bearer(secret))
    assert answer.status_code == 200
    assert answer.get_json()["family_name"] == "Khalil"
    assert answer.headers["ETag"].startswith('"person-')
    with app.app_context():
        token = db.session.scalar(
            select(ApiToken).where(ApiToken.secret_digest == tokens.digest(secret))
        )
        entry = db.session.scalar(
            select(AuditEntry).where(
                AuditEntry.action == "view", AuditEntry.record_id == records["person_id"]
            )
        )
        assert entry is not None and entry.actor_id == token.user_id


def test_register_with_duplicate_check(app, client, records, world):
    secret = records["tokens"]["cw_a"]
    body = {"given_name": "Rania", "family_name": "Khalil", "birth_date": "1991"}
    first = client.post("/api/v1/persons", json=body, headers=bearer(secret))
    assert first.status_code == 409
    assert str(records["person_id"]) in first.get_json()["errors"]["candidates"]
    confirmed = client.post(
        "/api/v1/persons", json={**body, "confirm_new": True}, headers=bearer(secret)
    )
    assert confirmed.status_code == 201
    created = confirmed.get_json()
    assert created["case_number"] and created["office_id"] == world["office_a"]
    assert confirmed.headers["Location"] == f"/api/v1/persons/{created['id']}"
    case = client.get(f"/api/v1/cases/{created['case_id']}", headers=bearer(secret)).get_json()
    assert case["caseworker_id"] is None and case["status"] == "open"  # the team takes it on
    invalid = client.post(
        "/api/v1/persons",
        json={"given_name": "Рания", "family_name": "X", "birth_date": "31.02.1990"},
        headers=bearer(secret, **{"Accept-Language": "en"}),
    )
    assert invalid.status_code == 400
    assert "birth_date" in invalid.get_json()["errors"]


def test_search_finds_own_office_only(client, records):
    found = client.get("/api/v1/persons/search?q=Khalil", headers=bearer(records["tokens"]["cw_a"]))
    assert [h["id"] for h in found.get_json()["items"]] == [records["person_id"]]
    other = client.get("/api/v1/persons/search?q=Khalil", headers=bearer(records["tokens"]["cw_b"]))
    assert other.get_json()["items"] == []


def test_log_consultation(app, client, records, clock):
    answer = client.post(
        f"/api/v1/cases/{records['case_id']}/consultations",
        json={"at": clock.now.isoformat(), "duration_minutes": 30, "mode": "phone"},
        headers=bearer(records["tokens"]["cw_a"]),
    )
    assert answer.status_code == 201
    future = client.post(
        f"/api/v1/cases/{records['case_id']}/consultations",
        json={
            "at": (clock.now + timedelta(days=1)).isoformat(),
            "duration_minutes": 30,
            "mode": "phone",
        },
        headers=bearer(records["tokens"]["cw_a"], **{"Accept-Language": "en"}),
    )
    assert future.status_code == 400
    assert future.get_json()["errors"]["at"] == ["A consultation cannot be logged for the future."]


def test_booking_keeps_the_no_double_booking_guarantee(app, client, records, world):
    from datetime import time

    from caseapp.offices.models import OpeningHours

    with app.app_context():
        for weekday in range(5):
            db.session.add(
                OpeningHours(
                    office_id=world["office_a"], weekday=weekday, opens=time(8), closes=time(16)
                )
            )
        db.session.commit()
    secret = records["tokens"]["cw_a"]
    start = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Berlin
    body = {
        "person_id": records["person_id"],
        "starts_at": start.isoformat(),
        "duration_minutes": 30,
        "room_id": records["room_id"],
    }
    first = client.post("/api/v1/appointments", json=body, headers=bearer(secret))
    assert first.status_code == 201, first.get_json()
    again = client.post(
        "/api/v1/appointments",
        json={**body, "person_id": records["person_id"], "confirm_person_overlap": True},
        headers=bearer(secret, **{"Accept-Language": "en"}),
    )
    assert again.status_code == 400
    assert again.get_json()["errors"]["room"] == ["The room is already booked at that time."]
    busy = client.post(
        "/api/v1/appointments",
        json={**body, "room_id": None},
        headers=bearer(secret),
    )
    assert busy.status_code == 409
    listed = client.get("/api/v1/appointments?limit=1", headers=bearer(secret)).get_json()
    assert len(listed["items"]) == 1 and listed["next_cursor"]
    rest = client.get(
        f"/api/v1/appointments?cursor={listed['next_cursor']}", headers=bearer(secret)
    ).get_json()
    assert {a["id"] for a in rest["items"]} & {listed["items"][0]["id"]} == set()
    assert len(listed["items"]) + len(rest["items"]) == 2
    assert client.get("/api/v1/appointments?cursor=%%%", headers=bearer(secret)).status_code == 422


def test_referral_send_accept_decline_complete(app, client, world):
    ids = referral_records(app, world)  # consent to share with office B
    cw_a = make_token(app, world["office_a"], "caseworker")
    cw_b = make_token(app, world["office_b"], "caseworker")
    body = {
        "person_id": ids["person_id"],
        "service_id": ids["service_id"],
        "need": "work",
        "categories": ["contact"],
    }
    sent = client.post("/api/v1/referrals", json=body, headers=bearer(cw_a))
    assert sent.status_code == 201, sent.get_json()
    referral = sent.get_json()
    assert referral["status"] == "sent" and referral["person_id"] == ids["person_id"]
    url = f"/api/v1/referrals/{referral['id']}"
    seen = client.get(url, headers=bearer(cw_b))
    assert seen.get_json()["person_id"] is None  # the receiver sees the snapshot
    assert "contact" in seen.get_json()["shared"]
    tag = seen.headers["ETag"]
    no_reason = client.post(
        url + "/decline", json={"note": ""}, headers=bearer(cw_b, **{"If-Match": tag})
    )
    assert no_reason.status_code == 400 and "note" in no_reason.get_json()["errors"]
    accepted = client.post(url + "/accept", json={}, headers=bearer(cw_b, **{"If-Match": tag}))
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    # the sender may not answer for the receiver
    assert (
        client.post(
            url + "/complete",
            json={"note": "erledigt"},
            headers=bearer(cw_a, **{"If-Match": accepted.headers["ETag"]}),
        ).status_code
        == 404
    )
    done = client.post(
        url + "/complete",
        json={"note": "Stelle gefunden"},
        headers=bearer(cw_b, **{"If-Match": accepted.headers["ETag"]}),
    )
    assert done.status_code == 200 and done.get_json()["outcome"] == "Stelle gefunden"
    second = client.post("/api/v1/referrals", json=body, headers=bearer(cw_a)).get_json()
    tag = client.get(f"/api/v1/referrals/{second['id']}", headers=bearer(cw_b)).headers["ETag"]
    declined = client.post(
        f"/api/v1/referrals/{second['id']}/decline",
        json={"note": "Keine Kapazität"},
        headers=bearer(cw_b, **{"If-Match": tag}),
    )
    assert declined.status_code == 200
    assert declined.get_json()["decline_reason"] == "Keine Kapazität"


def test_directory_and_programmes_for_any_token(client, records):
    secret = records["tokens"]["reports_a"]
    services = client.get("/api/v1/services", headers=bearer(secret)).get_json()
    assert services["items"] and set(services["items"][0]["name"]) == {"de", "ar", "tr"}
    offices = client.get("/api/v1/offices", headers=bearer(secret)).get_json()
    assert len(offices["items"]) == 3
    assert client.get("/api/v1/programmes", headers=bearer(secret)).status_code == 200
    assert client.get("/api/v1/persons/search?q=x", headers=bearer(secret)).status_code == 403


def test_administration_menu_links_the_token_pages(world, actions):
    actions.login(world["admin"])
    assert 'href="/admin/api-tokens"' in actions.client.get("/home").get_data(as_text=True)
