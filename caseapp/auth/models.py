"""User accounts, their roles, office memberships and server-side sessions."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.auth.roles import STAFF_ROLES, Role
from caseapp.db import TimestampMixin
from caseapp.extensions import db


class User(TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored case-folded (Turkish İ/ı handled in normalise_email) so logins match however typed.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    preferred_language: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(default=True, index=True)
    password_changed_at: Mapped[datetime | None]
    # Optimistic locking: the edit form carries the version it was loaded with.
    version: Mapped[int] = mapped_column(default=1)

    # The signed-in user's roles and offices come with the session row (auth.services.
    # load_session_user); other users (a consultation's caseworker, an appointment's) are
    # mostly shown by name, so their roles and offices load only when asked for.
    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="select"
    )
    memberships: Mapped[list[OfficeMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="select"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    # Roles and offices
    @property
    def role_set(self) -> frozenset[Role]:
        return _role_set(tuple(r.role for r in self.roles))

    def has_role(self, *roles: Role | str) -> bool:
        return bool(self.role_set & _role_set(roles))

    @property
    def is_staff(self) -> bool:
        return bool(self.role_set & STAFF_ROLES)

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.role_set

    @property
    def office_ids(self) -> frozenset[int]:
        return frozenset(m.office_id for m in self.memberships)

    @property
    def offices(self):
        return sorted((m.office for m in self.memberships), key=lambda o: o.name.casefold())


@lru_cache(maxsize=64)
def _role_set(names: tuple[Role | str, ...]) -> frozenset[Role]:
    """Role names as a set of Role (asked several times per page: cached, as there are few)."""
    return frozenset(Role(name) for name in names)


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), index=True)

    user: Mapped[User] = relationship(back_populates="roles")

    def __repr__(self) -> str:
        return f"<UserRole {self.user_id} {self.role}>"


class OfficeMembership(db.Model):
    __tablename__ = "office_memberships"
    __table_args__ = (UniqueConstraint("user_id", "office_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)

    user: Mapped[User] = relationship(back_populates="memberships")
    office = relationship("Office", lazy="joined")

    def __repr__(self) -> str:
        return f"<OfficeMembership user={self.user_id} office={self.office_id}>"


class UserSession(db.Model):
    """A signed-in browser. Revoking the row ends the session on the server side."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    ip_address: Mapped[str | None] = mapped_column(String(45))
    # "My sessions": the browser as it named itself, and when it was last used (to the minute).
    user_agent: Mapped[str | None] = mapped_column(String(255))
    last_seen_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"


# The second factor's tables live in their own module; imported here so every import of the
# auth models (migrations, tests) sees them.
from caseapp.auth.second_factor_models import (  # noqa: E402,F401
    RecoveryCode,
    SecondFactor,
    SecondFactorPolicy,
    SecondFactorReset,
)
