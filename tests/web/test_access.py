"""Deny by default: every endpoint declares a rule, and the role x route matrix holds."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.web.access import AccessRule
from tests.factories.access import _case_records
from tests.factories.web import Actions

STAFF = {"admin", "coordinator", "caseworker_a", "caseworker_b"}
TOKEN = "token"  # API operations: a bearer token only, never a browser session
SIGNED_IN = STAFF | {"volunteer", "newcomer"}
ROLES = ["anonymous", *sorted(SIGNED_IN)]
PUBLIC = "public"
CASEWORK = {"admin", "caseworker_a", "caseworker_b"}
CASEWORK_A = {"admin", "caseworker_a"}  # records of office A
COORDINATION = {"admin", "coordinator"}


API_OPERATIONS = "api_v1."  # every endpoint of the API's operations blueprint: TOKEN


def _expected(endpoint: str):
    return TOKEN if endpoint.startswith(API_OPERATIONS) else EXPECTED[endpoint]


# endpoint -> who may use it. A new endpoint must be added here, on purpose.
EXPECTED: dict[str, object] = {
    "static": PUBLIC,
    "health.healthz": PUBLIC,
    "dashboard.index": PUBLIC,
    "auth.login": PUBLIC,
    "dashboard.home": SIGNED_IN,
    "auth.account": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "auth.change_language": SIGNED_IN,
    "auth.logout": SIGNED_IN,
    "offices.index": STAFF,
    "offices.detail": STAFF,
    # Office-bound: members of office A (and admins) only; others get 404.
    "offices.team": {"admin", "coordinator", "caseworker_a"},
    "offices.create": {"admin"},
    "offices.edit": {"admin"},
    "offices.districts": {"admin"},
    "users.index": {"admin"},
    "users.create": {"admin"},
    "users.edit": {"admin"},
    "users.deactivate": {"admin"},
    "users.activate": {"admin"},
    "users.reset_password": {"admin"},
    "audit.index": {"admin"},
    "people.index": CASEWORK,
    "people.candidates": CASEWORK,
    "people.create": CASEWORK,
    "people.detail": CASEWORK_A,
    "people.edit": CASEWORK_A,
    "people.case_edit": CASEWORK_A,
    "people.consultation_new": CASEWORK_A,
    "people.aid_new": CASEWORK_A,
    "people.consent_new": CASEWORK_A,
    "people.consent_withdraw": CASEWORK_A,
    "people.household": CASEWORK_A,
    "people.household_leave": CASEWORK_A,
    "people.step_done": CASEWORK_A,
    "people.duplicates": {"admin"},
    "people.merge": {"admin"},
    "people.import_csv": {"admin"},
    "people.import_run": {"admin"},
    "people.aid_kinds": {"admin"},
    "appointments.book": CASEWORK_A,
    "appointments.detail": CASEWORK_A,
    "appointments.reschedule": CASEWORK_A,
    "appointments.cancel": CASEWORK_A,
    "appointments.attendance": CASEWORK_A,
    "appointments.slip": CASEWORK_A,
    "appointments.slip_with_code": CASEWORK_A,
    "appointments.access_code": CASEWORK_A,
    "appointments.request_done": CASEWORK_A,
    "appointments.calendar": CASEWORK,
    # Rooms are managed by the office's own caseworkers (and admins).
    "appointments.rooms": {"admin", "caseworker_a"},
    "appointments.room_active": {"admin", "caseworker_a"},
    "portal.login": PUBLIC,
    # The newcomer's own appointments only (others' give 404).
    "portal.home": {"newcomer"},
    "portal.appointment_ics": {"newcomer"},
    "portal.calendar_ics": {"newcomer"},
    "portal.appointment_slip": {"newcomer"},
    "portal.request_reschedule": {"newcomer"},
    "portal.contact": {"newcomer"},
    "portal.logout": {"newcomer"},
    "referrals.index": CASEWORK,
    "referrals.new": CASEWORK_A,
    # A draft from office A to office C: caseworkers of B get 404.
    "referrals.detail": CASEWORK_A,
    "referrals.change": CASEWORK_A,
    # Only the receiving office (office C here has no caseworker in the world) and admins.
    "referrals.open_case": {"admin"},
    "referrals.services": CASEWORK,
    "referrals.service_new": CASEWORK,
    "referrals.service_edit": CASEWORK_A,
    "referrals.rules": {"admin"},
    "referrals.rule_new": {"admin"},
    "referrals.rule_edit": {"admin"},
    "directory.index": PUBLIC,
    "directory.service": PUBLIC,
    "volunteers.signup": PUBLIC,
    "volunteers.signup_sent": PUBLIC,
    "volunteers.confirm": PUBLIC,
    "volunteers.verify_certificate": PUBLIC,
    "volunteers.me": {"volunteer"},
    "volunteers.profile": {"volunteer"},
    "volunteers.register_training": {"volunteer"},
    "volunteers.unregister_training": {"volunteer"},
    "volunteers.change_engagement": {"volunteer"},
    "volunteers.hours": {"volunteer"},
    # Own certificates for volunteers (others' give 404), any for coordination.
    "volunteers.certificate_pdf": {"volunteer", "coordinator", "admin"},
    "volunteers.programmes": COORDINATION,
    "volunteers.programme_new": COORDINATION,
    "volunteers.programme_edit": COORDINATION,
    "volunteers.index": COORDINATION,
    "volunteers.detail": COORDINATION,
    "volunteers.approve": COORDINATION,
    "volunteers.decline": COORDINATION,
    "volunteers.set_status": COORDINATION,
    "volunteers.good_conduct": COORDINATION,
    "volunteers.trainings_index": COORDINATION,
    "volunteers.training_new": COORDINATION,
    "volunteers.training_edit": COORDINATION,
    "volunteers.training_detail": COORDINATION,
    "volunteers.attendance": COORDINATION,
    "volunteers.training_register": COORDINATION,
    "volunteers.thanks": COORDINATION,
    "volunteers.revoke_certificate": COORDINATION,
    "matches.index": COORDINATION,
    "matches.run": COORDINATION,
    "matches.round_detail": COORDINATION,
    "matches.accept": COORDINATION,
    "matches.accept_page": COORDINATION,
    "matches.reject": COORDINATION,
    "matches.lock": COORDINATION,
    "matches.settings": COORDINATION,
    "matches.districts": COORDINATION,
    "matches.waiting": COORDINATION,
    "matches.matches": COORDINATION,
    "matches.match_detail": COORDINATION,
    "matches.match_status": COORDINATION,
    "matches.match_contact": COORDINATION,
    "matches.match_end": COORDINATION,
    # Waiting-list entries are made from the case file: the person's office only.
    "matches.request_new": CASEWORK_A,
    "matches.request_withdraw": CASEWORK_A,
    # Reports: caseworkers see their own office's figures (the casework section here),
    # coordinators volunteers and matching, the reports permission and admins everything.
    "reports.index": STAFF,
    "reports.section": CASEWORK,
    "reports.table_csv": CASEWORK,
    "reports.yearly_pdf": {"admin"},
    "reports.yearly_csv": {"admin"},
    "reports.prepare_yearly": {"admin"},
    "reports.prepared_result": {"admin"},
    "reports.prepared_download": {"admin"},
    # Jobs: "My jobs" for staff; a job only for its starter, admins and the roles that may
    # open its result (here a matching round the coordinator started); others get 404.
    "jobs.index": STAFF,
    "jobs.detail": COORDINATION,
    "jobs.status": COORDINATION,
    "jobs.retry": COORDINATION,
    "jobs.result": COORDINATION,
    "jobs.start_duplicate_scan": {"admin"},
    # Second factor and sessions (issue 15): the sign-in steps are public (without a pending
    # sign-in they lead back to the sign-in page); newcomers have no second factor.
    "auth.second_factor": PUBLIC,
    "auth.recovery": PUBLIC,
    "auth.second_factor_setup": SIGNED_IN - {"newcomer"},
    "auth.second_factor_start": SIGNED_IN - {"newcomer"},
    "auth.second_factor_confirm": SIGNED_IN - {"newcomer"},
    "auth.second_factor_remove": SIGNED_IN - {"newcomer"},
    "auth.recovery_codes_renew": SIGNED_IN - {"newcomer"},
    "auth.sessions": SIGNED_IN,
    "auth.session_end": SIGNED_IN,
    "auth.sessions_end_others": SIGNED_IN,
    "users.second_factor_policy": {"admin"},
    "users.reset_second_factor": {"admin"},
    "users.confirm_second_factor_reset": {"admin"},
    "handover.index": {"admin"},
    "handover.preview": {"admin"},
    # Data protection (issue 15); the data-protection officer's own role is not in this world.
    "privacy.person": CASEWORK_A,
    "privacy.export_zip": CASEWORK_A,
    "privacy.request_erasure": CASEWORK_A,
    "privacy.hold": {"admin"},
    "privacy.lift_hold": {"admin"},
    "privacy.requests": CASEWORK,
    "privacy.retention_rules": {"admin"},
    "privacy.runs": {"admin"},
    "privacy.dry_run": {"admin"},
    "privacy.decide_erasure": set(),
    "privacy.passport": {"newcomer"},
    "privacy.passport_withdraw": {"newcomer"},
    "privacy.passport_request_copy": {"newcomer"},
    # Deadlines (issue 19)
    "deadlines.index": CASEWORK,
    "deadlines.add": CASEWORK,
    "deadlines.handle": CASEWORK,
    "deadlines.kinds": {"admin"},
    "deadlines.kind_new": {"admin"},
    "deadlines.kind_edit": {"admin"},
    "deadlines.kind_active": {"admin"},
    "deadlines.install_defaults": {"admin"},
    # Interpreters (issue 19): coordinators dispatch, caseworkers ask, volunteers answer.
    "interpreters.index": COORDINATION,
    "interpreters.create_paid": {"admin"},
    "interpreters.edit": COORDINATION,
    "interpreters.volunteer_profile": COORDINATION,
    "interpreters.settings": COORDINATION,
    "interpreters.rounds": COORDINATION,
    "interpreters.round_detail": COORDINATION,
    "interpreters.confirm": COORDINATION,
    "interpreters.withdraw": COORDINATION,
    "interpreters.need": CASEWORK,
    "interpreters.mine": {"volunteer"},
    "interpreters.respond": {"volunteer"},
    "interpreters.respond_by_link": PUBLIC,
    # Partners without an account, the HSDS feed and calendar feeds (issue 17)
    "partners.index": {"admin"},
    "partners.create": {"admin"},
    "partners.edit": {"admin"},
    "partner_links.answer": PUBLIC,
    "partner_links.done": PUBLIC,
    "feeds.index": {"caseworker_a", "caseworker_b", "volunteer"},
    "feeds.create": {"caseworker_a", "caseworker_b", "volunteer"},
    "feeds.revoke": {"caseworker_a", "caseworker_b", "volunteer"},
    "feeds.ics": PUBLIC,
    **{
        f"hsds.{e}": PUBLIC
        for e in (
            "info",
            "services",
            "service",
            "organizations",
            "organization",
            "service_at_locations",
            "service_at_location",
            "datapackage",
        )
    },
    # The HTTP API (issue 17): its documents are public, its operations take a token only
    # (a browser session gets 401; tests/web/test_api_access.py holds their role matrix).
    "api.index": PUBLIC,
    "api.docs": PUBLIC,
    "api.openapi_json": PUBLIC,
    "api.not_found": TOKEN,
    "api.tokens_index": {"admin"},
    "api.token_new": {"admin"},
    "api.token_revoke": {"admin"},
}

# Endpoints whose records this world does not build: their ids and tokens are stand-ins, so
# what is checked is the role gate (everyone else is refused before any lookup); the allowed
# roles may get 404 or 410 for the stand-in. Each package's own tests cover its records.
GATE_ONLY = {
    "deadlines.add",
    "deadlines.handle",
    "deadlines.kind_edit",
    "deadlines.kind_active",
    "interpreters.edit",
    "interpreters.volunteer_profile",
    "interpreters.round_detail",
    "interpreters.confirm",
    "interpreters.withdraw",
    "interpreters.need",
    "interpreters.respond",
    "interpreters.respond_by_link",
    "partners.edit",
    "partner_links.answer",
    "feeds.ics",
    "hsds.service",
    "hsds.organization",
    "hsds.service_at_location",
    "api.token_revoke",
    "handover.preview",
    # An import run and a prepared yearly report (tests/web/test_jobs_import_report.py).
    "people.import_run",
    "reports.prepare_yearly",
    "reports.prepared_result",
    "reports.prepared_download",
}
STAND_INS = {
    "rest": "nothing-here",
    "token": "x" * 43,
    "uuid": "00000000-0000-4000-8000-000000000000",
    "action": "accept",
}

# Endpoints on one office's records: users who have the role but not the office get 404.
NOT_FOUND_FOR_OTHERS = {
    "offices.team": STAFF,
    **{e: {"caseworker_b"} for e, roles in EXPECTED.items() if roles is CASEWORK_A},
    "referrals.open_case": {"caseworker_a", "caseworker_b"},
    "appointments.rooms": {"caseworker_b"},
    "appointments.room_active": {"caseworker_b"},
    **{
        f"jobs.{e}": {"caseworker_a", "caseworker_b"}
        for e in ("detail", "status", "retry", "result")
    },
}


def test_every_endpoint_declares_a_rule_and_is_in_the_matrix(app):
    missing_rule, missing_matrix = [], []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if not isinstance(getattr(view, "access_rule", None), AccessRule):
            missing_rule.append(rule.endpoint)
        if rule.endpoint not in EXPECTED and not rule.endpoint.startswith(API_OPERATIONS):
            missing_matrix.append(rule.endpoint)
    assert missing_rule == [], f"endpoints without an access rule: {missing_rule}"
    assert missing_matrix == [], f"add these endpoints to the role x route matrix: {missing_matrix}"


def test_undeclared_endpoint_is_refused():
    """An endpoint someone forgot to guard is refused at run time, not only by the test above."""
    from caseapp.app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret data")
    assert app.test_client().get("/forgotten").status_code == 403


def _url(app, rule, ids):
    args = {}
    for name in rule.arguments:
        if rule.endpoint in GATE_ONLY or _expected(rule.endpoint) == TOKEN:
            args[name] = STAND_INS.get(name, 999_999)
        elif name == "office_id":
            args[name] = ids["office_a"]
        elif name == "user_id":
            args[name] = ids["volunteer_id"]
        elif name == "filename":
            args[name] = "css/app.css"
        elif name in ids:
            args[name] = ids[name]
    if rule.endpoint.startswith("volunteers.") and "volunteer_id" in rule.arguments:
        args["volunteer_id"] = ids["volunteer_profile_id"]  # the profile, not the account
    if rule.endpoint == "people.merge":
        args.update(a=ids["person_id"], b=ids["person_id"])
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **args)


def _referral_records(app, world):
    """A draft referral from office A to a third office, a service of A and a routing rule."""
    from datetime import date

    from caseapp.offices.services import OfficeData, create_office
    from caseapp.referrals import directory, services
    from tests.factories.referrals import referral_records

    with app.test_request_context():
        office_c = create_office(None, OfficeData(name="Gesundheitsamt C", kind="health_office"))
        db.session.commit()
        office_c_id = office_c.id
    records = referral_records(app, world, to_office_id=office_c_id)
    with app.test_request_context():
        worker = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        own = directory.create_service(
            None,
            directory.ServiceData(
                office_id=world["office_a"], name_de="Beratung A", need_areas=["language"]
            ),
            date(2026, 11, 1),
        )
        rule = directory.save_rule(
            None, None, directory.RuleData(need="work", service_id=records["service_id"])
        )
        from caseapp.people.services import get_person

        person = get_person(worker, records["person_id"], audit_read=False)
        referral = services.create_referral(
            worker, person, services.ReferralData(need="work", service_id=records["service_id"])
        )
        db.session.commit()
        return {"referral_id": referral.id, "service_id": own.id, "rule_id": rule.id}


def _volunteer_records(app, world):
    """A programme, the volunteer's profile and application, a training and a certificate."""
    from tests.factories.volunteers import volunteer_records

    return volunteer_records(app, world["volunteer"])


def _matching_records(app, world, make_user):
    """Districts, two trained volunteers, three waiting people of office A, a round and a match."""
    from tests.factories.matching_web import matching_records

    first = make_user("volunteer", email="vol1@test.example")
    records = matching_records(app, world, make_user, volunteer_email=first, name="Begleitung")
    return {k: records[k] for k in ("round_id", "proposal_id", "match_id", "match_request_id")}


def _job_records(app, world, round_id):
    """A finished matching round job the coordinator started."""
    from tests.factories.jobs import job_records

    return job_records(app, world, round_id)


def _requests(app, ids):
    """(endpoint, method, url) for every route; logout last because it ends the session."""
    out = []
    for rule in app.url_map.iter_rules():
        method = "GET" if "GET" in rule.methods else "POST"
        out.append((rule.endpoint, method, _url(app, rule, ids)))
    last = {"portal.logout": 1, "auth.logout": 2}  # both end the session
    return sorted(out, key=lambda r: (last.get(r[0], 0), r[0]))


@pytest.mark.parametrize("role", ROLES)
def test_role_route_matrix(app, world, role, make_user):
    with app.app_context():
        volunteer_id = db.session.scalar(select(User.id).where(User.email == world["volunteer"]))
    ids = {
        "office_a": world["office_a"],
        "volunteer_id": volunteer_id,
        "section": "casework",
        "figure": "registrations",
        **_case_records(app, world),
        **_volunteer_records(app, world),
        **_referral_records(app, world),
    }
    # The matching world brings its own programme; the person is one of its waiting people.
    ids.update(_matching_records(app, world, make_user))
    ids.update(_job_records(app, world, ids["round_id"]))
    client = app.test_client()
    actions = Actions(client)
    if role != "anonymous":
        assert actions.login(world[role]).status_code == 302
    failures = []
    for endpoint, method, url in _requests(app, ids):
        expected = _expected(endpoint)
        response = client.get(url) if method == "GET" else actions.post(url, {})
        status = response.status_code
        location = response.headers.get("Location", "")
        if expected == TOKEN:
            # A browser session is no credential for the API (unknown paths are 404).
            ok = status == (404 if endpoint == "api.not_found" else 401)
        elif endpoint in GATE_ONLY and (expected == PUBLIC or role in expected):
            ok = status not in (401, 403) and "/login?next" not in location
        elif expected == PUBLIC or role in expected:
            ok = status not in (401, 403, 404) and "/login?next" not in location
        elif role == "anonymous":
            ok = (status == 302 and "/login" in location) or status == 401
        elif role in NOT_FOUND_FOR_OTHERS.get(endpoint, ()):
            ok = status == 404  # another office's data does not exist for this user
        else:
            ok = status == 403
        if not ok:
            failures.append(f"{role} {method} {url} -> {status} {location}")
    assert failures == []


def test_office_isolation_on_team_page(app, world, actions):
    actions.login(world["caseworker_b"])
    assert actions.client.get(f"/offices/{world['office_a']}/team").status_code == 404
    assert actions.client.get(f"/offices/{world['office_b']}/team").status_code == 200


def test_posted_role_and_office_fields_are_ignored(app, world, actions):
    """No mass assignment: a user changing their language cannot grant themselves anything."""
    actions.login(world["volunteer"])
    response = actions.post(
        "/account/language",
        {
            "language": "tr",
            "role": "admin",
            "roles": "admin",
            "office_id": world["office_a"],
            "active": "y",
            "email": "evil@example.org",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == world["volunteer"]))
        assert user.preferred_language == "tr"
        assert {r.role for r in user.roles} == {"volunteer"}
        assert user.office_ids == frozenset()
