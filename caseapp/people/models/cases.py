"""Cases and the daily work on them: needs, status, consents, consultations, next steps, aid."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core.clock import local_today, utcnow
from caseapp.crypto.types import EncryptedText
from caseapp.db import TimestampMixin, TrilingualNameMixin
from caseapp.extensions import db

if TYPE_CHECKING:  # resolved by name in SQLAlchemy's registry at run time
    from caseapp.people.models.persons import Person


class Case(TimestampMixin, db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_office_status_updated", "office_id", "status", "updated_at"),
        Index("ix_cases_status_updated", "status", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(20), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    closed_reason: Mapped[str] = mapped_column(String(40), default="")
    version: Mapped[int] = mapped_column(default=1)

    person: Mapped[Person] = relationship(back_populates="case", lazy="joined")
    need_rows: Mapped[list[CaseNeed]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    vulnerability_rows: Mapped[list[CaseVulnerability]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    caseworker = relationship("User", lazy="joined")
    office = relationship("Office", lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Case {self.case_number}>"

    @property
    def need_areas(self) -> list[str]:
        return sorted(r.need for r in self.need_rows)

    @property
    def vulnerabilities(self) -> list[str]:
        return sorted(r.flag for r in self.vulnerability_rows)


class CaseNeed(db.Model):
    """One row per need area of a case, so lists can filter by need area with an index."""

    __tablename__ = "case_needs"
    __table_args__ = (UniqueConstraint("case_id", "need"), Index("ix_case_needs_need", "need"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    need: Mapped[str] = mapped_column(String(20))

    def __repr__(self) -> str:
        return f"<CaseNeed {self.case_id} {self.need}>"


class CaseVulnerability(db.Model):
    __tablename__ = "case_vulnerabilities"
    __table_args__ = (
        UniqueConstraint("case_id", "flag"),
        Index("ix_case_vulnerabilities_flag", "flag"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    flag: Mapped[str] = mapped_column(String(30))

    def __repr__(self) -> str:
        return f"<CaseVulnerability {self.case_id} {self.flag}>"


class CaseStatusChange(db.Model):
    __tablename__ = "case_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(40), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    by = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<CaseStatusChange {self.case_id} {self.from_status}->{self.to_status}>"


class Consent(db.Model):
    """A person's consent to one purpose; for sharing, with one receiving office (or any).

    `categories` is the scope: which parts of the record it covers (vocab.DATA_CATEGORIES,
    the same list a referral shares from); `scope` is an optional free-text note on it.
    """

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(30))
    receiving_office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    scope: Mapped[str] = mapped_column(String(500), default="")
    given_on: Mapped[date]
    valid_until: Mapped[date | None]
    form: Mapped[str] = mapped_column(String(20))
    withdrawn_on: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    receiving_office = relationship("Office", lazy="joined")

    def __repr__(self) -> str:
        return f"<Consent {self.person_id} {self.purpose}>"

    def state(self, today: date | None = None) -> str:
        """'valid', 'withdrawn' or 'expired' (its end date has passed) on `today`."""
        if self.withdrawn_on is not None:
            return "withdrawn"
        if self.valid_until is not None and self.valid_until < (today or local_today()):
            return "expired"
        return "valid"


class Consultation(db.Model):
    __tablename__ = "consultations"
    __table_args__ = (Index("ix_consultations_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]
    duration_minutes: Mapped[int]
    mode: Mapped[str] = mapped_column(String(20))
    interpreter_language: Mapped[str] = mapped_column(String(8), default="")
    need_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(EncryptedText(8000), default="")  # casework.MAX_NOTES
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    caseworker = relationship("User", lazy="joined")
    office = relationship("Office", lazy="joined")

    def __repr__(self) -> str:
        return f"<Consultation {self.id} case={self.case_id}>"


class NextStep(db.Model):
    __tablename__ = "next_steps"
    __table_args__ = (Index("ix_next_steps_owner_due", "owner_id", "done_at", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"))
    description: Mapped[str] = mapped_column(String(500))
    due_on: Mapped[date]
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_at: Mapped[datetime | None]

    owner = relationship("User", lazy="joined")
    case = relationship("Case", lazy="joined")

    def __repr__(self) -> str:
        return f"<NextStep {self.id} due {self.due_on}>"


class AidKind(TrilingualNameMixin, db.Model):
    __tablename__ = "aid_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_de: Mapped[str] = mapped_column(String(120), unique=True)
    name_ar: Mapped[str] = mapped_column(String(120), default="")
    name_tr: Mapped[str] = mapped_column(String(120), default="")
    # Giving the same kind to the same household again within this many days asks for a reason.
    min_interval_days: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<AidKind {self.name_de}>"


class AidEntry(db.Model):
    __tablename__ = "aid_entries"
    __table_args__ = (
        Index("ix_aid_entries_household_kind", "household_id", "aid_kind_id", "given_on"),
        Index("ix_aid_entries_person_kind", "person_id", "aid_kind_id", "given_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    aid_kind_id: Mapped[int] = mapped_column(ForeignKey("aid_kinds.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    given_on: Mapped[date]
    value_cents: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(String(500), default="")
    override_reason: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    kind = relationship("AidKind", lazy="joined")
    office = relationship("Office", lazy="joined")
    recorded_by = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<AidEntry {self.id} kind={self.aid_kind_id}>"
