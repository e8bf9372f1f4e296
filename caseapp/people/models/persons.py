"""Persons and households, their search keys and merges."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core.clock import utcnow
from caseapp.db import TimestampMixin
from caseapp.extensions import db

if TYPE_CHECKING:  # resolved by name in SQLAlchemy's registry at run time
    from caseapp.people.models.cases import Case


class Household(TimestampMixin, db.Model):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))

    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="household", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<Household {self.id} {self.name}>"


class HouseholdMember(db.Model):
    __tablename__ = "household_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    # A person lives in one household at a time.
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), unique=True)
    role: Mapped[str] = mapped_column(String(20))

    household: Mapped[Household] = relationship(back_populates="members")
    person: Mapped[Person] = relationship(back_populates="membership", lazy="joined")

    def __repr__(self) -> str:
        return f"<HouseholdMember {self.person_id} in {self.household_id} as {self.role}>"


class Person(TimestampMixin, db.Model):
    __tablename__ = "persons"
    __table_args__ = (
        Index("ix_persons_office_family", "office_id", "family_name_norm"),
        # The id too: the duplicate hint reads a birth-year window from the index alone.
        Index("ix_persons_birth", "birth_year", "birth_month", "birth_day", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    given_name: Mapped[str] = mapped_column(String(120))
    family_name: Mapped[str] = mapped_column(String(120))
    family_name_norm: Mapped[str] = mapped_column(String(120), default="")  # sort key
    original_name: Mapped[str] = mapped_column(String(240), default="")
    birth_year: Mapped[int | None]
    birth_month: Mapped[int | None]
    birth_day: Mapped[int | None]
    sex: Mapped[str] = mapped_column(String(1), default="")
    nationalities: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"code": "ar", "level": "native"}, ...]
    languages: Mapped[list[dict]] = mapped_column(JSON, default=list)
    interpreter_language: Mapped[str] = mapped_column(String(8), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    phone_digits: Mapped[str] = mapped_column(String(40), default="", index=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    street: Mapped[str] = mapped_column(String(160), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    residence_status: Mapped[str] = mapped_column(String(40), default="")
    residence_valid_until: Mapped[date | None]
    arrived_germany_on: Mapped[date | None]
    arrived_municipality_on: Mapped[date | None]
    # Identity details that tell a re-registration from a namesake (issue 20): the place of
    # birth and the parents' names as the papers give them, and the number of the Central
    # Register of Foreigners (AZR), which another authority's letters carry and which is
    # issued once per person.
    birth_place: Mapped[str] = mapped_column(String(120), default="")
    father_name: Mapped[str] = mapped_column(String(120), default="")
    mother_name: Mapped[str] = mapped_column(String(120), default="")
    azr_number: Mapped[str] = mapped_column(String(20), default="", index=True)
    # Set when this record was merged into another; merged records are hidden everywhere.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)

    district = relationship("District", lazy="joined")
    office = relationship("Office", lazy="joined")
    membership: Mapped[HouseholdMember | None] = relationship(back_populates="person")
    case: Mapped[Case | None] = relationship(back_populates="person", uselist=False)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Person {self.id}>"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def birth_date(self) -> date | None:
        if self.birth_year and self.birth_month and self.birth_day:
            return date(self.birth_year, self.birth_month, self.birth_day)
        return None

    @property
    def household(self) -> Household | None:
        return self.membership.household if self.membership else None


class PersonNameKey(db.Model):
    """Blocking keys of a person's names, for fast transliteration-tolerant lookup."""

    __tablename__ = "person_name_keys"
    # (key, person_id): the registration hint's name matches are read from the index alone.
    __table_args__ = (
        UniqueConstraint("person_id", "key"),
        Index("ix_person_name_keys_key_person", "key", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))

    def __repr__(self) -> str:
        return f"<PersonNameKey {self.person_id} {self.key}>"


class PersonMerge(db.Model):
    """What a merge removed, kept so an administrator can see exactly what happened."""

    __tablename__ = "person_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    removed_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    removed_values: Mapped[dict] = mapped_column(JSON, default=dict)
    chosen: Mapped[dict] = mapped_column(JSON, default=dict)
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    merged_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<PersonMerge {self.removed_id}->{self.survivor_id}>"


# Range lookups by prefix need byte order, which PostgreSQL gives under the "C" collation.
SEARCH_KEY = String(64).with_variant(String(64, collation="C"), "postgresql")


class PersonSearchKey(db.Model):
    """A word of a person's names as written ("w:rania") or as its skeleton ("s:rn"), for the
    search box: looked up by equality or by prefix range through the (key, office, birth
    year) index, so "Rania 1991" is one narrow range per word and never a join per entry."""

    __tablename__ = "person_search_keys"
    __table_args__ = (
        UniqueConstraint("person_id", "key"),
        Index("ix_person_search_keys_key", "key", "office_id", "birth_year", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    # The person's office (it never changes), so office scope is decided inside the index.
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    # The person's birth year, rewritten with the keys whenever the person changes.
    birth_year: Mapped[int | None]
    key: Mapped[str] = mapped_column(SEARCH_KEY)

    def __repr__(self) -> str:
        return f"<PersonSearchKey {self.person_id} {self.key}>"
