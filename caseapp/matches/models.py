"""Waiting requests, rounds with their proposals and non-matches, matches, district neighbours."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.auth.models import User
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.offices.models import District
from caseapp.people.models import Household, Person
from caseapp.volunteers.models import Programme, Volunteer

district_neighbours = Table(
    "district_neighbours",
    db.metadata,
    Column("district_id", ForeignKey("districts.id", ondelete="CASCADE"), primary_key=True),
    Column("neighbour_id", ForeignKey("districts.id", ondelete="CASCADE"), primary_key=True),
)


class MatchingSettings(db.Model):
    """Per programme: the weights of the soft criteria and the minimum shared language level."""

    __tablename__ = "matching_settings"

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_programmes.id", ondelete="CASCADE"), primary_key=True
    )
    weights: Mapped[dict] = mapped_column(JSON, default=dict)
    min_language_level: Mapped[str] = mapped_column(String(8), default="A2")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class MatchRequest(db.Model):
    """A newcomer (or, for Kümmerer, a household) waiting for a volunteer of one programme."""

    __tablename__ = "match_requests"
    __table_args__ = (Index("ix_match_requests_programme_status", "programme_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("volunteer_programmes.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    # waiting, matched, withdrawn
    status: Mapped[str] = mapped_column(String(12), default="waiting")
    waiting_since: Mapped[date]
    gender_preference: Mapped[str] = mapped_column(String(10), default="")
    interests: Mapped[str] = mapped_column(Text, default="")
    # ["0-morning", ...]; empty means any time
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    interpreter_arranged: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]

    programme: Mapped[Programme] = relationship(lazy="joined")
    person: Mapped[Person] = relationship(lazy="joined")
    household: Mapped[Household | None] = relationship()

    def __repr__(self) -> str:
        return f"<MatchRequest {self.id} {self.status}>"


class MatchRound(db.Model):
    __tablename__ = "match_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("volunteer_programmes.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    stats: Mapped[dict] = mapped_column(JSON, default=dict)
    timings: Mapped[dict] = mapped_column(JSON, default=dict)
    # open while its proposals await review; superseded when a newer round ran
    status: Mapped[str] = mapped_column(String(12), default="open")

    programme: Mapped[Programme] = relationship(lazy="joined")
    started_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<MatchRound {self.id}>"


class MatchProposal(db.Model):
    __tablename__ = "match_proposals"
    __table_args__ = (Index("ix_match_proposals_request_volunteer", "request_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("match_rounds.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("match_requests.id"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    score: Mapped[float]
    # [{"code": ..., "params": {...}, "points": ...}, ...]
    reasons: Mapped[list[dict]] = mapped_column(JSON, default=list)
    # proposed, accepted, rejected, superseded
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    locked: Mapped[bool] = mapped_column(default=False)
    failed: Mapped[list[str]] = mapped_column(JSON, default=list)
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    round: Mapped[MatchRound] = relationship()
    request: Mapped[MatchRequest] = relationship(lazy="joined")
    volunteer: Mapped[Volunteer] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<MatchProposal {self.id} {self.status}>"


class MatchUnmatched(db.Model):
    """Why a round left a waiting request without a proposal."""

    __tablename__ = "match_unmatched"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("match_rounds.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("match_requests.id"), index=True)
    reason: Mapped[dict] = mapped_column(JSON, default=dict)
    blocked_by: Mapped[dict] = mapped_column(JSON, default=dict)
    # [{"volunteer_id": 3, "failed": [...], "fixes": [...]}, ...]
    near_misses: Mapped[list[dict]] = mapped_column(JSON, default=list)

    request: Mapped[MatchRequest] = relationship(lazy="joined")


class Match(db.Model):
    """An accepted pairing of a volunteer and a newcomer (or household) in one programme."""

    __tablename__ = "matches"
    __table_args__ = (Index("ix_matches_volunteer_status", "volunteer_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("match_requests.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("match_proposals.id"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("volunteer_programmes.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"))
    # active, paused, ended
    status: Mapped[str] = mapped_column(String(10), default="active")
    started_on: Mapped[date]
    planned_end_on: Mapped[date]
    agreed_contact: Mapped[str] = mapped_column(String(200), default="")
    end_reason: Mapped[str] = mapped_column(String(20), default="")
    end_note: Mapped[str] = mapped_column(Text, default="")
    do_not_rematch: Mapped[bool] = mapped_column(default=False)
    ended_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    request: Mapped[MatchRequest] = relationship()
    programme: Mapped[Programme] = relationship(lazy="joined")
    person: Mapped[Person] = relationship(lazy="joined")
    volunteer: Mapped[Volunteer] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Match {self.id} {self.status}>"


__all__ = [
    "District",
    "Match",
    "MatchProposal",
    "MatchRequest",
    "MatchRound",
    "MatchUnmatched",
    "MatchingSettings",
    "district_neighbours",
]
