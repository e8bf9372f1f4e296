"""API tokens: a partner system's key, bound to one office and a subset of roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core.clock import utcnow
from caseapp.extensions import db

# Roles a token may carry; administrators' and personal roles never go to another system.
TOKEN_ROLES = ("caseworker", "coordinator", "reports")


class ApiToken(db.Model):
    """One token. Only the SHA-256 digest of its secret is stored; the secret is shown once.

    The token acts through its own account row (`user_id`, inactive, without password,
    roles or memberships), so every audit entry, history row and "recorded by" names it.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # The first characters of the secret, shown in the list to tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    secret_digest: Mapped[str] = mapped_column(String(64), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    # Addresses or networks (CIDR), one per line; empty means any address.
    allowed_ips: Mapped[str] = mapped_column(String(1000), default="")
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_used_at: Mapped[datetime | None]
    last_used_ip: Mapped[str] = mapped_column(String(45), default="")
    # Rate limit: requests counted in the current one-minute window.
    window_started_at: Mapped[datetime | None]
    window_count: Mapped[int] = mapped_column(default=0)

    # Not loaded with the token: each API request reads only the token's own row.
    office = relationship("Office", lazy="select")

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix} office={self.office_id}>"
