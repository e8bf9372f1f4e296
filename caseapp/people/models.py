"""Persons, households, cases, consultations, next steps, consents, aid and merges."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core.clock import local_today, utcnow
from caseapp.crypto.types import EncryptedText
from caseapp.db import TimestampMixin, TrilingualNameMixin
from caseapp.extensions import db


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
        Index("ix_persons_birth", "birth_year", "birth_month", "birth_day"),
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
    __table_args__ = (UniqueConstraint("person_id", "key"), Index("ix_person_name_keys_key", "key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))

    def __repr__(self) -> str:
        return f"<PersonNameKey {self.person_id} {self.key}>"


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
    search box: looked up by equality or by prefix range through the (key, office) index."""

    __tablename__ = "person_search_keys"
    __table_args__ = (
        UniqueConstraint("person_id", "key"),
        Index("ix_person_search_keys_key", "key", "office_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    # The person's office (it never changes), so office scope is decided inside the index.
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    key: Mapped[str] = mapped_column(SEARCH_KEY)

    def __repr__(self) -> str:
        return f"<PersonSearchKey {self.person_id} {self.key}>"


class DuplicateScan(db.Model):
    """One run of the whole-register duplicate scan. It walks the name keys in order and
    commits after every batch, so `last_key` says where to go on after an interruption."""

    __tablename__ = "duplicate_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    last_key: Mapped[str] = mapped_column(SEARCH_KEY, default="")
    pairs: Mapped[int] = mapped_column(default=0)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<DuplicateScan {self.id} at {self.last_key!r}>"


class DuplicatePair(db.Model):
    """A pair of records a scan found, with its tier, score, reasons and how much finding it
    is worth (open cases in two offices, aid in both: where repeated aid happens)."""

    __tablename__ = "duplicate_pairs"
    __table_args__ = (
        UniqueConstraint("scan_id", "a_id", "b_id"),
        Index("ix_duplicate_pairs_queue", "scan_id", "tier", "benefit", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("duplicate_scans.id", ondelete="CASCADE"))
    a_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)  # the lower id
    b_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    tier: Mapped[str] = mapped_column(String(12))
    score: Mapped[float]
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    benefit: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<DuplicatePair {self.a_id}~{self.b_id} {self.tier}>"


class DuplicateDecision(db.Model):
    """An administrator's decision on a pair: "different" (never proposed again) or "later"
    (kept out of the way until the queue is done). Who and when, for the record."""

    __tablename__ = "duplicate_decisions"
    __table_args__ = (UniqueConstraint("a_id", "b_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    a_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))  # the lower id
    b_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    decision: Mapped[str] = mapped_column(String(12))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<DuplicateDecision {self.a_id}~{self.b_id} {self.decision}>"
