"""API access matrix: every operation × token role × office, and office B never sees A's data."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories.api import MARKER_B, api_records, bearer
from tests.factories.referrals import MARKER_PHONE, MARKER_RESIDENCE_NOTE, MARKER_STREET

TOKENS = ["none", "cw_a", "cw_b", "coord_a", "coord_b", "reports_a"]
ANY = {"cw_a", "cw_b", "coord_a", "coord_b", "reports_a"}
CASEWORK = {"cw_a", "cw_b"}
CASEWORK_A = {"cw_a"}  # records of office A: caseworkers of B get 404
COORDINATION_A = {"coord_a"}  # a match of office A's newcomer: coordinators of B get 404

# endpoint -> who may use it. A new operation must be added here, on purpose.
EXPECTED: dict[str, set[str]] = {
    "api_v1.offices": ANY,
    "api_v1.services": ANY,
    "api_v1.programmes": ANY,
    "api_v1.search_persons": CASEWORK,
    "api_v1.register_person": CASEWORK,
    "api_v1.get_person": CASEWORK_A,
    "api_v1.get_case": CASEWORK_A,
    "api_v1.log_consultation": CASEWORK_A,
    "api_v1.list_appointments": CASEWORK,
    "api_v1.get_appointment": CASEWORK_A,
    "api_v1.book_appointment": CASEWORK_A,
    "api_v1.cancel_appointment": CASEWORK_A,
    "api_v1.list_referrals": CASEWORK,
    "api_v1.send_referral": CASEWORK_A,
    "api_v1.get_referral": CASEWORK_A,
    "api_v1.accept_referral": CASEWORK_A,
    "api_v1.decline_referral": CASEWORK_A,
    "api_v1.complete_referral": CASEWORK_A,
    "api_v1.list_matches": {"coord_a", "coord_b"},
    "api_v1.get_match": COORDINATION_A,
}
NOT_FOUND_FOR_OTHERS = {
    **{e: {"cw_b"} for e, who in EXPECTED.items() if who is CASEWORK_A},
    "api_v1.get_match": {"coord_b"},
}


def _bodies(ids, clock) -> dict[str, dict]:
    """A body each operation accepts, so that what decides is the token, not the schema."""
    return {
        "api_v1.register_person": {
            "given_name": "Neu",
            "family_name": "Person",
            "confirm_new": True,
        },
        "api_v1.log_consultation": {
            "at": clock.now.isoformat(),
            "duration_minutes": 15,
            "mode": "phone",
        },
        "api_v1.book_appointment": {
            "person_id": ids["person_id"],
            "starts_at": (clock.now + timedelta(days=3)).isoformat(),
            "duration_minutes": 30,
        },
        "api_v1.cancel_appointment": {"reason": "krank"},
        "api_v1.send_referral": {
            "person_id": ids["person_id"],
            "service_id": ids["service_id"],
            "need": "work",
            "send": False,
        },
        "api_v1.accept_referral": {"note": ""},
        "api_v1.decline_referral": {"note": "voll"},
        "api_v1.complete_referral": {"note": "fertig"},
    }


def _requests(app, ids):
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api_v1."):
            continue
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<id:{name}>", str(ids[name]))
        query = "?q=Khalil" if rule.endpoint == "api_v1.search_persons" else ""
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, url + query))
    return out


def test_every_operation_is_in_the_matrix_and_declares_roles(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("api_v1.")}
    assert endpoints == set(EXPECTED)
    for endpoint in endpoints:
        assert app.view_functions[endpoint].api_roles, endpoint


@pytest.mark.parametrize("token", TOKENS)
def test_operation_token_matrix(app, world, make_user, clock, token):
    ids = api_records(app, world, make_user)
    client = app.test_client()
    headers = bearer(ids["tokens"][token]) if token != "none" else {}
    bodies = _bodies(ids, clock)
    failures = []
    for endpoint, method, url in _requests(app, ids):
        if method == "GET":
            response = client.get(url, headers=headers)
        else:
            response = client.post(url, json=bodies.get(endpoint, {}), headers=headers)
        status = response.status_code
        if token == "none":
            ok = status == 401
        elif token in EXPECTED[endpoint] and token not in NOT_FOUND_FOR_OTHERS.get(endpoint, ()):
            ok = status not in (401, 403, 404, 422, 500)
        elif token in NOT_FOUND_FOR_OTHERS.get(endpoint, ()):
            ok = status == 404
        else:
            ok = status == 403
        if ok and status >= 400:
            ok = response.mimetype == "application/problem+json"
        if not ok:
            failures.append(f"{token} {method} {url} -> {status} {response.get_data(True)[:200]}")
    assert failures == []


def test_token_of_office_b_never_sees_office_a_data(app, world, make_user, clock):
    """Markers of office A's person (names, phone, street, a consultation note) appear in no
    answer to a token of office B, whatever it asks for; B's own marker does appear."""
    ids = api_records(app, world, make_user)
    client = app.test_client()
    markers = ["Khalil", "Rania", MARKER_PHONE, MARKER_STREET, MARKER_RESIDENCE_NOTE]
    bodies = _bodies(ids, clock)
    seen_own = False
    for token in ("cw_b", "coord_b"):
        headers = bearer(ids["tokens"][token])
        for endpoint, method, url in _requests(app, ids):
            if method == "GET":
                response = client.get(url, headers=headers)
            else:
                response = client.post(url, json=bodies.get(endpoint, {}), headers=headers)
            text = response.get_data(as_text=True)
            for marker in markers:
                assert marker not in text, (token, url, marker)
        for q in ("Khalil", "Rania", "5550199", MARKER_B):
            text = client.get(f"/api/v1/persons/search?q={q}", headers=headers).get_data(True)
            for marker in markers:
                assert marker not in text
            seen_own = seen_own or MARKER_B in text
    assert seen_own  # the search itself works for B's own person
