"""Second-factor services against the database: the per-role policy, codes used once, and
the reset's four eyes, without the web layer."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from caseapp.auth import second_factor as factors
from caseapp.auth.models import SecondFactorPolicy, User
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.web import throttle

POLICY = throttle.Policy(
    per_pair=5, per_address=100, address_window=throttle.DAY, per_key_per_day=50
)


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _enrol(user: User, clock) -> str:
    factor = factors.start_enrolment(user)
    factors.confirm_enrolment(user, pyotp.TOTP(factor.secret).at(clock.now), clock.now)
    db.session.commit()
    return factor.secret


def test_defaults_and_saved_choices(app, ctx, make_user, make_office):
    office = make_office()
    admin = _user(make_user("admin", email="a@test.example"))
    both = _user(make_user("caseworker", "reports", email="b@test.example", offices=[office]))
    volunteer = _user(make_user("volunteer", email="v@test.example"))
    assert factors.level_for(admin, defaults_apply=True) == factors.REQUIRED
    assert factors.level_for(admin, defaults_apply=False) == factors.RECOMMENDED
    assert factors.level_for(both, defaults_apply=True) == factors.REQUIRED  # the strictest
    assert factors.level_for(volunteer, defaults_apply=True) == factors.OPTIONAL
    factors.save_policy(admin, {"volunteer": factors.REQUIRED, "admin": factors.OPTIONAL})
    db.session.commit()
    assert factors.level_for(volunteer, defaults_apply=False) == factors.REQUIRED
    assert factors.level_for(admin, defaults_apply=True) == factors.OPTIONAL
    with pytest.raises(ValidationFailed):
        factors.save_policy(admin, {"volunteer": "sometimes"})
    assert (
        db.session.scalar(
            select(SecondFactorPolicy.level).where(SecondFactorPolicy.role == "volunteer")
        )
        == "required"
    )


def test_a_code_counts_once_and_an_older_step_never(app, ctx, make_user, clock):
    user = _user(make_user("coordinator", email="c@test.example"))
    secret = _enrol(user, clock)
    clock.advance(seconds=30)
    code = pyotp.TOTP(secret).at(clock.now)
    factors.verify_code(user, code, "192.0.2.1", POLICY, clock.now)
    with pytest.raises(factors.SecondFactorFailed):
        factors.verify_code(user, code, "192.0.2.1", POLICY, clock.now)
    previous = pyotp.TOTP(secret).at(clock.now, counter_offset=-1)
    with pytest.raises(factors.SecondFactorFailed):
        factors.verify_code(user, previous, "192.0.2.1", POLICY, clock.now)


def test_recovery_codes_once_each_and_renewal_replaces_them(app, ctx, make_user, clock):
    user = _user(make_user("volunteer", email="d@test.example"))
    factor = factors.start_enrolment(user)
    codes = factors.confirm_enrolment(user, pyotp.TOTP(factor.secret).at(clock.now), clock.now)
    assert factors.verify_recovery_code(user, codes[3], None, POLICY, clock.now) == 9
    with pytest.raises(factors.SecondFactorFailed):
        factors.verify_recovery_code(user, codes[3], None, POLICY, clock.now)
    clock.advance(seconds=30)
    fresh = factors.renew_recovery_codes(user, pyotp.TOTP(factor.secret).at(clock.now), clock.now)
    assert set(fresh).isdisjoint(codes)
    with pytest.raises(factors.SecondFactorFailed):
        factors.verify_recovery_code(user, codes[0], None, POLICY, clock.now)
    assert factors.recovery_codes_left(user) == 10


def test_reset_of_an_administrator_needs_another_one(app, ctx, make_user, clock):
    target = _user(make_user("admin", email="t@test.example"))
    first = _user(make_user("admin", email="f@test.example"))
    second = _user(make_user("admin", email="s@test.example"))
    _enrol(target, clock)
    assert factors.request_reset(first, target, clock.now) is False
    with pytest.raises(ValidationFailed):
        factors.request_reset(second, target, clock.now)  # one open request at a time
    reset = factors.open_reset(target)
    for not_allowed in (first, target):
        with pytest.raises(ValidationFailed):
            factors.confirm_reset(not_allowed, target, reset.id, clock.now)
    assert factors.is_enrolled(target)
    factors.confirm_reset(second, target, reset.id, clock.now)
    assert not factors.is_enrolled(target)
    assert factors.open_reset(target) is None


def test_the_totp_key_is_stored_encrypted(app, ctx, world):
    """A copy of the database alone does not give anyone a user's codes."""
    from caseapp.auth.second_factor_models import SecondFactor
    from caseapp.crypto.keys import PREFIX

    user = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
    factor = SecondFactor(user_id=user.id, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    db.session.add(factor)
    db.session.commit()
    with db.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT secret FROM second_factors").scalar_one()
    assert stored.startswith(PREFIX) and "JBSWY3DP" not in stored
    db.session.expire_all()
    assert db.session.get(SecondFactor, factor.id).secret == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
