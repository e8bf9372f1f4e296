"""Tables of the second factor: TOTP secrets, recovery codes, per-role policy, reset requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.clock import utcnow
from caseapp.crypto.types import EncryptedText
from caseapp.extensions import db


class SecondFactor(db.Model):
    """A user's TOTP authenticator (RFC 6238); `confirmed_at` None while being set up."""

    __tablename__ = "second_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # The base32 key, encrypted at rest with CASEAPP_DATA_KEYS (caseapp/crypto): a copy of the
    # database alone does not let anyone compute a user's codes.
    secret: Mapped[str] = mapped_column(EncryptedText(64))
    confirmed_at: Mapped[datetime | None]
    # The last 30-second time step a code was accepted for: that code (and older) never again.
    last_step: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<SecondFactor user={self.user_id} confirmed={self.confirmed_at is not None}>"


class RecoveryCode(db.Model):
    """One single-use recovery code, stored as sha256(salt + code); see docs/security.md."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    salt: Mapped[str] = mapped_column(String(32))
    digest: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} user={self.user_id} used={self.used_at is not None}>"


class SecondFactorPolicy(db.Model):
    """The administrator's choice for one role: required, recommended or optional."""

    __tablename__ = "second_factor_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(20), unique=True)
    level: Mapped[str] = mapped_column(String(12))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<SecondFactorPolicy {self.role} {self.level}>"


class SecondFactorReset(db.Model):
    """An administrator's account's second factor is reset by two administrators (four eyes)."""

    __tablename__ = "second_factor_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Set when confirmed, or when the request was withdrawn / superseded (then no confirmer).
    closed_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<SecondFactorReset {self.id} user={self.user_id}>"
