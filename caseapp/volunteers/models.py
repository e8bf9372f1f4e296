"""Programmes, volunteer profiles, applications, trainings, certificates and hours."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.auth.models import User
from caseapp.core.clock import utcnow
from caseapp.db import TimestampMixin, TrilingualTextMixin
from caseapp.extensions import db
from caseapp.i18n import DEFAULT_LANGUAGE
from caseapp.offices.models import District

training_programmes = Table(
    "training_programmes",
    db.metadata,
    Column("training_id", ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "programme_id", ForeignKey("volunteer_programmes.id", ondelete="CASCADE"), primary_key=True
    ),
)


class Programme(TrilingualTextMixin, TimestampMixin, db.Model):
    """A volunteer programme; name and description in German, Arabic and Turkish."""

    __tablename__ = "volunteer_programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    name_de: Mapped[str] = mapped_column(String(120), unique=True)
    name_ar: Mapped[str] = mapped_column(String(120), default="")
    name_tr: Mapped[str] = mapped_column(String(120), default="")
    description_de: Mapped[str] = mapped_column(Text, default="")
    description_ar: Mapped[str] = mapped_column(Text, default="")
    description_tr: Mapped[str] = mapped_column(Text, default="")
    min_commitment_months: Mapped[int] = mapped_column(default=6)
    # How many trainings covering this programme a volunteer attends before the certificate.
    required_trainings: Mapped[int] = mapped_column(default=1)
    good_conduct_required: Mapped[bool] = mapped_column(default=False)
    max_newcomers: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True, index=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Programme {self.id} {self.kind}>"


class Volunteer(TimestampMixin, db.Model):
    """The volunteer profile of a User with the volunteer role (one per user)."""

    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    # [{"code": "ar", "level": "native"}, ...]
    languages: Mapped[list[dict]] = mapped_column(JSON, default=list)
    # Plain list of ISO codes for filtering without parsing JSON in SQL.
    language_codes: Mapped[str] = mapped_column(String(120), default="", index=True)
    skills: Mapped[str] = mapped_column(Text, default="")
    profession: Mapped[str] = mapped_column(String(120), default="")
    interests: Mapped[str] = mapped_column(Text, default="")
    # ["0-morning", "2-evening", ...]
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(default=1, index=True)
    gender: Mapped[str] = mapped_column(String(10), default="none")
    birth_year: Mapped[int | None]
    consent_version: Mapped[str] = mapped_column(String(20), default="")
    consent_at: Mapped[datetime | None]
    email_confirmed_at: Mapped[datetime | None] = mapped_column(index=True)
    # Certificate of good conduct (erweitertes Führungszeugnis): only that it was seen.
    good_conduct_seen_on: Mapped[date | None]
    good_conduct_seen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    good_conduct_valid_until: Mapped[date | None] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(default=1)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    district: Mapped[District | None] = relationship(lazy="joined")
    good_conduct_seen_by: Mapped[User | None] = relationship(foreign_keys=[good_conduct_seen_by_id])
    applications: Mapped[list[Application]] = relationship(
        back_populates="volunteer", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Volunteer {self.id} user={self.user_id}>"

    @property
    def name(self) -> str:
        return self.user.display_name

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def language(self) -> str:
        return self.user.preferred_language or DEFAULT_LANGUAGE


class Application(TimestampMixin, db.Model):
    """A volunteer's place in one programme, from application to the end of the engagement."""

    __tablename__ = "volunteer_applications"
    __table_args__ = (UniqueConstraint("volunteer_id", "programme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    programme_id: Mapped[int] = mapped_column(ForeignKey("volunteer_programmes.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="applied", index=True)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    volunteer: Mapped[Volunteer] = relationship(back_populates="applications")
    programme: Mapped[Programme] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.status}>"


class Training(TimestampMixin, db.Model):
    __tablename__ = "trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200), default="")
    capacity: Mapped[int] = mapped_column(default=20)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    programmes: Mapped[list[Programme]] = relationship(
        secondary=training_programmes, lazy="selectin", order_by=Programme.name_de
    )
    registrations: Mapped[list[TrainingRegistration]] = relationship(
        back_populates="training", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Training {self.id} {self.starts_at:%Y-%m-%d}>"

    @property
    def places_left(self) -> int:
        return max(self.capacity - len(self.registrations), 0)


class TrainingRegistration(db.Model):
    __tablename__ = "training_registrations"
    __table_args__ = (UniqueConstraint("training_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(
        ForeignKey("trainings.id", ondelete="CASCADE"), index=True
    )
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    attended: Mapped[bool] = mapped_column(default=False)

    training: Mapped[Training] = relationship(back_populates="registrations")
    volunteer: Mapped[Volunteer] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<TrainingRegistration {self.training_id}/{self.volunteer_id}>"


class Certificate(db.Model):
    """Issued when a volunteer completed a programme's trainings; checked by its random code."""

    __tablename__ = "volunteer_certificates"
    __table_args__ = (UniqueConstraint("volunteer_id", "programme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    programme_id: Mapped[int] = mapped_column(ForeignKey("volunteer_programmes.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None]

    volunteer: Mapped[Volunteer] = relationship(lazy="joined")
    programme: Mapped[Programme] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Certificate {self.id}>"

    @property
    def valid(self) -> bool:
        return self.revoked_at is None


class HoursEntry(db.Model):
    """A meeting or piece of work a volunteer logged (per match once matching exists)."""

    __tablename__ = "volunteer_hours"
    __table_args__ = (Index("ix_volunteer_hours_volunteer_day", "volunteer_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("volunteer_programmes.id"), index=True)
    # The match the meeting belongs to (a check-in), if any.
    match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id"), index=True)
    day: Mapped[date] = mapped_column(index=True)
    minutes: Mapped[int]
    activity: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<HoursEntry {self.id} {self.minutes}min>"


class PublicAttempt(db.Model):
    """Sign-ups and certificate checks per client address, to slow down bots and guessing."""

    __tablename__ = "volunteer_public_attempts"
    __table_args__ = (Index("ix_volunteer_public_attempts_ip_at", "kind", "ip_address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    ip_address: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<PublicAttempt {self.kind} {self.ip_address}>"
