"""Partners without a Lotse account and the signed links they have used.

A partner (a counselling centre, a language school) is an office of the directory that has
no users: its services are ordinary services, consents name it like any office, and a
referral to it is an ordinary referral. What is its own: the address its referral e-mails
go to (not necessarily the public one) and the record of the links it has used.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core.clock import utcnow
from caseapp.db import TimestampMixin
from caseapp.extensions import db


class Partner(TimestampMixin, db.Model):
    """The office of a partner without an account, and where its referrals are e-mailed."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(
        ForeignKey("offices.id", ondelete="CASCADE"), unique=True
    )
    email: Mapped[str] = mapped_column(String(254))
    contact_name: Mapped[str] = mapped_column(String(160), default="")
    # The language of the e-mails and of the pages the links open.
    language: Mapped[str] = mapped_column(String(8), default="de")
    active: Mapped[bool] = mapped_column(default=True, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    office = relationship("Office", lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Partner {self.id} office={self.office_id}>"


class PartnerLinkUse(db.Model):
    """A signed link that has been used: each link works once for its action."""

    __tablename__ = "partner_link_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(20))
    # sha256 of the token's nonce: enough to refuse it again, useless to forge one.
    nonce_digest: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<PartnerLinkUse {self.referral_id} {self.action}>"
