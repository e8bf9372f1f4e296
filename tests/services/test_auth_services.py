"""Sign-in, throttling and server-side sessions against a real database."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp.auth import services
from caseapp.auth.models import User, UserSession
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.web import throttle
from tests.factories.web import PASSWORD

POLICY = throttle.Policy(
    per_pair=3, per_address=10, address_window=timedelta(minutes=15), per_key_per_day=20
)
HOURS = timedelta(hours=10)


def sign_in(email, password, ip, clock, policy=POLICY):
    return services.authenticate(email, password, ip, policy, clock.now)


def guess(email, ip, clock, times=1, policy=POLICY):
    """Wrong passwords, committed as the view does; returns how many were even checked."""
    checked = 0
    for _n in range(times):
        try:
            sign_in(email, "nope nope nope", ip, clock, policy)
        except services.LoginFailed:
            checked += 1
        except services.LoginThrottled:
            pass
        db.session.commit()
    return checked


def test_authenticate_ignores_case_and_turkish_dotted_i(ctx, make_user, clock):
    make_user("admin", email="ilknur@lotse.example")
    user = sign_in("İLKNUR@Lotse.example", PASSWORD, "10.0.0.1", clock)
    assert user.email == "ilknur@lotse.example"


def test_wrong_password_and_unknown_account_fail_alike(ctx, make_user, clock):
    make_user("admin", email="known@lotse.example")
    with pytest.raises(services.LoginFailed) as wrong:
        sign_in("known@lotse.example", "wrong password!", "10.0.0.1", clock)
    with pytest.raises(services.LoginFailed) as unknown:
        sign_in("nobody@lotse.example", "wrong password!", "10.0.0.1", clock)
    assert wrong.value.message == unknown.value.message


def test_inactive_account_cannot_sign_in(ctx, make_user, clock):
    email = make_user("admin")
    db.session.scalar(select(User).where(User.email == email)).active = False
    db.session.commit()
    with pytest.raises(services.LoginFailed):
        sign_in(email, PASSWORD, "10.0.0.1", clock)


def test_the_guessing_address_waits_even_with_the_right_password(ctx, make_user, clock):
    email = make_user("admin")
    guess(email, "10.0.0.1", clock, times=3)
    with pytest.raises(services.LoginThrottled) as refused:
        sign_in(email, PASSWORD, "10.0.0.1", clock)
    assert refused.value.wait == timedelta(seconds=1)
    assert "1 Sekunde" in refused.value.message  # says how long, in the user's language


def test_the_owner_gets_in_from_a_clean_address_while_someone_guesses(ctx, make_user, clock):
    email = make_user("admin")
    # A stranger hammers the account from one address, and from twenty more besides.
    guess(email, "203.0.113.9", clock, times=200)
    for n in range(20):
        guess(email, f"198.51.100.{n}", clock)
    with pytest.raises(services.LoginThrottled):
        sign_in(email, PASSWORD, "203.0.113.9", clock)
    # The owner's address has no failures for the account: the right password gets in at once.
    assert sign_in(email, PASSWORD, "192.0.2.10", clock).email == email
    db.session.commit()
    # ... and a typo there on an account under attack costs a second, not a lockout.
    guess(email, "192.0.2.10", clock)
    with pytest.raises(services.LoginThrottled):
        sign_in(email, PASSWORD, "192.0.2.10", clock)
    clock.advance(seconds=1)
    assert sign_in(email, PASSWORD, "192.0.2.10", clock).email == email


def test_guesses_from_one_address_wait_longer_and_longer(ctx, make_user, clock):
    email = make_user("admin")
    policy = replace(POLICY, per_address=1000, per_key_per_day=1000)  # the pair rule alone
    assert guess(email, "203.0.113.9", clock, times=3, policy=policy) == 3
    waits = []
    for _n in range(5):
        with pytest.raises(services.LoginThrottled) as refused:
            sign_in(email, PASSWORD, "203.0.113.9", clock, policy)
        waits.append(refused.value.wait)
        clock.advance(refused.value.wait)
        assert guess(email, "203.0.113.9", clock, policy=policy) == 1
    assert waits == [timedelta(seconds=s) for s in (1, 2, 4, 8, 16)]


def test_a_day_of_guessing_from_one_address_checks_few_passwords(ctx, make_user, clock):
    """The figure in docs/security.md: about a hundred guesses a day per account and address."""
    email = make_user("admin")
    policy = replace(POLICY, per_pair=5, per_address=100, per_key_per_day=50)
    checked = 0
    end = clock.now + timedelta(days=1)
    while clock.now < end:
        checked += guess(email, "203.0.113.9", clock, policy=policy)
        clock.advance(throttle.wait_before("login", email, "203.0.113.9", policy, clock.now))
    assert 100 <= checked <= 115


def test_throttle_is_not_a_lockout(ctx, make_user, clock):
    email = make_user("admin")
    guess(email, "10.0.0.1", clock, times=3)
    clock.advance(seconds=1)
    assert sign_in(email, PASSWORD, "10.0.0.1", clock).email == email


def test_a_noisy_address_slows_its_own_guesses_only(ctx, make_user, clock):
    email = make_user("admin")
    policy = replace(POLICY, per_address=2, address_window=timedelta(minutes=5))
    for n in range(2):
        guess(f"x{n}@lotse.example", "10.9.9.9", clock, policy=policy)
    # From the noisy address, a second try at any account waits; a first try is checked.
    with pytest.raises(services.LoginThrottled):
        sign_in("x0@lotse.example", "whatever it is", "10.9.9.9", clock, policy)
    with pytest.raises(services.LoginFailed):
        sign_in("other@lotse.example", "whatever it is", "10.9.9.9", clock, policy)
    # Someone behind another address is not slowed at all.
    guess(email, "10.1.1.1", clock, policy=policy)
    assert sign_in(email, PASSWORD, "10.1.1.1", clock, policy).email == email


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
