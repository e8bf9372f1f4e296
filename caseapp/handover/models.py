"""A caseload handover: who handed over whose open work to whom, item by item."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core.clock import utcnow
from caseapp.extensions import db

CASE = "case"
STEP = "step"
APPOINTMENT = "appointment"
KINDS = (CASE, STEP, APPOINTMENT)


class Handover(db.Model):
    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    cases: Mapped[int] = mapped_column(default=0)
    steps: Mapped[int] = mapped_column(default=0)
    appointments: Mapped[int] = mapped_column(default=0)

    items: Mapped[list[HandoverItem]] = relationship(
        back_populates="handover", cascade="all, delete-orphan", lazy="selectin"
    )
    from_user = relationship("User", foreign_keys=[from_user_id], lazy="joined")
    by = relationship("User", foreign_keys=[by_id], lazy="joined")

    def __repr__(self) -> str:
        return f"<Handover {self.id} from={self.from_user_id}>"


class HandoverItem(db.Model):
    """One case, next step or appointment and its new owner."""

    __tablename__ = "handover_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(
        ForeignKey("handovers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))
    record_id: Mapped[int]
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    handover: Mapped[Handover] = relationship(back_populates="items")

    def __repr__(self) -> str:
        return f"<HandoverItem {self.kind} {self.record_id} to={self.to_user_id}>"
