"""The whole-register duplicate review: scans, the pairs they found, decisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.people.models.persons import SEARCH_KEY


class DuplicateScan(db.Model):
    """One run of the whole-register duplicate scan. It walks the name keys in order and
    commits after every batch, so `last_key` says where to go on after an interruption."""

    __tablename__ = "duplicate_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    last_key: Mapped[str] = mapped_column(SEARCH_KEY, default="")
    pairs: Mapped[int] = mapped_column(default=0)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<DuplicateScan {self.id} at {self.last_key!r}>"


class DuplicatePair(db.Model):
    """A pair of records a scan found, with its tier, score, reasons and how much finding it
    is worth (open cases in two offices, aid in both: where repeated aid happens)."""

    __tablename__ = "duplicate_pairs"
    __table_args__ = (
        UniqueConstraint("scan_id", "a_id", "b_id"),
        Index("ix_duplicate_pairs_queue", "scan_id", "tier", "benefit", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("duplicate_scans.id", ondelete="CASCADE"))
    a_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)  # the lower id
    b_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    tier: Mapped[str] = mapped_column(String(12))
    score: Mapped[float]
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    benefit: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<DuplicatePair {self.a_id}~{self.b_id} {self.tier}>"


class DuplicateDecision(db.Model):
    """An administrator's decision on a pair: "different" (never proposed again) or "later"
    (kept out of the way until the queue is done). Who and when, for the record."""

    __tablename__ = "duplicate_decisions"
    __table_args__ = (UniqueConstraint("a_id", "b_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    a_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))  # the lower id
    b_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    decision: Mapped[str] = mapped_column(String(12))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<DuplicateDecision {self.a_id}~{self.b_id} {self.decision}>"
