"""Signed partner links without an app: bound to one referral and one action, expiring."""

from __future__ import annotations

from datetime import datetime

import pytest

from caseapp.core import clock
from caseapp.partners.links import LinkRefused, make_token, read_token

SECRET = "unit-test-secret"


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(datetime(2026, 11, 30, 9, 30))
    yield
    clock.freeze(datetime(2026, 11, 30, 9, 30))


def _reason(*args) -> str:
    with pytest.raises(LinkRefused) as refused:
        read_token(*args)
    return refused.value.reason


def test_a_genuine_link_names_its_referral_action_and_a_fresh_nonce():
    first = make_token(SECRET, 7, "accept")
    claim = read_token(SECRET, first, 7, "accept")
    assert (claim.referral_id, claim.action) == (7, "accept")
    again = read_token(SECRET, make_token(SECRET, 7, "accept"), 7, "accept")
    assert again.digest != claim.digest and len(claim.digest) == 64


def test_another_referral_action_secret_or_a_changed_character_is_refused():
    token = make_token(SECRET, 7, "accept")
    assert _reason(SECRET, token, 8, "accept") == "mismatch"
    assert _reason(SECRET, token, 7, "decline") == "mismatch"
    assert _reason("another secret", token, 7, "accept") == "invalid"
    # A character well inside the signature (the last one carries unused base64 bits).
    spot = len(token) - 6
    tampered = token[:spot] + ("A" if token[spot] != "A" else "B") + token[spot + 1 :]
    assert _reason(SECRET, tampered, 7, "accept") == "invalid"
    assert _reason(SECRET, "", 7, "accept") == "invalid"
    assert _reason(SECRET, token, 7, "delete") == "invalid"


def test_links_expire_by_the_application_clock():
    accept = make_token(SECRET, 7, "accept")
    complete = make_token(SECRET, 7, "complete")
    clock.advance(days=13)
    read_token(SECRET, accept, 7, "accept")
    clock.advance(days=2)
    assert _reason(SECRET, accept, 7, "accept") == "expired"
    read_token(SECRET, complete, 7, "complete")  # the outcome may come much later
    clock.advance(days=120)
    assert _reason(SECRET, complete, 7, "complete") == "expired"
