"""Office, District and opening hours."""

from __future__ import annotations

from datetime import time

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.db import TimestampMixin
from caseapp.extensions import db

office_districts = Table(
    "office_districts",
    db.metadata,
    Column("office_id", ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True),
    Column("district_id", ForeignKey("districts.id", ondelete="CASCADE"), primary_key=True),
)


class District(db.Model):
    """A city district; offices serve districts, people and volunteers live in one."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    def __repr__(self) -> str:
        return f"<District {self.name}>"


class Office(TimestampMixin, db.Model):
    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    street: Mapped[str] = mapped_column(String(160), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(254), default="")
    # ISO 639-1 codes of the languages staff can consult in.
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True, index=True)
    version: Mapped[int] = mapped_column(default=1)

    # Loaded when a page asks for them (the directory, the office form, the portal, slips):
    # an office is joined to every case, consultation and membership, and loading both lists
    # with each one cost two statements per office on every page.
    districts: Mapped[list[District]] = relationship(
        secondary=office_districts, lazy="select", order_by=District.name
    )
    opening_hours: Mapped[list[OpeningHours]] = relationship(
        back_populates="office",
        cascade="all, delete-orphan",
        lazy="select",
        order_by="(OpeningHours.weekday, OpeningHours.opens)",
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Office {self.id} {self.name}>"


class OpeningHours(db.Model):
    __tablename__ = "opening_hours"
    __table_args__ = (UniqueConstraint("office_id", "weekday", "opens"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]  # Monday = 0
    opens: Mapped[time]
    closes: Mapped[time]

    office: Mapped[Office] = relationship(back_populates="opening_hours")

    def __repr__(self) -> str:
        return f"<OpeningHours office={self.office_id} {self.weekday} {self.opens}-{self.closes}>"
