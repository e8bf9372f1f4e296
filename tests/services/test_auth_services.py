"""Sign-in, throttling and server-side sessions against a real database."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp.auth import services
from caseapp.auth.models import LoginAttempt, User, UserSession
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from tests.conftest import PASSWORD

POLICY = services.ThrottlePolicy(max_per_account=3, max_per_ip=10, window=timedelta(minutes=15))
HOURS = timedelta(hours=10)


def test_authenticate_ignores_case_and_turkish_dotted_i(ctx, make_user):
    make_user("admin", email="ilknur@lotse.example")
    user = services.authenticate("İLKNUR@Lotse.example", PASSWORD, "10.0.0.1", POLICY)
    assert user.email == "ilknur@lotse.example"


def test_wrong_password_and_unknown_account_fail_alike(ctx, make_user):
    make_user("admin", email="known@lotse.example")
    with pytest.raises(services.LoginFailed) as wrong:
        services.authenticate("known@lotse.example", "wrong password!", "10.0.0.1", POLICY)
    with pytest.raises(services.LoginFailed) as unknown:
        services.authenticate("nobody@lotse.example", "wrong password!", "10.0.0.1", POLICY)
    assert wrong.value.message == unknown.value.message


def test_inactive_account_cannot_sign_in(ctx, make_user):
    email = make_user("admin")
    db.session.scalar(select(User).where(User.email == email)).active = False
    db.session.commit()
    with pytest.raises(services.LoginFailed):
        services.authenticate(email, PASSWORD, "10.0.0.1", POLICY)


def test_throttles_per_account_even_with_right_password(ctx, make_user):
    email = make_user("admin")
    for _ in range(3):
        with pytest.raises(services.LoginFailed):
            services.authenticate(email, "nope nope nope", "10.0.0.1", POLICY)
        db.session.commit()
    with pytest.raises(services.LoginThrottled):
        services.authenticate(email, PASSWORD, "10.0.0.2", POLICY)


def test_throttle_is_not_a_lockout(ctx, make_user):
    email = make_user("admin")
    for _ in range(3):
        with pytest.raises(services.LoginFailed):
            services.authenticate(email, "nope nope nope", "10.0.0.1", POLICY)
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.attempted_at -= timedelta(minutes=16)
    db.session.commit()
    assert services.authenticate(email, PASSWORD, "10.0.0.1", POLICY).email == email


def test_throttles_per_address(ctx):
    policy = services.ThrottlePolicy(max_per_account=100, max_per_ip=2, window=timedelta(minutes=5))
    for n in range(2):
        with pytest.raises(services.LoginFailed):
            services.authenticate(f"x{n}@lotse.example", "whatever it is", "10.9.9.9", policy)
    with pytest.raises(services.LoginThrottled):
        services.authenticate("other@lotse.example", "whatever it is", "10.9.9.9", policy)


def test_sessions_end_on_server(ctx, make_user):
    email = make_user("admin")
    user = db.session.scalar(select(User).where(User.email == email))
    token = services.start_session(user, "10.0.0.1")
    db.session.commit()
    assert services.load_session_user(str(user.id), token, HOURS) == user
    assert services.load_session_user(str(user.id + 1), token, HOURS) is None
    assert services.load_session_user(str(user.id), "forged", HOURS) is None
    services.end_session(token)
    db.session.commit()
    assert services.load_session_user(str(user.id), token, HOURS) is None


def test_absolute_timeout(ctx, make_user):
    email = make_user("admin")
    user = db.session.scalar(select(User).where(User.email == email))
    token = services.start_session(user, None)
    db.session.flush()
    row = db.session.scalar(select(UserSession))
    row.created_at -= timedelta(hours=11)
    db.session.commit()
    assert services.load_session_user(str(user.id), token, HOURS) is None


def test_change_password_ends_other_sessions_only(ctx, make_user):
    email = make_user("admin")
    user = db.session.scalar(select(User).where(User.email == email))
    mine = services.start_session(user, None)
    other = services.start_session(user, None)
    db.session.commit()
    services.change_password(user, PASSWORD, "a brand new passphrase", keep_token=mine)
    db.session.commit()
    assert services.load_session_user(str(user.id), mine, HOURS) == user
    assert services.load_session_user(str(user.id), other, HOURS) is None


def test_change_password_reports_each_field(ctx, make_user):
    email = make_user("admin")
    user = db.session.scalar(select(User).where(User.email == email))
    with pytest.raises(ValidationFailed) as info:
        services.change_password(user, "not my password", "short", keep_token=None)
    assert set(info.value.errors) == {"current_password", "new_password"}
