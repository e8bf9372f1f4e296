"""Interpreters, what appointments need of them, rounds and the assignments they lead to."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core.clock import utcnow
from caseapp.db import TimestampMixin
from caseapp.extensions import db

# An assignment's life: a round proposes, the coordinator offers it to the interpreter, who
# accepts or declines; the coordinator may withdraw a proposal or an offer.
PROPOSED = "proposed"
OFFERED = "offered"
ACCEPTED = "accepted"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
# Statuses that hold the appointment and the interpreter's time.
HOLDING = (PROPOSED, OFFERED, ACCEPTED)


class Interpreter(TimestampMixin, db.Model):
    """A volunteer of the interpreter programme (volunteer_id set) or a paid interpreter
    entered by the administrator (name, e-mail and hourly rate; no account)."""

    __tablename__ = "interpreters"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), unique=True
    )
    name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    hourly_rate_cents: Mapped[int] = mapped_column(default=0)
    gender: Mapped[str] = mapped_column(String(10), default="")
    # ["ar:ar-levant", "ku:ku-kmr", "tr:"]: ISO code and variety of the shipped list
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    district_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # ["0-morning", "2-afternoon", ...] as volunteers' availability
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    modes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The signed confidentiality pledge; nobody is assigned without one.
    pledge_signed_on: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True, index=True)
    version: Mapped[int] = mapped_column(default=1)

    volunteer = relationship("Volunteer", lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Interpreter {self.id} {'volunteer' if self.volunteer_id else 'paid'}>"

    @property
    def paid(self) -> bool:
        return self.volunteer_id is None

    @property
    def display_name(self) -> str:
        return self.volunteer.name if self.volunteer is not None else self.name

    @property
    def contact_email(self) -> str:
        return self.volunteer.email if self.volunteer is not None else self.email

    @property
    def contact_language(self) -> str:
        return self.volunteer.language if self.volunteer is not None else "de"


class InterpreterNeed(TimestampMixin, db.Model):
    """What an appointment with an interpreter language asks of the interpreter."""

    __tablename__ = "interpreter_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), unique=True
    )
    variety: Mapped[str] = mapped_column(String(20), default="")
    variety_strict: Mapped[bool] = mapped_column(default=False)
    gender: Mapped[str] = mapped_column(String(10), default="")
    gender_strict: Mapped[bool] = mapped_column(default=False)
    mode: Mapped[str] = mapped_column(String(12), default="in_person")
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<InterpreterNeed appointment={self.appointment_id}>"


class InterpreterSettings(db.Model):
    """One row: travel time between offices and the round budget for paid interpreters."""

    __tablename__ = "interpreter_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    travel_minutes: Mapped[int] = mapped_column(default=30)
    budget_cents: Mapped[int | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<InterpreterSettings travel={self.travel_minutes}>"


class InterpreterRound(db.Model):
    __tablename__ = "interpreter_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    optimal: Mapped[bool] = mapped_column(default=True)
    stats: Mapped[dict] = mapped_column(JSON, default=dict)

    created_by = relationship("User", lazy="joined")
    unmatched: Mapped[list[InterpreterUnmatched]] = relationship(
        back_populates="round", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<InterpreterRound {self.id} {self.starts_on}..{self.ends_on}>"


class InterpreterAssignment(db.Model):
    """An interpreter for one appointment, from proposal to acceptance (or not)."""

    __tablename__ = "interpreter_assignments"
    __table_args__ = (
        Index("ix_interpreter_assignments_interpreter_start", "interpreter_id", "starts_at"),
        Index("ix_interpreter_assignments_round_status", "round_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("interpreter_rounds.id", ondelete="SET NULL")
    )
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    interpreter_id: Mapped[int] = mapped_column(ForeignKey("interpreters.id", ondelete="CASCADE"))
    # The appointment's id while this assignment holds it, else NULL: one holder at most.
    holding_appointment_id: Mapped[int | None] = mapped_column(unique=True)
    status: Mapped[str] = mapped_column(String(12), default=PROPOSED, index=True)
    # Copied from the appointment when proposed, so clashes are found without joining.
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    mode: Mapped[str] = mapped_column(String(12), default="in_person")
    score: Mapped[float] = mapped_column(default=0.0)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    cost_cents: Mapped[int] = mapped_column(default=0)
    # For paid interpreters without an account: the secret in their e-mail's link.
    token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    offered_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    interpreter = relationship("Interpreter", lazy="joined")
    appointment = relationship("Appointment", lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<InterpreterAssignment {self.id} {self.status}>"


class InterpreterUnmatched(db.Model):
    """An appointment a round found no interpreter for, and why."""

    __tablename__ = "interpreter_unmatched"
    __table_args__ = (UniqueConstraint("round_id", "appointment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("interpreter_rounds.id", ondelete="CASCADE"), index=True
    )
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(24))
    # [["language", 12], ["availability", 3], ...]
    blocked_by: Mapped[list] = mapped_column(JSON, default=list)
    candidates: Mapped[int] = mapped_column(default=0)

    round: Mapped[InterpreterRound] = relationship(back_populates="unmatched")
    appointment = relationship("Appointment", lazy="joined")

    def __repr__(self) -> str:
        return f"<InterpreterUnmatched {self.appointment_id} {self.reason}>"
