"""Creating, changing and deactivating user accounts (admin actions, audited)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from caseapp.audit import services as audit
from caseapp.auth.models import OfficeMembership, User, UserRole
from caseapp.auth.normalise import normalise_email
from caseapp.auth.passwords import hash_password, password_problems
from caseapp.auth.roles import STAFF_ROLES, Role
from caseapp.auth.services import end_all_sessions
from caseapp.core.clock import utcnow
from caseapp.core.errors import StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import LANGUAGES, _
from caseapp.offices.models import Office

# Roles that act on office data must belong to at least one office.
OFFICE_BOUND_ROLES = frozenset({Role.CASEWORKER})


@dataclass
class UserData:
    email: str
    display_name: str
    roles: list[str] = field(default_factory=list)
    office_ids: list[int] = field(default_factory=list)
    preferred_language: str | None = None
    active: bool = True


def _snapshot(user: User) -> dict:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "roles": sorted(user.role_set),
        "offices": sorted(user.office_ids),
        "preferred_language": user.preferred_language,
        "active": user.active,
    }


def _validate(data: UserData, user_id: int | None, password: str | None) -> None:
    errors: dict[str, list[str]] = {}
    roles = set()
    for role in data.roles:
        try:
            roles.add(Role(role))
        except ValueError:
            errors.setdefault("roles", []).append(_("Choose one of the offered roles."))
    if not roles:
        errors.setdefault("roles", []).append(_("Choose at least one role."))
    known = set(db.session.scalars(select(Office.id).where(Office.id.in_(data.office_ids or [0]))))
    if set(data.office_ids) - known:
        errors.setdefault("offices", []).append(_("Choose one of the offered offices."))
    if roles & OFFICE_BOUND_ROLES and not data.office_ids:
        errors.setdefault("offices", []).append(
            _("A caseworker must belong to at least one office.")
        )
    if data.preferred_language and data.preferred_language not in LANGUAGES:
        errors.setdefault("preferred_language", []).append(
            _("Choose one of the offered languages.")
        )
    email = normalise_email(data.email)
    clash = db.session.scalar(select(User.id).where(User.email == email, User.id != (user_id or 0)))
    if clash:
        errors.setdefault("email", []).append(
            _("An account with this e-mail address already exists.")
        )
    if password is not None:
        problems = password_problems(
            password,
            staff=bool(roles & STAFF_ROLES),
            context=(email, email.split("@")[0], data.display_name),
        )
        if problems:
            errors["password"] = problems
    if errors:
        raise ValidationFailed(errors)


def _apply(user: User, data: UserData) -> None:
    user.email = normalise_email(data.email)
    user.display_name = data.display_name.strip()
    user.preferred_language = data.preferred_language or None
    user.active = data.active
    wanted_roles = {Role(r).value for r in data.roles}
    for row in list(user.roles):
        if row.role not in wanted_roles:
            user.roles.remove(row)
    for role in sorted(wanted_roles - {r.role for r in user.roles}):
        user.roles.append(UserRole(role=role))
    wanted_offices = set(data.office_ids)
    for row in list(user.memberships):
        if row.office_id not in wanted_offices:
            user.memberships.remove(row)
    for office_id in sorted(wanted_offices - {m.office_id for m in user.memberships}):
        user.memberships.append(OfficeMembership(office_id=office_id))


def create_user(actor, data: UserData, password: str) -> User:
    _validate(data, None, password)
    user = User(email=normalise_email(data.email), display_name=data.display_name)
    _apply(user, data)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "create", "user", user.id, details=audit.diff({}, _snapshot(user)))
    return user


def update_user(actor, user: User, data: UserData, loaded_version: int | None) -> User:
    if loaded_version != user.version:
        raise StaleVersion(user)
    if user.id == getattr(actor, "id", None):
        # An admin cannot lock themselves out by accident.
        if Role.ADMIN.value not in data.roles:
            raise ValidationFailed({"roles": _("You cannot remove your own administrator role.")})
        if not data.active:
            raise ValidationFailed({"active": _("You cannot deactivate your own account.")})
    _validate(data, user.id, None)
    before = _snapshot(user)
    _apply(user, data)
    changes = audit.diff(before, _snapshot(user))
    if changes:
        user.updated_at = utcnow()  # forces an UPDATE, which bumps the version
        db.session.flush()
        if not user.active:
            end_all_sessions(user)
        audit.record(actor, "update", "user", user.id, details=changes)
    return user


def set_active(actor, user: User, active: bool) -> None:
    if user.id == getattr(actor, "id", None) and not active:
        raise ValidationFailed({"active": _("You cannot deactivate your own account.")})
    if user.active == active:
        return
    user.active = active
    db.session.flush()
    if not active:
        end_all_sessions(user)
    audit.record(actor, "activate" if active else "deactivate", "user", user.id)


def reset_password(actor, user: User, password: str) -> None:
    problems = password_problems(
        password,
        staff=user.is_staff,
        context=(user.email, user.email.split("@")[0], user.display_name),
    )
    if problems:
        raise ValidationFailed({"password": problems})
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    db.session.flush()
    end_all_sessions(user)
    audit.record(actor, "reset_password", "user", user.id)
