"""Deadline kinds (the administrator's catalogue), deadlines on persons and issued warnings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core.clock import utcnow
from caseapp.db import TimestampMixin
from caseapp.deadlines import rules
from caseapp.extensions import db

# Languages the kind's texts are kept in (data, not gettext: the administrator writes them).
TEXT_LANGUAGES = ("de", "ar", "tr", "en")
TEXT_FIELDS = ("name", "explanation", "next_step", "documents")

OPEN, HANDLED, MISSED = "open", "handled", "missed"
STATUSES = (OPEN, HANDLED, MISSED)


class DeadlineKind(TimestampMixin, db.Model):
    """A kind of deadline with its rule, warning offsets and texts in four languages."""

    __tablename__ = "deadline_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    # {"de": "...", "ar": "...", "tr": "...", "en": "..."} each; German is always filled.
    names: Mapped[dict] = mapped_column(JSON, default=dict)
    explanations: Mapped[dict] = mapped_column(JSON, default=dict)
    next_steps: Mapped[dict] = mapped_column(JSON, default=dict)
    documents: Mapped[dict] = mapped_column(JSON, default=dict)
    rule: Mapped[str] = mapped_column(String(20), default=rules.ENTERED)
    source: Mapped[str] = mapped_column(String(40), default="")
    months: Mapped[int] = mapped_column(default=0)
    days: Mapped[int] = mapped_column(default=0)
    age_years: Mapped[int] = mapped_column(default=0)
    cutoff_month: Mapped[int] = mapped_column(default=0)
    cutoff_day: Mapped[int] = mapped_column(default=0)
    # Weeks before the deadline at which to warn, e.g. [12, 6].
    warn_weeks: Mapped[list[int]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<DeadlineKind {self.code}>"

    def _texts(self, field: str) -> dict:
        return getattr(self, "documents" if field == "documents" else f"{field}s") or {}

    def text(self, field: str, language: str) -> str:
        """The text in `language`, else English, else German."""
        values = self._texts(field)
        return values.get(language) or values.get("en") or values.get("de") or ""

    def text_value(self, field: str, language: str) -> str:
        """The text as entered for `language` (empty when there is none)."""
        return self._texts(field).get(language, "")

    def name(self, language: str) -> str:
        return self.text("name", language)

    @property
    def as_rule(self) -> rules.Rule:
        return rules.Rule(
            rule=self.rule,
            source=self.source,
            months=self.months,
            days=self.days,
            age_years=self.age_years,
            cutoff_month=self.cutoff_month,
            cutoff_day=self.cutoff_day,
        )


class Deadline(db.Model):
    """A deadline of one person: derived by the scan from a stored date, or entered.

    Derived rows carry `derived_key` ("person:kind:date", unique), so the scan adds each once;
    a changed source date gives a new row and removes the open one it replaces. Entered rows
    have no key. `office_id` is the person's office (it never changes), for the office scope.
    """

    __tablename__ = "deadlines"
    __table_args__ = (
        Index("ix_deadlines_office_status_due", "office_id", "status", "due_on"),
        Index("ix_deadlines_status_due", "status", "due_on"),
        Index("ix_deadlines_person_status", "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    kind_id: Mapped[int] = mapped_column(ForeignKey("deadline_kinds.id"), index=True)
    due_on: Mapped[date]
    # The stored date it was derived from (None for entered deadlines).
    source_date: Mapped[date | None]
    derived_key: Mapped[str | None] = mapped_column(String(60), unique=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    handled_on: Mapped[date | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    missed_at: Mapped[datetime | None]
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    kind: Mapped[DeadlineKind] = relationship(lazy="joined")
    person = relationship("Person", lazy="joined")
    handled_by = relationship("User", foreign_keys=[handled_by_id], lazy="joined")

    def __repr__(self) -> str:
        return f"<Deadline {self.id} {self.kind_id} on {self.due_on} {self.status}>"

    @property
    def derived(self) -> bool:
        return self.derived_key is not None


class DeadlineWarning(db.Model):
    """A warning given for a deadline at one offset: the next step made and the reminder
    queued. Unique per (deadline, weeks), so a scan run twice warns once."""

    __tablename__ = "deadline_warnings"
    __table_args__ = (UniqueConstraint("deadline_id", "weeks"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id", ondelete="CASCADE"))
    weeks: Mapped[int]
    next_step_id: Mapped[int | None] = mapped_column(ForeignKey("next_steps.id"))
    reminders: Mapped[int] = mapped_column(default=0)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<DeadlineWarning {self.deadline_id} {self.weeks}w>"
