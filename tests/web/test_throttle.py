"""The one throttle (caseapp/web/throttle.py): pairs wait, addresses never lock anyone out."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from caseapp.extensions import db
from caseapp.web import throttle

POLICY = throttle.Policy(
    per_pair=3,
    per_address=10,
    address_window=timedelta(minutes=15),
    per_key_per_day=20,
    first_wait=timedelta(seconds=1),
    longest_wait=timedelta(minutes=15),
)
KIND = "login"


def fail(key, ip, clock, times=1):
    for _n in range(times):
        throttle.failed(KIND, key, ip, clock.now)
    db.session.commit()


def wait(key, ip, clock, policy=POLICY) -> timedelta:
    return throttle.wait_before(KIND, key, ip, policy, clock.now)


def test_the_first_failures_of_a_pair_are_free(ctx, clock):
    fail("a@x.example", "10.0.0.1", clock, times=2)
    assert wait("a@x.example", "10.0.0.1", clock) == timedelta(0)


def test_a_guessing_pair_waits_longer_after_every_failure_up_to_the_cap(ctx, clock):
    # Only the pair rule here (the address and key rules would soon drop the free failures).
    policy = replace(POLICY, per_address=1000, per_key_per_day=1000)
    fail("a@x.example", "10.0.0.1", clock, times=3)
    waits = []
    for _n in range(14):
        pending = wait("a@x.example", "10.0.0.1", clock, policy)
        waits.append(int(pending.total_seconds()))
        with pytest.raises(throttle.Throttled) as refused:  # not even checked yet
            throttle.check(KIND, "a@x.example", "10.0.0.1", policy, clock.now)
        assert refused.value.wait == pending
        clock.advance(pending)
        fail("a@x.example", "10.0.0.1", clock)
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900]


def test_a_wait_is_measured_from_the_pairs_own_last_failure(ctx, clock):
    fail("a@x.example", "10.0.0.1", clock, times=4)  # 2 s to wait
    clock.advance(seconds=1)
    assert wait("a@x.example", "10.0.0.1", clock) == timedelta(seconds=1)
    clock.advance(seconds=1)
    assert wait("a@x.example", "10.0.0.1", clock) == timedelta(0)


def test_someone_elses_failures_never_make_a_clean_pair_wait(ctx, clock):
    # Another address guesses this key to the cap of every rule: the key is under attack.
    for n in range(25):
        fail("a@x.example", f"10.1.0.{n}", clock)
    fail("a@x.example", "10.9.9.9", clock, times=10)
    assert wait("a@x.example", "10.9.9.9", clock) > timedelta(0)
    # The owner's address has no failures for this key: the right secret is checked at once.
    assert wait("a@x.example", "192.0.2.7", clock) == timedelta(0)
    throttle.check(KIND, "a@x.example", "192.0.2.7", POLICY, clock.now)


def test_a_key_under_attack_leaves_no_free_failures(ctx, clock):
    for n in range(POLICY.per_key_per_day):
        fail("a@x.example", f"10.1.0.{n}", clock)
    # One failure is now enough to wait, wherever it came from ...
    fail("a@x.example", "192.0.2.7", clock)
    assert wait("a@x.example", "192.0.2.7", clock) == timedelta(seconds=1)
    # ... while another key, and a clean pair of this key, are not affected.
    fail("b@x.example", "192.0.2.7", clock)
    assert wait("b@x.example", "192.0.2.7", clock) == timedelta(0)
    assert wait("a@x.example", "192.0.2.8", clock) == timedelta(0)


def test_a_noisy_address_makes_its_own_pairs_wait_and_nobody_else(ctx, clock):
    for n in range(POLICY.per_address):
        fail(f"user{n}@x.example", "10.0.0.1", clock)
    # From the noisy address a second try at any key waits; a first try is still checked.
    assert wait("user0@x.example", "10.0.0.1", clock) == timedelta(seconds=1)
    assert wait("fresh@x.example", "10.0.0.1", clock) == timedelta(0)
    # The same keys from another address: no wait at all.
    fail("user0@x.example", "10.0.0.2", clock)
    assert wait("user0@x.example", "10.0.0.2", clock) == timedelta(0)
    # Fifteen minutes later the address is no longer noisy.
    clock.advance(minutes=16)
    fail("user0@x.example", "10.0.0.1", clock)
    assert wait("user0@x.example", "10.0.0.1", clock) == timedelta(0)


def test_failures_older_than_a_day_count_for_nothing(ctx, clock):
    fail("a@x.example", "10.0.0.1", clock, times=3)
    clock.advance(hours=24, seconds=1)
    assert wait("a@x.example", "10.0.0.1", clock) == timedelta(0)


def test_success_clears_only_the_own_pair(ctx, clock):
    fail("a@x.example", "10.0.0.1", clock, times=3)
    fail("a@x.example", "10.0.0.2", clock, times=3)
    throttle.succeeded(KIND, "a@x.example", "10.0.0.1")
    db.session.commit()
    assert wait("a@x.example", "10.0.0.1", clock) == timedelta(0)
    assert wait("a@x.example", "10.0.0.2", clock) == timedelta(seconds=1)


def test_kinds_count_on_their_own(ctx, clock):
    fail("L26-ABC234", "10.0.0.1", clock, times=3)
    assert throttle.wait_before("portal", "L26-ABC234", "10.0.0.1", POLICY, clock.now) == (
        timedelta(0)
    )


def test_an_ipv6_network_counts_as_one_address(ctx, clock):
    assert throttle.address_of("2001:db8:1:2:aaaa::1") == "2001:db8:1::/56"
    assert throttle.address_of("::ffff:192.0.2.1") == "192.0.2.1"
    assert throttle.address_of(None) == ""
    # Stepping through the addresses, or the /64s, of one /56 does not make a fresh address.
    fail("a@x.example", "2001:db8:1:2::1", clock)
    fail("a@x.example", "2001:db8:1:2::2", clock)
    fail("a@x.example", "2001:db8:1:ff:ffff::3", clock)
    assert wait("a@x.example", "2001:db8:1:7::99", clock) == timedelta(seconds=1)
    assert wait("a@x.example", "2001:db8:1:100::1", clock) == timedelta(0)


def test_public_forms_are_limited_per_address_and_window(ctx, clock):
    for _n in range(3):
        throttle.limit("signup", "10.0.0.1", 3, timedelta(hours=1), clock.now)
        clock.advance(minutes=10)
    with pytest.raises(throttle.Throttled) as refused:
        throttle.limit("signup", "10.0.0.1", 3, timedelta(hours=1), clock.now)
    # The oldest try leaves the hour 30 minutes from now; a refused try is not counted.
    assert refused.value.wait == timedelta(minutes=30)
    assert refused.value.retry_after == 1800
    throttle.limit("signup", "10.0.0.2", 3, timedelta(hours=1), clock.now)
    clock.advance(minutes=30)
    throttle.limit("signup", "10.0.0.1", 3, timedelta(hours=1), clock.now)


def test_purge_deletes_what_no_rule_counts_any_more(ctx, clock):
    fail("old@x.example", "10.0.0.1", clock, times=2)
    throttle.limit("verify", "10.0.0.1", 30, timedelta(hours=1), clock.now)
    clock.advance(hours=23)
    fail("recent@x.example", "10.0.0.1", clock)
    clock.advance(hours=1, seconds=1)
    assert throttle.purge(clock.now) == 3
    db.session.commit()
    assert db.session.scalars(select(throttle.Attempt.key)).all() == ["recent@x.example"]


def test_purge_command(app, clock):
    with app.test_request_context():
        fail("old@x.example", "10.0.0.1", clock, times=2)
    clock.advance(days=2)
    result = app.test_cli_runner().invoke(args=["attempts", "purge"])
    assert result.exit_code == 0, result.output
    assert "removed 2 attempts" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(throttle.Attempt.id))) == 0


@pytest.mark.parametrize(
    ("language", "seconds", "words"),
    [
        ("en", 0.2, "1 second"),
        ("en", 45, "45 seconds"),
        ("en", 61, "2 minutes"),  # rounded up: never shorter than the real wait
        ("en", 900, "15 minutes"),
        ("de", 4, "4 Sekunden"),
        ("de", 512, "9 Minuten"),
        ("tr", 900, "15 dakika"),
        ("ar", 120, "دقيقتان"),
    ],
)
def test_the_wait_in_words(app, language, seconds, words):
    with app.test_request_context(f"/?lang={language}"):
        assert throttle.wait_words(timedelta(seconds=seconds)) == words
