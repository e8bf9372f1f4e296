"""Services offered by offices, routing rules, referrals and their dated steps.

Modelled after the Open Referral HSDS: organisation = Office, service = Service, service
area = service_districts, languages and schedule on the service.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core.clock import utcnow
from caseapp.crypto.types import EncryptedJSON, EncryptedText
from caseapp.db import TimestampMixin, TrilingualTextMixin
from caseapp.extensions import db

service_districts = Table(
    "service_districts",
    db.metadata,
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
    Column("district_id", ForeignKey("districts.id", ondelete="CASCADE"), primary_key=True),
)


def _split(key: str) -> list[str]:
    return [part for part in (key or "").split(",") if part]


def _join(values) -> str:
    """ ",a,b," so that `LIKE '%,a,%'` filters one value without a JSON query."""
    values = sorted(set(values or []))
    return f",{','.join(values)}," if values else ""


class Service(TrilingualTextMixin, TimestampMixin, db.Model):
    """One service an office offers (HSDS service), in three languages."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    name_de: Mapped[str] = mapped_column(String(160))
    name_ar: Mapped[str] = mapped_column(String(160), default="")
    name_tr: Mapped[str] = mapped_column(String(160), default="")
    description_de: Mapped[str] = mapped_column(Text, default="")
    description_ar: Mapped[str] = mapped_column(Text, default="")
    description_tr: Mapped[str] = mapped_column(Text, default="")
    need_key: Mapped[str] = mapped_column(String(300), default="", index=True)
    language_key: Mapped[str] = mapped_column(String(200), default="")
    eligibility: Mapped[str] = mapped_column(Text, default="")
    # Empty: the office's opening hours apply.
    hours_text: Mapped[str] = mapped_column(String(300), default="")
    how_to_reach: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[str] = mapped_column(String(20), default="accepting", index=True)
    capacity_set_on: Mapped[date | None]
    response_days: Mapped[int] = mapped_column(default=5)
    active: Mapped[bool] = mapped_column(default=True, index=True)
    version: Mapped[int] = mapped_column(default=1)

    office = relationship("Office", lazy="joined")
    districts = relationship(
        "District", secondary=service_districts, lazy="selectin", order_by="District.name"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Service {self.id} {self.name_de}>"

    @property
    def need_areas(self) -> list[str]:
        return _split(self.need_key)

    @need_areas.setter
    def need_areas(self, values) -> None:
        self.need_key = _join(values)

    @property
    def languages(self) -> list[str]:
        return _split(self.language_key)

    @languages.setter
    def languages(self, values) -> None:
        self.language_key = _join(values)


class RoutingRule(TimestampMixin, db.Model):
    """Need area + district + language (+ age group, residence status) → a service."""

    __tablename__ = "routing_rules"
    __table_args__ = (Index("ix_routing_rules_need_priority", "need", "priority"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need: Mapped[str] = mapped_column(String(20))
    # None: every district (a city-wide fallback).
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    language: Mapped[str] = mapped_column(String(8), default="")
    age_group: Mapped[str] = mapped_column(String(10), default="")
    residence_status: Mapped[str] = mapped_column(String(40), default="")
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    priority: Mapped[int] = mapped_column(default=100)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    district = relationship("District", lazy="joined")
    service = relationship("Service", lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<RoutingRule {self.id} {self.need} -> {self.service_id}>"


class Referral(TimestampMixin, db.Model):
    """A need handed from one office to another, carrying only consented data."""

    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_to_status", "to_office_id", "status", "respond_by"),
        Index("ix_referrals_from_status", "from_office_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    to_office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    need: Mapped[str] = mapped_column(String(20))
    urgency: Mapped[str] = mapped_column(String(20), default="normal")
    message: Mapped[str] = mapped_column(EncryptedText(4000), default="")
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    consultation_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consents.id"))
    # What the receiving office may see, frozen when the referral is sent; emptied when the
    # consent is withdrawn.
    shared: Mapped[dict] = mapped_column(EncryptedJSON(), default=dict)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    sent_at: Mapped[datetime | None]
    respond_by: Mapped[datetime | None]
    overdue_flagged_at: Mapped[datetime | None]
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    alternative_service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    outcome: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The receiving office's own record of the person, opened from the shared data on request.
    receiving_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    version: Mapped[int] = mapped_column(default=1)

    person = relationship("Person", foreign_keys=[person_id], lazy="joined")
    receiving_person = relationship("Person", foreign_keys=[receiving_person_id])
    service = relationship("Service", foreign_keys=[service_id], lazy="joined")
    alternative_service = relationship("Service", foreign_keys=[alternative_service_id])
    from_office = relationship("Office", foreign_keys=[from_office_id], lazy="joined")
    to_office = relationship("Office", foreign_keys=[to_office_id], lazy="joined")
    created_by = relationship("User", lazy="joined")
    consent = relationship("Consent")
    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral", order_by="ReferralEvent.at", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Referral {self.id} {self.status}>"

    def is_overdue(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.status == "sent" and self.respond_by is not None and self.respond_by < now


class ReferralEvent(db.Model):
    """One dated step of a referral and who took it (shown to both offices)."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")

    referral: Mapped[Referral] = relationship(back_populates="events")
    by = relationship("User", lazy="joined")
    office = relationship("Office", lazy="joined")

    def __repr__(self) -> str:
        return f"<ReferralEvent {self.referral_id} {self.from_status}->{self.to_status}>"
