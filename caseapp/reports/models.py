"""Structural barriers tagged on consultations, and the indexes the report queries need."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.appointments.models import Appointment, RescheduleRequest
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.matches.models import Match
from caseapp.people.models import AidEntry, Case, CaseStatusChange, Consultation, NextStep
from caseapp.referrals.models import Referral
from caseapp.volunteers.models import Application, Certificate, Volunteer


class ConsultationBarrier(db.Model):
    """A structural barrier a caseworker saw in a consultation (reports count them; the note
    stays in the case file)."""

    __tablename__ = "consultation_barriers"
    __table_args__ = (
        UniqueConstraint("consultation_id", "code"),
        Index("ix_consultation_barriers_code", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<ConsultationBarrier {self.consultation_id} {self.code}>"


class ReportSnapshot(db.Model):
    """One indicator's suppressed cube for one year, computed by `flask reports refresh`, so
    that pages read it instead of aggregating a million rows per request. Only suppressed
    aggregates are stored (zlib-compressed JSON), never rows or names."""

    __tablename__ = "report_snapshots"
    __table_args__ = (UniqueConstraint("indicator", "year", "min_cell"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    min_cell: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    payload: Mapped[bytes] = mapped_column(LargeBinary)

    def __repr__(self) -> str:
        return f"<ReportSnapshot {self.indicator} {self.year}>"


# Period filters of the report queries: one range scan per indicator and year instead of a
# full table scan. Declared here, next to the queries that need them, on the owners' tables.
REPORT_INDEXES = (
    Index("ix_reports_cases_created", Case.created_at),
    Index("ix_reports_case_status_changes_at", CaseStatusChange.to_status, CaseStatusChange.at),
    Index("ix_reports_consultations_at", Consultation.at, Consultation.office_id),
    Index("ix_reports_next_steps_due", NextStep.due_on),
    Index("ix_reports_aid_entries_given", AidEntry.given_on),
    Index("ix_reports_referrals_sent", Referral.sent_at),
    Index("ix_reports_appointments_start", Appointment.starts_at),
    Index("ix_reports_reschedule_requests_at", RescheduleRequest.requested_at),
    Index("ix_reports_volunteers_created", Volunteer.created_at),
    Index("ix_reports_applications_decided", Application.decided_at),
    Index("ix_reports_certificates_issued", Certificate.issued_at),
    Index("ix_reports_matches_started", Match.started_on),
    Index("ix_reports_matches_ended", Match.ended_on),
)
