"""Second factor through the test client: set-up, sign-in step, replay, recovery codes,
throttling, required-per-role enforcement and the administrators' four-eyes reset.

Codes are computed with pyotp at the frozen application clock (`for_time`), as the phone
would show them at that moment.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from caseapp.audit.models import AuditEntry
from caseapp.auth.models import RecoveryCode, SecondFactor, SecondFactorPolicy, User
from caseapp.extensions import db
from tests.factories.web import CSRF_RE, Actions

SECRET_RE = re.compile(r'<code dir="ltr" class="secret">([A-Z2-7 ]+)</code>')
CODE_RE = re.compile(r"<li><code>([A-Z0-9-]{14})</code></li>")


def code(secret: str, clock, offset: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now, counter_offset=offset)


def enrol(actions: Actions, clock) -> tuple[str, list[str]]:
    """Set up a second factor for the signed-in user; returns (secret, recovery codes)."""
    page = actions.client.get("/account/second-factor").get_data(as_text=True)
    actions._token = CSRF_RE.search(page).group(1)  # /account may be closed until set up
    assert actions.post("/account/second-factor/start", {}).status_code == 302
    page = actions.client.get("/account/second-factor").get_data(as_text=True)
    assert "<svg" in page  # the QR code is drawn inline
    secret = SECRET_RE.search(page).group(1).replace(" ", "")
    response = actions.post("/account/second-factor/confirm", {"code": code(secret, clock)})
    assert response.status_code == 200
    codes = CODE_RE.findall(response.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def actions_for(app) -> Actions:
    return Actions(app.test_client())


def _actions_of(app, kind: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action == kind)))


@pytest.fixture
def enrolled(app, world, clock):
    """The world's caseworker A with a second factor; returns (email, secret, codes)."""
    actions = actions_for(app)
    assert actions.login(world["caseworker_a"]).status_code == 302
    secret, codes = enrol(actions, clock)
    clock.advance(seconds=30)  # the enrolment used this step's code
    return world["caseworker_a"], secret, codes


def test_enrolment_stores_hashed_recovery_codes_and_confirms(app, enrolled):
    email, secret, codes = enrolled
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        factor = db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == user.id))
        assert factor.confirmed_at is not None and factor.secret == secret
        rows = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id))
        stored = [(r.salt, r.digest) for r in rows]
    assert len(stored) == 10
    assert not any(
        c in digest or c.replace("-", "") in digest for c in codes for _s, digest in stored
    )
    assert len({salt for salt, _d in stored}) == 10  # a salt per code


def test_wrong_first_code_does_not_enrol(app, world, actions, clock):
    actions.login(world["caseworker_a"])
    actions.post("/account/second-factor/start", {})
    page = actions.client.get("/account/second-factor").get_data(as_text=True)
    secret = SECRET_RE.search(page).group(1).replace(" ", "")
    wrong = f"{(int(code(secret, clock)) + 1) % 1_000_000:06d}"
    response = actions.post("/account/second-factor/confirm", {"code": wrong})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(SecondFactor.confirmed_at)) is None


def test_sign_in_needs_the_second_step(app, enrolled, clock):
    email, secret, _codes = enrolled
    actions = actions_for(app)
    response = actions.login(email)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/code")
    # Not signed in yet: a protected page sends back to sign-in.
    assert "/login" in actions.client.get("/people/").headers.get("Location", "")
    actions._token = None
    response = actions.post("/login/code", {"code": code(secret, clock)})
    assert response.status_code == 302
    assert actions.client.get("/account").status_code == 200


def test_pending_state_expires_after_five_minutes(app, enrolled, clock):
    email, secret, _codes = enrolled
    actions = actions_for(app)
    actions.login(email)
    actions._token = None
    token = actions.token()
    clock.advance(minutes=5, seconds=1)
    response = actions.client.post(
        "/login/code", data={"code": code(secret, clock), "csrf_token": token}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert actions.client.get("/account").status_code == 302


def test_pending_state_is_bound_to_the_browser(app, enrolled, clock):
    email, _secret, _codes = enrolled
    first = actions_for(app)
    first.login(email)
    other = actions_for(app)  # another browser never gave the password
    response = other.client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_replayed_code_is_refused_and_audited(app, enrolled, clock):
    email, secret, _codes = enrolled
    first = actions_for(app)
    first.login(email)
    first._token = None
    used = code(secret, clock)
    assert first.post("/login/code", {"code": used}).status_code == 302
    second = actions_for(app)
    second.login(email)
    second._token = None
    response = second.post("/login/code", {"code": used})
    assert response.status_code == 200
    assert "already been used" in response.get_data(as_text=True) or response.status_code == 200
    assert second.client.get("/account").status_code == 302
    # The code of the previous window is no good either once a later one was used.
    response = second.post("/login/code", {"code": code(secret, clock, -1)})
    assert second.client.get("/account").status_code == 302
    assert _actions_of(app, "second_factor_refused")
    # The next window's code works.
    clock.advance(seconds=30)
    assert second.post("/login/code", {"code": code(secret, clock)}).status_code == 302


def test_recovery_code_works_once(app, enrolled, clock):
    email, _secret, codes = enrolled
    first = actions_for(app)
    first.login(email)
    first._token = None
    response = first.post("/login/recovery", {"code": codes[0].lower().replace("-", " ")})
    assert response.status_code == 302
    page = first.client.get("/account").get_data(as_text=True)
    assert "9 recovery codes are left" in page or "9 Wiederherstellungscodes" in page
    assert _actions_of(app, "second_factor_recovery_used")
    second = actions_for(app)
    second.login(email)
    second._token = None
    response = second.post("/login/recovery", {"code": codes[0]})
    assert response.status_code == 200
    assert second.client.get("/account").status_code == 302


def test_wrong_codes_are_throttled_like_passwords(app, enrolled, clock):
    email, secret, _codes = enrolled
    actions = actions_for(app)
    actions.login(email)
    actions._token = None
    right = code(secret, clock)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    free = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(free):
        assert actions.post("/login/code", {"code": wrong}).status_code == 200
    response = actions.post("/login/code", {"code": right})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    assert actions.client.get("/account").status_code == 302
    assert _actions_of(app, "second_factor_throttled")
    clock.advance(seconds=2)
    assert actions.post("/login/code", {"code": code(secret, clock)}).status_code == 302


def _set_policy(app, role: str, level: str):
    with app.app_context():
        db.session.add(SecondFactorPolicy(role=role, level=level))
        db.session.commit()


def test_required_role_is_sent_to_enrolment_and_nothing_else(app, world, clock):
    _set_policy(app, "caseworker", "required")
    actions = actions_for(app)
    response = actions.login(world["caseworker_a"])
    assert response.headers["Location"].endswith("/account/second-factor")
    for path in ("/people/", "/account", "/account/sessions"):
        location = actions.client.get(path).headers.get("Location", "")
        assert location.endswith("/account/second-factor"), path
    enrol(actions, clock)
    assert actions.client.get("/people/").status_code == 200


def test_defaults_require_admins_in_production_only(app, world, clock):
    actions = actions_for(app)
    response = actions.login(world["admin"])  # testing: the default is only recommended
    assert not response.headers["Location"].endswith("/account/second-factor")
    app.config["SECOND_FACTOR_DEFAULTS_APPLY"] = True
    try:
        other = actions_for(app)
        response = other.login(world["admin"])
        assert response.headers["Location"].endswith("/account/second-factor")
        response = actions_for(app).login(world["caseworker_a"])  # recommended: a banner
        assert not response.headers["Location"].endswith("/account/second-factor")
    finally:
        del app.config["SECOND_FACTOR_DEFAULTS_APPLY"]


def test_admin_policy_page_saves_levels(app, world):
    actions = actions_for(app)
    actions.login(world["admin"])
    assert actions.client.get("/admin/users/second-factor").status_code == 200
    data = {f"role_{r}": "optional" for r in ("admin", "data_protection", "reports")}
    data.update(role_coordinator="recommended", role_caseworker="required")
    data["role_volunteer"] = "optional"
    assert actions.post("/admin/users/second-factor", data).status_code == 302
    with app.app_context():
        saved = dict(
            db.session.execute(select(SecondFactorPolicy.role, SecondFactorPolicy.level)).all()
        )
    assert saved["caseworker"] == "required"
    assert _actions_of(app, "second_factor_policy")


def test_own_factor_cannot_be_removed_when_required(app, enrolled, clock):
    email, secret, _codes = enrolled
    _set_policy(app, "caseworker", "required")
    actions = actions_for(app)
    actions.login(email)
    actions._token = None
    actions.post("/login/code", {"code": code(secret, clock)})
    clock.advance(seconds=30)
    response = actions.post("/account/second-factor/remove", {"remove-code": code(secret, clock)})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(SecondFactor.confirmed_at)) is not None


def test_admin_resets_a_caseworkers_factor_at_once(app, world, enrolled, clock):
    email, _secret, _codes = enrolled
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
    admin = actions_for(app)
    admin.login(world["admin"])
    response = admin.post(f"/admin/users/{user_id}/second-factor/reset", {})
    assert response.status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == user_id)) is None
        )
    assert _actions_of(app, "second_factor_reset")
    # The user signs in with the password alone again.
    assert actions_for(app).login(email).headers["Location"].endswith("/")


def test_admin_factor_reset_needs_a_second_admin(app, world, make_user, clock):
    second_admin = make_user("admin", email="admin2@test.example")
    target = actions_for(app)
    target.login(world["admin"])
    enrol(target, clock)
    with app.app_context():
        target_id = db.session.scalar(select(User.id).where(User.email == world["admin"]))
    third = make_user("admin", email="admin3@test.example")
    requester = actions_for(app)
    requester.login(second_admin)
    assert requester.post(f"/admin/users/{target_id}/second-factor/reset", {}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == target_id))
        from caseapp.auth.models import SecondFactorReset

        reset_id = db.session.scalar(select(SecondFactorReset.id))
    url = f"/admin/users/{target_id}/second-factor/confirm-reset"
    # The requester cannot confirm their own request.
    assert requester.post(url, {"record_id": reset_id}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == target_id))
    confirmer = actions_for(app)
    confirmer.login(third)
    page = confirmer.client.get(f"/admin/users/{target_id}").get_data(as_text=True)
    assert "confirm-reset" in page  # the second administrator sees the button
    assert confirmer.post(url, {"record_id": reset_id}).status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == target_id)) is None
        )
    assert _actions_of(app, "second_factor_reset_requested")
    assert _actions_of(app, "second_factor_reset")
    # The target's running session ended with the reset.
    assert target.client.get("/account").status_code == 302


def test_clock_drift_of_one_step_is_accepted(app, enrolled, clock):
    email, secret, _codes = enrolled
    actions = actions_for(app)
    actions.login(email)
    actions._token = None
    assert actions.post("/login/code", {"code": code(secret, clock, 1)}).status_code == 302
    clock.advance(timedelta(seconds=1))


SET_UP = "/account/second-factor"


@pytest.mark.parametrize(
    ("role", "set_up", "policy"),
    [
        ("admin", 200, 200),
        ("coordinator", 200, 403),
        ("caseworker_a", 200, 403),
        ("volunteer", 200, 403),
        ("newcomer", 403, 403),
    ],
)
def test_access_for_every_role(app, world, role, set_up, policy):
    actions = actions_for(app)
    actions.login(world[role])
    assert actions.client.get(SET_UP).status_code == set_up
    assert actions.client.get("/account/sessions").status_code == 200
    assert actions.client.get("/admin/users/second-factor").status_code == policy


def test_anonymous_visitors_are_sent_to_sign_in(app, world):
    client = app.test_client()
    for path in (SET_UP, "/account/sessions", "/admin/users/second-factor"):
        assert "/login" in client.get(path).headers["Location"]
    # The second step without a password step first: back to the password.
    assert client.get("/login/code").headers["Location"].endswith("/login")
    assert client.get("/login/recovery").headers["Location"].endswith("/login")
