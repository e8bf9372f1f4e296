"""Private calendar feed addresses (one per person, revocable)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.clock import utcnow
from caseapp.extensions import db


class CalendarFeed(db.Model):
    """A secret address under which a calendar app reads one person's own dates.

    The token is kept as it is, not hashed: the address is shown again on the account page,
    and whoever can read this table can read the appointments themselves anyway.
    """

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<CalendarFeed {self.id} user={self.user_id}>"
