"""One row per read, change, print or export of protected data."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.i18n import _l

# Labels for the audit page; a new record type or action adds its label here.
RECORD_TYPE_LABELS = {
    "user": _l("Account"),
    "office": _l("Office"),
    "district": _l("District"),
    "person": _l("Person"),
    "room": _l("Room"),
    "referral": _l("Referral"),
    "service": _l("Service"),
    "routing_rule": _l("Routing rule"),
    "programme": _l("Programme"),
    "match": _l("Match"),
    "match_proposal": _l("Proposal"),
    "match_request": _l("Waiting list"),
    "match_round": _l("Matching round"),
}
ACTION_LABELS = {
    "create": _l("created"),
    "update": _l("changed"),
    "sign_in": _l("signed in"),
    "change_password": _l("changed own password"),
    "reset_password": _l("password set by administrator"),
    "activate": _l("activated"),
    "deactivate": _l("deactivated"),
    "view": _l("opened"),
    "import": _l("imported"),
    "update_case": _l("case changed"),
    "log_consultation": _l("consultation logged"),
    "complete_next_step": _l("next step done"),
    "record_aid": _l("aid recorded"),
    "record_consent": _l("consent recorded"),
    "withdraw_consent": _l("consent withdrawn"),
    "link_household": _l("household linked"),
    "leave_household": _l("household left"),
    "merge": _l("merged (kept)"),
    "merged_into": _l("merged (removed)"),
    "duplicate_decision": _l("decided on a possible duplicate"),
    # appointments and the portal
    "book_appointment": _l("appointment booked"),
    "view_appointment": _l("appointment opened"),
    "reschedule_appointment": _l("appointment moved"),
    "cancel_appointment": _l("appointment cancelled"),
    "record_attendance": _l("attendance recorded"),
    "handle_reschedule_request": _l("request to move an appointment handled"),
    "request_reschedule": _l("asked to move an appointment"),
    "print_appointment_slip": _l("appointment slip printed"),
    "view_calendar": _l("calendar opened"),
    "issue_access_code": _l("portal access code issued"),
    "portal_sign_in": _l("signed in to the portal"),
    "portal_view": _l("portal opened"),
    "portal_export_calendar": _l("appointments downloaded as a calendar file"),
    "update_reminder_contact": _l("reminder contact changed"),
    # referrals
    "send": _l("sent"),
    "accepted": _l("accepted"),
    "declined": _l("declined"),
    "in_progress": _l("work started"),
    "completed": _l("completed"),
    "closed": _l("closed without outcome"),
    "cancelled": _l("cancelled"),
    "open_receiving_case": _l("case opened at the receiving office"),
    # matching
    "match_request.create": _l("added to a waiting list"),
    "match_request.withdraw": _l("taken off a waiting list"),
    "matching.round": _l("matching round run"),
    "matching.settings": _l("matching weights changed"),
    "matching.neighbours": _l("neighbouring districts changed"),
    "match_proposal.reject": _l("proposal rejected"),
    "match_proposal.lock": _l("proposal locked"),
    "match_proposal.unlock": _l("proposal unlocked"),
    "match.create": _l("match made"),
    "match.pause": _l("match paused"),
    "match.resume": _l("match resumed"),
    "match.end": _l("match ended"),
    "match.contact": _l("agreed contact changed"),
}


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_record", "record_type", "record_id"),
        # A segment's entries in order; rows not yet chained (segment NULL) are found by it too.
        Index("ix_audit_entries_chain", "chain_segment", "chain_seq", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    action: Mapped[str] = mapped_column(String(40))
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int | None]
    purpose: Mapped[str] = mapped_column(String(80), default="")
    # What changed: field -> [old, new]; never passwords or tokens.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    # The hash chain (audit/chain.py): set when the writing transaction commits.
    chain_segment: Mapped[str | None] = mapped_column(String(16))
    chain_seq: Mapped[int | None]
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} {self.record_type}:{self.record_id}>"


class AuditChainHead(db.Model):
    """The last link of one chain segment (a UTC day and a shard of the writers), locked while
    a transaction appends to it; its first link points into the shard's previous segment."""

    __tablename__ = "audit_chain_heads"
    __table_args__ = (Index("ix_audit_chain_heads_shard_day", "shard", "day"),)

    segment: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date]
    shard: Mapped[int]
    # The first entry links to the shard's latest segment as it was when this one began
    # (none and "0" * 64 for a shard's first segment).
    genesis_segment: Mapped[str | None] = mapped_column(String(16))
    genesis_hash: Mapped[str] = mapped_column(String(64))
    last_seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<AuditChainHead {self.segment} #{self.last_seq}>"
