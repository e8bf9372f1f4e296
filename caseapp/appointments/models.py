"""Rooms, appointments, their history and newcomers' requests to reschedule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core.clock import utcnow
from caseapp.db import TimestampMixin
from caseapp.extensions import db

SCHEDULED = "scheduled"
CANCELLED = "cancelled"
ATTENDED = "attended"
NO_SHOW = "no_show"
CANCELLED_BY_NEWCOMER = "cancelled_by_newcomer"
# Statuses that occupy the caseworker and the room; a cancelled appointment frees both.
OCCUPYING = (SCHEDULED, ATTENDED, NO_SHOW)


class Room(db.Model):
    """A consultation room of one office."""

    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("office_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    notes: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    office = relationship("Office", lazy="joined")

    def __repr__(self) -> str:
        return f"<Room {self.id} {self.name}>"


class Appointment(TimestampMixin, db.Model):
    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_caseworker_start", "caseworker_id", "starts_at"),
        Index("ix_appointments_room_start", "room_id", "starts_at"),
        Index("ix_appointments_person_start", "person_id", "starts_at"),
        Index("ix_appointments_office_start", "office_id", "starts_at"),
        Index("ix_appointments_status_start", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    # Set when the appointment is for the person's whole household (every member sees it).
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # When the current time was set (booking or last reschedule): reminders due before it are
    # not sent, the booking notice covered them.
    scheduled_at: Mapped[datetime] = mapped_column(default=utcnow)
    need_area: Mapped[str] = mapped_column(String(20), default="")
    purpose: Mapped[str] = mapped_column(String(200), default="")
    interpreter_language: Mapped[str] = mapped_column(String(8), default="")
    # Shown to the newcomer (portal, slip, reminders): what to bring.
    notes_for_newcomer: Mapped[str] = mapped_column(Text, default="")
    # Codes of caseapp/appointments/documents.py DOCUMENTS, shown before the free text in the
    # reader's language.
    documents_to_bring: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(24), default=SCHEDULED)
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    person = relationship("Person", lazy="joined")
    office = relationship("Office", lazy="joined")
    room = relationship("Room", lazy="joined")
    caseworker = relationship("User", lazy="joined", foreign_keys=[caseworker_id])

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Appointment {self.id} {self.starts_at:%Y-%m-%d %H:%M} {self.status}>"

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class AppointmentChange(db.Model):
    """History: booked, moved, cancelled, attendance recorded — who, when, from what."""

    __tablename__ = "appointment_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(24))
    old_starts_at: Mapped[datetime | None]
    new_starts_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(String(300), default="")

    by = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<AppointmentChange {self.appointment_id} {self.action}>"


class RescheduleRequest(db.Model):
    """A newcomer asks for another time; the caseworker sees it and moves the appointment."""

    __tablename__ = "reschedule_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    message: Mapped[str] = mapped_column(Text, default="")
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    appointment = relationship("Appointment", lazy="joined")

    def __repr__(self) -> str:
        return f"<RescheduleRequest {self.id} appointment={self.appointment_id}>"
