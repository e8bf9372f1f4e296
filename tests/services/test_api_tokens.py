"""API tokens as a service: validation, expiry at the end of the chosen day, the window."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from caseapp.api import tokens
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.web.throttle import Throttled


def _data(office_id, **kw):
    values = {
        "name": "Integreat",
        "office_id": office_id,
        "roles": ["caseworker"],
        "expires_on": date(2026, 12, 31),
        "allowed_ips": "",
    }
    values.update(kw)
    return tokens.TokenData(**values)


def test_refuses_admin_role_past_expiry_and_bad_networks(app, ctx, make_office):
    office = make_office()
    with pytest.raises(ValidationFailed) as refused:
        tokens.create_token(
            None,
            _data(
                office,
                roles=["admin"],
                expires_on=date(2026, 11, 30),
                allowed_ips="10.0.0.0/8 nonsense",
            ),
        )
    assert set(refused.value.errors) == {"roles", "expires_on", "allowed_ips"}
    with pytest.raises(ValidationFailed) as too_long:
        tokens.create_token(None, _data(office, expires_on=date(2029, 1, 1)))
    assert "expires_on" in too_long.value.errors


def test_token_valid_until_the_end_of_its_day_and_from_allowed_addresses(
    app, ctx, make_office, clock
):
    office = make_office()
    token, secret = tokens.create_token(
        None, _data(office, expires_on=date(2026, 12, 1), allowed_ips="192.0.2.0/24, 2001:db8::/32")
    )
    db.session.flush()
    assert tokens.authenticate(secret, "192.0.2.7", clock.now) is token
    assert tokens.authenticate(secret, "2001:db8::1", clock.now) is token
    with pytest.raises(tokens.AddressRefused):
        tokens.authenticate(secret, "198.51.100.1", clock.now)
    late = clock.set(datetime(2026, 12, 1, 23, 59))
    assert tokens.authenticate(secret, "192.0.2.7", late) is token
    after = clock.set(datetime(2026, 12, 2, 0, 0))
    with pytest.raises(tokens.TokenRefused) as expired:
        tokens.authenticate(secret, "192.0.2.7", after)
    assert expired.value.reason == "expired"


def test_rate_window_counts_per_minute(app, ctx, make_office, clock):
    token, _secret = tokens.create_token(None, _data(make_office()))
    for _ in range(2):
        tokens.count_use(token, "127.0.0.1", clock.now, 2)
    with pytest.raises(Throttled) as throttled:
        tokens.count_use(token, "127.0.0.1", clock.now + timedelta(seconds=20), 2)
    assert throttled.value.retry_after == 40
    assert token.last_used_at == clock.now + timedelta(seconds=20)
    tokens.count_use(token, "127.0.0.1", clock.now + timedelta(seconds=61), 2)
    assert token.window_count == 1


def test_creating_and_revoking_are_audited_on_the_tokens_account(app, ctx, make_office, clock):
    from sqlalchemy import select

    from caseapp.audit.models import AuditEntry

    token, _secret = tokens.create_token(None, _data(make_office()))
    tokens.revoke_token(None, token, clock.now)
    db.session.flush()
    actions = db.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.record_type == "user", AuditEntry.record_id == token.user_id
        )
    ).all()
    assert sorted(actions) == ["create", "deactivate"]
