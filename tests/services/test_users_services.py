"""Account management rules against a real database."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp.audit.models import AuditEntry
from caseapp.auth import services as auth
from caseapp.auth.models import User
from caseapp.core.errors import StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.users import services
from caseapp.users.services import UserData


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def test_create_user_validates_every_field(ctx, make_user):
    make_user("admin", email="taken@lotse.example")
    with pytest.raises(ValidationFailed) as info:
        services.create_user(
            None,
            UserData(
                email="TAKEN@lotse.example",
                display_name="X",
                roles=["caseworker", "king"],
                office_ids=[],
                preferred_language="xx",
            ),
            "short",
        )
    assert set(info.value.errors) == {"email", "roles", "offices", "preferred_language", "password"}


def test_create_user_writes_audit_row_without_password(ctx, make_office):
    office = make_office()
    user = services.create_user(
        None,
        UserData(
            email="New@Lotse.example", display_name="Neu", roles=["caseworker"], office_ids=[office]
        ),
        "a sufficiently long one",
    )
    db.session.commit()
    assert user.email == "new@lotse.example"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.record_type == "user"))
    assert entry.action == "create"
    assert "password" not in str(entry.details)
    assert entry.details["roles"] == [None, ["caseworker"]]


def test_stale_version_is_refused(ctx, make_user):
    admin = _user(make_user("admin"))
    target = _user(make_user("volunteer"))
    loaded = target.version
    data = UserData(email=target.email, display_name="First edit", roles=["volunteer"])
    services.update_user(admin, target, data, loaded)
    db.session.commit()
    assert target.version == loaded + 1
    with pytest.raises(StaleVersion):
        services.update_user(
            admin,
            target,
            UserData(email=target.email, display_name="Second", roles=["volunteer"]),
            loaded,
        )
    db.session.rollback()
    assert _user(target.email).display_name == "First edit"


def test_admin_cannot_lock_themselves_out(ctx, make_user):
    admin = _user(make_user("admin"))
    with pytest.raises(ValidationFailed):
        services.update_user(
            admin,
            admin,
            UserData(email=admin.email, display_name="A", roles=["caseworker"]),
            admin.version,
        )
    with pytest.raises(ValidationFailed):
        services.set_active(admin, admin, False)


def test_deactivation_ends_sessions(ctx, make_user):
    admin = _user(make_user("admin"))
    target = _user(make_user("volunteer"))
    token = auth.start_session(target, None)
    db.session.commit()
    services.set_active(admin, target, False)
    db.session.commit()
    assert auth.load_session_user(str(target.id), token, timedelta(hours=1)) is None
