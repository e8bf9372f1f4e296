"""`retention run`: find what is due under each rule and anonymise or delete it.

Safe to run twice or to interrupt: persons are anonymised one per transaction and never
twice (anonymised_persons); deletions go in batches, each committed with its line in the
deletion log; a run that stopped stays "running" and the next run carries it on. A legal
hold on a case keeps its person out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, func, or_, select, update

from caseapp.audit.models import AuditEntry
from caseapp.core.clock import to_local, utcnow
from caseapp.extensions import db
from caseapp.outbox.models import OutboxMessage
from caseapp.people.models import AidEntry, Case, CaseStatusChange
from caseapp.privacy.models import AnonymisedPerson, DeletionLogEntry, LegalHold, RetentionRun
from caseapp.privacy.retention import anonymise as anonymising
from caseapp.privacy.retention import rules
from caseapp.privacy.retention.anonymise import log
from caseapp.web.throttle import Attempt

BATCH = 100


@dataclass
class Outcome:
    run_id: int | None
    dry_run: bool
    # (kind, action) -> {"kind", "action", "rule", "count"}
    lines: dict[tuple[str, str], dict] = field(default_factory=dict)

    def add(self, kind: str, rule: str, action: str, count: int) -> None:
        line = self.lines.setdefault(
            (kind, action), {"kind": kind, "action": action, "rule": rule, "count": 0}
        )
        line["count"] += count

    @property
    def summary(self) -> list[dict]:
        return list(self.lines.values())


def held_case_ids():
    return select(LegalHold.case_id).where(LegalHold.lifted_at.is_(None))


def due_persons(now: datetime):
    """Persons whose case closed longer ago than the rule, not on hold, not anonymised, and
    without aid inside the aid ledger's period."""
    cutoff = now - timedelta(days=rules.days("closed_case"))
    aid_cutoff = to_local(now).date() - timedelta(days=rules.days("aid_ledger"))
    closed_at = (
        select(func.max(CaseStatusChange.at))
        .where(CaseStatusChange.case_id == Case.id, CaseStatusChange.to_status == "closed")
        .scalar_subquery()
    )
    return (
        select(Case.person_id)
        .where(
            Case.status == "closed",
            func.coalesce(closed_at, Case.updated_at) < cutoff,
            Case.id.not_in(held_case_ids()),
            ~exists().where(AnonymisedPerson.person_id == Case.person_id),
            ~exists().where(AidEntry.person_id == Case.person_id, AidEntry.given_on >= aid_cutoff),
        )
        .order_by(Case.person_id)
    )


def _start(actor, dry_run: bool) -> RetentionRun:
    if not dry_run:
        stopped = db.session.scalar(
            select(RetentionRun)
            .where(RetentionRun.status == "running", RetentionRun.dry_run.is_(False))
            .order_by(RetentionRun.id)
            .limit(1)
        )
        if stopped is not None:
            return stopped  # an interrupted run is carried on
    run = RetentionRun(dry_run=dry_run, started_by_id=getattr(actor, "id", None), summary=[])
    db.session.add(run)
    db.session.commit()
    return run


def _persons(outcome: Outcome, now: datetime, batch: int) -> None:
    if outcome.dry_run:
        count = db.session.scalar(select(func.count()).select_from(due_persons(now).subquery()))
        outcome.add("person", "closed_case", "anonymised", count or 0)
        return
    while True:
        ids = db.session.scalars(due_persons(now).limit(batch)).all()
        if not ids:
            return
        for person_id in ids:
            anonymising.anonymise_person(person_id, rule="closed_case", run_id=outcome.run_id)
            db.session.commit()  # one person, one transaction
            outcome.add("person", "closed_case", "anonymised", 1)


def _in_batches(outcome: Outcome, kind: str, rule: str, action: str, ids_query, work, batch):
    """Run `work(ids)` on batches of `ids_query` until nothing is due, committing each."""
    if outcome.dry_run:
        count = db.session.scalar(select(func.count()).select_from(ids_query.subquery()))
        outcome.add(kind, rule, action, count or 0)
        return
    while True:
        ids = db.session.scalars(ids_query.limit(batch)).all()
        if not ids:
            return
        n = work(ids)
        log(outcome.run_id, kind, action, rule, n)
        db.session.commit()
        outcome.add(kind, rule, action, n)


def _audit_log(outcome, now, batch):
    cutoff = now - timedelta(days=rules.days("audit_log"))
    _in_batches(
        outcome,
        "audit",
        "audit_log",
        "deleted",
        select(AuditEntry.id).where(AuditEntry.at < cutoff).order_by(AuditEntry.id),
        lambda ids: (
            db.session.execute(delete(AuditEntry).where(AuditEntry.id.in_(ids))).rowcount or 0
        ),
        batch * 10,
    )


def _outbox(outcome, now, batch):
    cutoff = now - timedelta(days=rules.days("outbox_body"))
    _in_batches(
        outcome,
        "message",
        "outbox_body",
        "emptied",
        select(OutboxMessage.id)
        .where(
            OutboxMessage.created_at < cutoff,
            OutboxMessage.status.in_(("sent", "failed")),
            or_(OutboxMessage.body_text != "", OutboxMessage.recipient != ""),
        )
        .order_by(OutboxMessage.id),
        lambda ids: (
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))
                .values(body_text="", body_html=None, subject="", recipient="")
            ).rowcount
            or 0
        ),
        batch * 10,
    )


def _portal_attempts(outcome, now, batch):
    cutoff = now - timedelta(days=rules.days("portal_attempts"))
    _in_batches(
        outcome,
        "portal_attempt",
        "portal_attempts",
        "deleted",
        select(Attempt.id)
        .where(Attempt.kind == "portal", Attempt.at < cutoff)
        .order_by(Attempt.id),
        lambda ids: db.session.execute(delete(Attempt).where(Attempt.id.in_(ids))).rowcount or 0,
        batch * 10,
    )


def _rejected_applications(outcome, now, batch):
    """Declined applications older than the rule lose their reason; an applicant whose every
    application was declined that long ago (and who never volunteered) is anonymised."""
    from caseapp.auth.models import User
    from caseapp.volunteers.models import Application, Volunteer

    cutoff = now - timedelta(days=rules.days("rejected_application"))
    old_declined = and_(Application.status == "declined", Application.decided_at < cutoff)
    _in_batches(
        outcome,
        "volunteer_application",
        "rejected_application",
        "emptied",
        select(Application.id)
        .where(old_declined, Application.decline_reason != "")
        .order_by(Application.id),
        lambda ids: (
            db.session.execute(
                update(Application).where(Application.id.in_(ids)).values(decline_reason="")
            ).rowcount
            or 0
        ),
        batch,
    )
    other = (
        select(Application.id)
        .where(Application.volunteer_id == Volunteer.id, ~old_declined)
        .exists()
    )

    def anonymise(ids):
        volunteers = db.session.scalars(select(Volunteer).where(Volunteer.id.in_(ids))).all()
        for v in volunteers:
            v.phone = v.skills = v.profession = v.interests = ""
            db.session.execute(
                update(User)
                .where(User.id == v.user_id)
                .values(
                    active=False,
                    display_name="",
                    email=f"anonymised-{v.user_id}@invalid.example",
                    password_hash=None,
                    version=User.version + 1,
                )
            )
        db.session.flush()
        return len(volunteers)

    _in_batches(
        outcome,
        "volunteer",
        "rejected_application",
        "anonymised",
        select(Volunteer.id)
        .join(User, User.id == Volunteer.user_id)
        .where(
            exists().where(Application.volunteer_id == Volunteer.id),
            ~other,
            ~User.email.like("anonymised-%@invalid.example"),
        )
        .order_by(Volunteer.id),
        anonymise,
        batch,
    )


STEPS = (_persons, _audit_log, _outbox, _portal_attempts, _rejected_applications)


def run(actor=None, *, dry_run: bool = False, now: datetime | None = None, batch: int = BATCH):
    """Do (or, dry, count) everything that is due; returns the outcome. Commits as it goes."""
    now = now or utcnow()
    record = _start(actor, dry_run)
    outcome = Outcome(record.id, dry_run)
    for step in STEPS:
        step(outcome, now, batch)
    record = db.session.get(RetentionRun, outcome.run_id)
    # A real run's summary is its deletion log, which also holds what an interrupted
    # earlier part of the same run did.
    record.summary = outcome.summary if dry_run else logged(record.id)
    record.status, record.finished_at = "done", utcnow()
    db.session.commit()
    return outcome


def logged(run_id: int) -> list[dict]:
    rows = db.session.scalars(
        select(DeletionLogEntry)
        .where(DeletionLogEntry.run_id == run_id)
        .order_by(DeletionLogEntry.id)
    )
    return [{"kind": r.kind, "action": r.action, "rule": r.rule, "count": r.count} for r in rows]
