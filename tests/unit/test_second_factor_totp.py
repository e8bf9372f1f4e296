"""The pure second-factor arithmetic: RFC 6238 codes at a given time, drift, recovery codes,
and device names from User-Agent headers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp

from caseapp.auth import devices, totp

# RFC 6238 appendix B: the ASCII secret "12345678901234567890", SHA-1, 8 digits.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
NOW = datetime(2026, 11, 30, 8, 30, 10, tzinfo=UTC)


def test_rfc_6238_test_vector():
    at = datetime.fromtimestamp(59, UTC)
    assert pyotp.TOTP(RFC_SECRET, digits=8).at(at) == "94287082"
    assert totp.time_step(at) == 1


def test_code_of_this_step_and_one_step_drift_match():
    secret = totp.new_secret()
    step = totp.time_step(NOW)
    assert totp.matching_step(secret, totp.code_at(secret, NOW), NOW) == step
    earlier = totp.code_at(secret, NOW - timedelta(seconds=30))
    later = totp.code_at(secret, NOW + timedelta(seconds=30))
    assert totp.matching_step(secret, earlier, NOW) == step - 1
    assert totp.matching_step(secret, later, NOW) == step + 1
    too_old = totp.code_at(secret, NOW - timedelta(seconds=90))
    assert totp.matching_step(secret, too_old, NOW) is None


def test_codes_are_read_as_people_type_them():
    secret = totp.new_secret()
    code = totp.code_at(secret, NOW)
    assert totp.matching_step(secret, f"{code[:3]} {code[3:]}", NOW) is not None
    assert totp.matching_step(secret, "", NOW) is None
    assert totp.matching_step(secret, "12345a", NOW) is None


def test_recovery_codes_are_random_salted_and_checked_in_any_spelling():
    codes = totp.new_recovery_codes()
    assert len(codes) == len(set(codes)) == 10
    code = codes[0]
    assert len(code) == 14 and code.count("-") == 2
    salt, other_salt = totp.new_salt(), totp.new_salt()
    digest = totp.recovery_digest(code, salt)
    assert digest != totp.recovery_digest(code, other_salt)
    assert totp.recovery_matches(code.lower().replace("-", " "), salt, digest)
    assert not totp.recovery_matches(codes[1], salt, digest)


def test_provisioning_uri_names_issuer_and_account():
    uri = totp.provisioning_uri(RFC_SECRET, "a.yilmaz@lotse.example")
    assert uri.startswith("otpauth://totp/Lotse:a.yilmaz%40lotse.example?")
    assert "issuer=Lotse" in uri


def test_devices_from_user_agents():
    cases = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0 Safari/537.36 Edg/126.0": ("Edge", "Windows"),
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1": ("Safari", "iPhone"),
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0": (
            "Firefox",
            "macOS",
        ),
        "curl/8.5.0": ("", ""),
        "": ("", ""),
    }
    for header, (browser, system) in cases.items():
        assert devices.describe(header) == devices.Device(browser, system), header
