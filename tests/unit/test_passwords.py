"""Password hashing and policy (pure; needs an app only for translated messages)."""

import pytest

from caseapp.auth.passwords import hash_password, password_problems, verify_password


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def test_hash_is_argon2id_and_verifies():
    digest = hash_password("a long enough passphrase")
    assert digest.startswith("$argon2id$")
    assert verify_password(digest, "a long enough passphrase")
    assert not verify_password(digest, "a long enough passphrasE")
    assert not verify_password(None, "anything")
    assert not verify_password("not-a-hash", "anything")


def test_unicode_forms_are_equivalent():
    # "ü" typed precomposed or as u + combining diaeresis is the same password.
    digest = hash_password("Grüße aus Altena 2026")
    assert verify_password(digest, "Gru\u0308ße aus Altena 2026")


@pytest.mark.parametrize(
    ("password", "staff", "ok"),
    [
        ("short", False, False),
        ("eight ok", False, True),
        ("eleven char", True, False),
        ("twelve chars", True, True),
        ("password1234", True, False),  # common
        ("aaaaaaaaaaaaaaaa", True, False),  # trivially repetitive
        ("x" * 64 + "yz", True, True),  # long passphrases are welcome
        ("Ä" * 300, True, False),
        ("no composition rules here", True, True),
    ],
)
def test_policy(password, staff, ok):
    assert (password_problems(password, staff=staff) == []) is ok


def test_refuses_own_name():
    assert password_problems("aylin.yilmaz 2026!", staff=True, context=("aylin.yilmaz",))
