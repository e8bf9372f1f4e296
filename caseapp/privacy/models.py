"""Retention rules and runs, the deletion log, erasure requests, legal holds, export requests.

None of these tables holds personal data beyond the ids of the records they are about: the
deletion log says what kind, how many and which rule, never whose.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core.clock import utcnow
from caseapp.extensions import db


class RetentionRule(db.Model):
    """How long one kind of record is kept (days); missing rows fall back to the defaults in
    caseapp.privacy.retention.DEFAULT_DAYS."""

    __tablename__ = "retention_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), unique=True)
    days: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<RetentionRule {self.kind} {self.days}d>"


class RetentionRun(db.Model):
    """One run of `retention run` (or of the schedule, or a dry run): what it found and did.
    A run interrupted stays `running`; the next run carries on where it stopped."""

    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    dry_run: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12), default="running")
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # [{"kind", "action", "rule", "count"}] — what was (or, dry, would be) done.
    summary: Mapped[list[dict]] = mapped_column(JSON, default=list)

    def __repr__(self) -> str:
        return f"<RetentionRun {self.id} {self.status}>"


class DeletionLogEntry(db.Model):
    """What a run (or an erasure) deleted or anonymised: kind, how many, under which rule.
    Written in the same transaction as the work it counts."""

    __tablename__ = "deletion_log"
    __table_args__ = (UniqueConstraint("run_id", "kind", "action", "rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("retention_runs.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(12))  # deleted | anonymised | emptied
    rule: Mapped[str] = mapped_column(String(40))
    count: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<DeletionLogEntry {self.kind} {self.action} {self.count}>"


class AnonymisedPerson(db.Model):
    """A person whose record was anonymised (by retention or erasure): never again due."""

    __tablename__ = "anonymised_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), unique=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    rule: Mapped[str] = mapped_column(String(40))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("retention_runs.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<AnonymisedPerson {self.person_id} {self.rule}>"


class LegalHold(db.Model):
    """A case that must not be anonymised or erased (a court case, an inspection) until the
    hold is lifted."""

    __tablename__ = "legal_holds"
    __table_args__ = (Index("ix_legal_holds_case_lifted", "case_id", "lifted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    reason: Mapped[str] = mapped_column(String(300))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case = relationship("Case", lazy="joined")

    def __repr__(self) -> str:
        return f"<LegalHold case={self.case_id}>"


class ErasureRequest(db.Model):
    """Erasure on request (art. 17): asked for by one account, confirmed by another with the
    data-protection permission (four eyes); confirming anonymises the person at once."""

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(12), default="requested", index=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    person = relationship("Person", lazy="joined")
    requested_by = relationship("User", foreign_keys=[requested_by_id], lazy="joined")
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<ErasureRequest {self.id} {self.status}>"


class ExportRequest(db.Model):
    """A copy of their data a person asked for (in the portal or at the office), waiting for
    their caseworker; done when the export was produced."""

    __tablename__ = "export_requests"
    __table_args__ = (Index("ix_export_requests_office_status", "office_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    via: Mapped[str] = mapped_column(String(10), default="portal")  # portal | office
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | done
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    person = relationship("Person", lazy="joined")

    def __repr__(self) -> str:
        return f"<ExportRequest {self.id} {self.status}>"
