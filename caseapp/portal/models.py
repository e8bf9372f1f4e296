"""A newcomer's portal access: hashed code, account, reminder contact."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.db import TimestampMixin
from caseapp.extensions import db


class PortalAccess(TimestampMixin, db.Model):
    """One per person: the current access code (argon2 hash), the newcomer account it opens,
    and the contact the newcomer gave for reminders (with the time consent was given)."""

    __tablename__ = "portal_accesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    code_hash: Mapped[str | None] = mapped_column(String(255))
    code_issued_at: Mapped[datetime | None]
    code_expires_at: Mapped[datetime | None]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The newcomer's language for the portal, slips, e-mails and SMS ("" = from the case file).
    language: Mapped[str] = mapped_column(String(8), default="")
    reminder_email: Mapped[str] = mapped_column(String(254), default="")
    reminder_phone: Mapped[str] = mapped_column(String(40), default="")
    reminder_consent_at: Mapped[datetime | None]

    person = relationship("Person", lazy="joined")
    user = relationship("User", foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<PortalAccess person={self.person_id}>"
