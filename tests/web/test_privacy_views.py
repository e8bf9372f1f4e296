"""Data-protection pages through the client: who may open what (every role, the
data-protection officer included), the consent passport in the portal, the copy request
reaching the caseworker, erasure with four eyes, retention rules and a dry run."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.people.models import Consent, Person
from caseapp.privacy.models import ErasureRequest, ExportRequest, RetentionRule
from caseapp.referrals.models import Referral
from tests.factories.access import _case_records
from tests.factories.web import Actions

ROLES = [
    "anonymous",
    "admin",
    "coordinator",
    "caseworker_a",
    "caseworker_b",
    "volunteer",
    "newcomer",
    "dpo",
]
PERSON = {"admin", "caseworker_a", "dpo"}  # caseworker_b: another office's person -> 404
DPO = {"admin", "dpo"}
# endpoint -> (method, url template, roles allowed, roles that get 404)
MATRIX = {
    "privacy.person": ("GET", "/privacy/persons/{person_id}", PERSON, {"caseworker_b"}),
    "privacy.export_zip": (
        "GET",
        "/privacy/persons/{person_id}/export.zip",
        PERSON,
        {"caseworker_b"},
    ),
    "privacy.request_erasure": (
        "POST",
        "/privacy/persons/{person_id}/erasure",
        PERSON,
        {"caseworker_b"},
    ),
    "privacy.hold": ("POST", "/privacy/persons/{person_id}/hold", DPO, set()),
    "privacy.lift_hold": ("POST", "/privacy/persons/{person_id}/hold/lift", DPO, set()),
    "privacy.requests": ("GET", "/privacy/requests", PERSON | {"caseworker_b"}, set()),
    "privacy.retention_rules": ("GET", "/privacy/retention", DPO, set()),
    "privacy.runs": ("GET", "/privacy/retention/runs", DPO, set()),
    "privacy.dry_run": ("POST", "/privacy/retention/dry-run", DPO, set()),
    "privacy.decide_erasure": ("POST", "/privacy/erasure", {"dpo"}, set()),
    "privacy.passport": ("GET", "/portal/privacy", {"newcomer"}, set()),
    "privacy.passport_withdraw": (
        "POST",
        "/portal/privacy/consents/{consent_id}/withdraw",
        {"newcomer"},
        set(),
    ),
    "privacy.passport_request_copy": ("POST", "/portal/privacy/copy", {"newcomer"}, set()),
}


@pytest.fixture
def dpo_world(world, make_user):
    world["dpo"] = make_user("data_protection", email="dpo@test.example")
    world["dpo2"] = make_user("data_protection", email="dpo2@test.example")
    return world


def test_the_matrix_covers_every_privacy_endpoint(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("privacy.")}
    assert endpoints == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_use_each_page(app, dpo_world, role):
    ids = _case_records(app, dpo_world)
    client = app.test_client()
    actions = Actions(client)
    if role != "anonymous":
        assert actions.login(dpo_world[role]).status_code == 302
    failures = []
    for method, template, allowed, not_found in MATRIX.values():
        url = template.format(**ids)
        response = client.get(url) if method == "GET" else actions.post(url, {})
        status, location = response.status_code, response.headers.get("Location", "")
        if role in allowed:
            ok = status not in (401, 403, 404) and "/login?next" not in location
        elif role == "anonymous":
            ok = (status == 302 and "/login" in location) or status == 401
        elif role in not_found:
            ok = status == 404
        else:
            ok = status == 403
        if not ok:
            failures.append(f"{role} {method} {url} -> {status} {location}")
    assert failures == []


def _person(app, person_id) -> Person:
    return db.session.get(Person, person_id)


def _sent_referral(app, world, person_id) -> tuple[int, int]:
    """A consent to share contact data with office B and a referral sent under it."""
    from caseapp.people import casework
    from caseapp.referrals import directory
    from caseapp.referrals import services as referrals

    with app.test_request_context():
        worker = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        person = db.session.get(Person, person_id)
        consent = casework.record_consent(
            worker,
            person.case,
            purpose="referral",
            receiving_office_id=world["office_b"],
            categories=["contact"],
            scope="",
            given_on=date(2026, 11, 20),
            form="written",
            today=date(2026, 11, 30),
        )
        service = directory.create_service(
            None,
            directory.ServiceData(
                office_id=world["office_b"], name_de="Arbeitsvermittlung", need_areas=["work"]
            ),
            date(2026, 11, 1),
        )
        referral = referrals.create_referral(
            worker,
            person,
            referrals.ReferralData(
                need="work", service_id=service.id, categories=["contact"], message="Bitte melden"
            ),
        )
        referrals.send_referral(worker, referral)
        db.session.commit()
        return consent.id, referral.id


def test_passport_shows_offices_consents_and_referrals_and_withdrawing_ends_sharing(
    app, actions, dpo_world
):
    ids = _case_records(app, dpo_world)
    consent_id, referral_id = _sent_referral(app, dpo_world, ids["person_id"])
    actions.login(dpo_world["newcomer"])
    page = actions.client.get("/portal/privacy?lang=de").get_data(as_text=True)
    assert "Integrationszentrum A" in page and "Jobcenter B" in page
    assert f"/portal/privacy/consents/{consent_id}/withdraw" in page
    with app.app_context():
        assert db.session.get(Referral, referral_id).shared  # the receiving office's copy

    response = actions.post(f"/portal/privacy/consents/{consent_id}/withdraw", {})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Consent, consent_id).withdrawn_on is not None
        assert db.session.get(Referral, referral_id).shared == {}  # gone at once
    page = actions.client.get("/portal/privacy").get_data(as_text=True)
    assert f"/portal/privacy/consents/{consent_id}/withdraw" not in page


def test_another_persons_consent_cannot_be_withdrawn_in_the_portal(app, actions, dpo_world):
    ids = _case_records(app, dpo_world)
    from tests.factories.people import register

    with app.test_request_context():
        worker = db.session.scalar(select(User).where(User.email == dpo_world["caseworker_a"]))
        other = register(worker, dpo_world["office_a"], given_name="Andere")
        from caseapp.people import casework

        consent = casework.record_consent(
            worker,
            other.case,
            purpose="reminders",
            receiving_office_id=None,
            scope="",
            given_on=date(2026, 11, 1),
            form="written",
            today=date(2026, 11, 30),
        )
        db.session.commit()
        consent_id = consent.id
    assert ids
    actions.login(dpo_world["newcomer"])
    assert actions.post(f"/portal/privacy/consents/{consent_id}/withdraw", {}).status_code == 404
    with app.app_context():
        assert db.session.get(Consent, consent_id).withdrawn_on is None


def test_a_copy_requested_in_the_portal_reaches_the_caseworker_and_the_export_closes_it(
    app, client, dpo_world
):
    ids = _case_records(app, dpo_world)
    newcomer = Actions(app.test_client())
    newcomer.login(dpo_world["newcomer"])
    assert newcomer.post("/portal/privacy/copy", {}).status_code == 302
    assert newcomer.post("/portal/privacy/copy", {}).status_code == 302  # once is enough
    with app.app_context():
        assert db.session.scalar(select(ExportRequest.status)) == "open"
        assert len(db.session.scalars(select(ExportRequest)).all()) == 1

    worker = Actions(client)
    worker.login(dpo_world["caseworker_a"])
    page = client.get("/privacy/requests").get_data(as_text=True)
    assert f"/privacy/persons/{ids['person_id']}" in page
    case_file = client.get(f"/people/{ids['person_id']}").get_data(as_text=True)
    assert f"/privacy/persons/{ids['person_id']}" in case_file
    other = Actions(app.test_client())
    other.login(dpo_world["caseworker_b"])
    assert f"/privacy/persons/{ids['person_id']}" not in other.client.get(
        "/privacy/requests"
    ).get_data(as_text=True)

    response = client.get(f"/privacy/persons/{ids['person_id']}/export.zip?lang=ar")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert sorted(n.rsplit(".", 1)[-1] for n in names) == ["json", "pdf", "pdf"]
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.data)).read(names[0]))
    assert data["records"]["person"][0]["given_name"] == "Amal"
    with app.app_context():
        assert db.session.scalar(select(ExportRequest.status)) == "done"


def test_erasure_is_requested_by_one_account_and_confirmed_by_another(app, dpo_world):
    ids = _case_records(app, dpo_world)
    worker = Actions(app.test_client())
    worker.login(dpo_world["caseworker_a"])
    response = worker.post(f"/privacy/persons/{ids['person_id']}/erasure", {"reason": "Art. 17"})
    assert response.status_code == 302
    with app.app_context():
        request_id = db.session.scalar(select(ErasureRequest.id))

    # The caseworker cannot confirm; the data-protection officer can.
    assert worker.post("/privacy/erasure", {"request": request_id}).status_code == 403
    dpo = Actions(app.test_client())
    dpo.login(dpo_world["dpo"])
    assert "Art. 17" in dpo.client.get("/privacy/requests").get_data(as_text=True)
    response = dpo.post("/privacy/erasure", {"request": request_id, "decision": "confirm"})
    assert response.status_code == 302
    with app.app_context():
        person = db.session.get(Person, ids["person_id"])
        assert person.given_name == "" and person.family_name == ""
        assert db.session.get(ErasureRequest, request_id).status == "confirmed"


def test_the_same_account_cannot_confirm_its_own_erasure_request(app, dpo_world):
    ids = _case_records(app, dpo_world)
    dpo = Actions(app.test_client())
    dpo.login(dpo_world["dpo"])
    dpo.post(f"/privacy/persons/{ids['person_id']}/erasure", {"reason": ""})
    with app.app_context():
        request_id = db.session.scalar(select(ErasureRequest.id))
    response = dpo.post("/privacy/erasure", {"request": request_id, "decision": "confirm"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Person, ids["person_id"]).given_name == "Amal"
    second = Actions(app.test_client())
    second.login(dpo_world["dpo2"])
    response = second.post("/privacy/erasure", {"request": request_id, "decision": "reject"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ErasureRequest, request_id).status == "rejected"
        assert db.session.get(Person, ids["person_id"]).given_name == "Amal"


def test_retention_rules_are_edited_and_a_dry_run_is_shown(app, dpo_world):
    _case_records(app, dpo_world)
    dpo = Actions(app.test_client())
    dpo.login(dpo_world["dpo"])
    page = dpo.client.get("/privacy/retention").get_data(as_text=True)
    assert 'value="1095"' in page and 'value="730"' in page
    values = {
        "closed_case": "1000",
        "aid_ledger": "3650",
        "audit_log": "730",
        "rejected_application": "183",
        "outbox_body": "30",
        "portal_attempts": "30",
    }
    assert dpo.post("/privacy/retention", values).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(RetentionRule.days)) == 1000
    bad = dict(values, closed_case="0")
    assert dpo.post("/privacy/retention", bad).status_code == 400
    response = dpo.post("/privacy/retention/dry-run", {})
    assert response.status_code == 200
    page = dpo.client.get("/privacy/retention/runs").get_data(as_text=True)
    assert "/privacy/retention/runs?run=" in page


def test_a_legal_hold_is_set_and_lifted(app, dpo_world):
    ids = _case_records(app, dpo_world)
    dpo = Actions(app.test_client())
    dpo.login(dpo_world["dpo"])
    url = f"/privacy/persons/{ids['person_id']}"
    assert dpo.post(f"{url}/hold", {"reason": ""}).status_code == 400
    assert dpo.post(f"{url}/hold", {"reason": "Gerichtsverfahren"}).status_code == 302
    assert "Gerichtsverfahren" in dpo.client.get(url).get_data(as_text=True)
    assert dpo.post(f"{url}/hold/lift", {}).status_code == 302
    assert "Gerichtsverfahren" not in dpo.client.get(url).get_data(as_text=True)


def test_passport_in_arabic_is_right_to_left(app, dpo_world):
    _case_records(app, dpo_world)
    newcomer = Actions(app.test_client())
    newcomer.login(dpo_world["newcomer"])
    page = newcomer.client.get("/portal/privacy?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in page and 'lang="ar"' in page
    # Reached from the portal's top bar.
    assert 'href="/portal/privacy"' in newcomer.client.get("/portal/").get_data(as_text=True)
