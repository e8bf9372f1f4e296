"""Contract: schemathesis against a live server (werkzeug on 127.0.0.1, a fresh SQLite file).

Every operation is called with generated data (valid and invalid, a bounded number of
examples, derandomized) under each token whose roles allow it and one whose roles do not;
no answer may be a 5xx, use an undocumented status or content type, or break its schema.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import checks
from schemathesis.generation.modes import GenerationMode
from werkzeug.serving import make_server

from caseapp.extensions import db
from tests.factories.api import api_records
from tests.factories.web import PASSWORD


def _live_world(app) -> dict:
    from caseapp.offices.services import OfficeData, create_office
    from caseapp.users.services import UserData, create_user

    counter = iter(range(1, 1000))

    def make_user(*roles, offices=(), email=None, name=None, **_kw):
        n = next(counter)
        with app.test_request_context():
            user = create_user(
                None,
                UserData(
                    email=email or f"live{n}@lotse.example",
                    display_name=name or f"Live User {n}",
                    roles=list(roles) or ["caseworker"],
                    office_ids=list(offices),
                    preferred_language="de",
                ),
                PASSWORD,
            )
            db.session.commit()
            return user.email

    with app.test_request_context():
        a = create_office(None, OfficeData(name="Integrationszentrum A", kind="integration_centre"))
        b = create_office(None, OfficeData(name="Jobcenter B", kind="job_centre"))
        db.session.commit()
        world = {"office_a": a.id, "office_b": b.id}
    world.update(
        admin=make_user("admin", email="admin@test.example"),
        coordinator=make_user("coordinator", email="coord@test.example", offices=[a.id]),
        caseworker_a=make_user("caseworker", email="cw-a@test.example", offices=[a.id]),
        caseworker_b=make_user("caseworker", email="cw-b@test.example", offices=[b.id]),
        volunteer=make_user("volunteer", email="vol@test.example"),
        newcomer=make_user("newcomer", email="new@test.example"),
    )
    return {"world": world, "make_user": make_user}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from flask_migrate import upgrade

    from caseapp.app import create_app

    path = tmp_path_factory.mktemp("api") / "contract.db"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SERVER_NAME": None,
            "API_REQUESTS_PER_MINUTE": 100_000,
        }
    )
    with app.app_context():
        upgrade(revision="heads")
    built = _live_world(app)
    ids = api_records(app, built["world"], built["make_user"])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        yield {"app": app, "base": base, "ids": ids}
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _tokens_for(app, operation) -> dict[str, dict]:
    """Tokens to call the operation with, and the examples each gets per generation mode:
    those whose roles allow it (valid and invalid data), caseworker B for casework (another
    office's ids), and one whose roles do not allow it (403)."""
    rule = next(
        r
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("api_v1.")
        and _openapi_path(r.rule) == operation.path
        and operation.method.upper() in r.methods
    )
    allowed = {str(role) for role in app.view_functions[rule.endpoint].api_roles}
    roles = {"cw_a": "caseworker", "coord_a": "coordinator", "reports_a": "reports"}
    full = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 3}
    chosen = {name: full for name, role in roles.items() if role in allowed}
    if "caseworker" in allowed:
        chosen["cw_b"] = {GenerationMode.POSITIVE: 3}
    denied = [name for name, role in roles.items() if role not in allowed][:1]
    chosen.update({name: {GenerationMode.POSITIVE: 2} for name in denied})
    return chosen


def _openapi_path(rule: str) -> str:
    import re

    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def _explore(strategy, examples: int, base: str, session, headers: dict) -> int:
    """Call and validate up to `examples` generated cases; returns how many were sent."""
    sent = []

    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        sent.append(1)
        case.call_and_validate(base_url=base, session=session, headers=headers, checks=CHECKS)

    run()
    return len(sent)


CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


def test_no_server_error_and_no_schema_violation(live, clock):
    spec = requests.get(live["base"] + "/api/v1/openapi.json", timeout=10).json()
    schema = schemathesis.openapi.from_dict(spec)
    ids = live["ids"]
    known = {name: ids[name] for name in ("person_id", "case_id", "appointment_id", "referral_id")}
    session = requests.Session()
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        params = {p.name for p in operation.path_parameters}
        for token, budget in _tokens_for(live["app"], operation).items():
            headers = {"Authorization": f"Bearer {ids['tokens'][token]}", "If-Match": "*"}
            for mode, examples in budget.items():
                fixed = {k: v for k, v in known.items() if k in params}
                strategies = [operation.as_strategy(generation_mode=mode)]
                if fixed and mode == GenerationMode.POSITIVE:
                    strategies.append(
                        operation.as_strategy(generation_mode=mode, path_parameters=fixed)
                    )
                for strategy in strategies:
                    calls += _explore(strategy, examples, live["base"], session, headers)
    assert calls > 100
    assert date.today()  # the live server ran under the frozen clock of the test
