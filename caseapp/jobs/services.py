"""Starting, following and retrying jobs; who may see which job.

    job_id = jobs.start(current_user, "matching.round", programme_id=7)
    status = jobs.progress(current_user, job_id)

`start` writes the job row in the caller's transaction (commit as usual, e.g. through
web.flow.submit); the job is handed to the queue right after that commit, so a worker
never looks for a row that is not there yet, and a rolled-back start queues nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_request_context
from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from caseapp.auth.roles import Role
from caseapp.core.clock import utcnow
from caseapp.core.errors import DomainError, NotFound
from caseapp.extensions import db
from caseapp.i18n import current_language
from caseapp.jobs import registry, tracking
from caseapp.jobs.models import ACTIVE, FAILED, QUEUED, RUNNING, Job
from caseapp.jobs.queue import (
    UNAVAILABLE_ERRORS,
    JobsUnavailable,
    check_available,
    enqueue_job,
    get_huey,
)

logger = logging.getLogger(__name__)

# A running job whose heartbeat is older than this is given up on (its worker died); a queued
# job nobody took for this long may be handed to the queue again.
DEFAULT_STALE_SECONDS = 120
_PENDING = "lotse_jobs_pending"


class CannotRetry(DomainError):
    """The job is running or done; only a failed or forgotten job is started again."""


@dataclass(frozen=True)
class JobStatus:
    """A job as its progress page and JSON endpoint show it."""

    job: Job
    done: int
    total: int | None
    stage: str
    stage_params: dict
    # Queued for longer than a worker should take to pick it up: is a worker running?
    waiting_long: bool
    can_retry: bool
    # False when the queue (Redis, the queue file) cannot be read right now.
    queue_available: bool = True

    @property
    def percent(self) -> int | None:
        if self.job.state == "done":
            return 100
        if not self.total:
            return None
        return max(0, min(100, round(100 * self.done / self.total)))


def stale_after() -> timedelta:
    return timedelta(seconds=current_app.config.get("JOBS_STALE_SECONDS", DEFAULT_STALE_SECONDS))


def _language(actor) -> str:
    if has_request_context():
        return current_language()
    return getattr(actor, "preferred_language", None) or "de"


def may_start(actor, kind: registry.JobKind) -> bool:
    roles = actor.role_set
    return Role.ADMIN in roles or bool(roles & kind.roles)


def may_see(actor, job: Job) -> bool:
    """The starter, administrators, and the roles the job's kind shares it with."""
    if job.started_by_id is not None and job.started_by_id == actor.id:
        return True
    roles = actor.role_set
    if Role.ADMIN in roles:
        return True
    kind = registry.get(job.kind)
    return kind is not None and bool(roles & kind.visible_to)


def start(actor, kind_name: str, **params) -> int:
    """Start a job of this kind (or find the one already doing the same work); its id.

    Raises JobsUnavailable when the queue cannot be reached, NotFound when the actor may not
    start this kind. `params` must be JSON values; they are passed to the kind's `run`.
    """
    kind = registry.get(kind_name)
    if kind is None:
        raise ValueError(f"unknown job kind {kind_name!r}")
    if not may_start(actor, kind):
        raise NotFound()
    check_available(get_huey())
    key = f"{kind.name}:{kind.key(params)}"[:160]
    existing = _active_with_key(key)
    if existing is not None:
        return existing
    job = Job(
        kind=kind.name,
        params=params,
        active_key=key,
        state=QUEUED,
        started_by_id=actor.id,
        language=_language(actor),
        created_at=utcnow(),
        queued_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(job)
    except IntegrityError:
        # Someone started the same work in the same moment and committed first.
        existing = _active_with_key(key)
        if existing is None:
            raise
        return existing
    _enqueue_after_commit(job.id)
    return job.id


def _active_with_key(key: str) -> int | None:
    return db.session.scalar(select(Job.id).where(Job.active_key == key))


def _enqueue_after_commit(job_id: int) -> None:
    db.session().info.setdefault(_PENDING, []).append(job_id)


@event.listens_for(Session, "after_commit")
def _enqueue_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    for job_id in pending:
        try:
            enqueue_job(job_id)
        except UNAVAILABLE_ERRORS as error:
            logger.warning("could not queue job %s: %s", job_id, error)
            _mark_unavailable(job_id)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _mark_unavailable(job_id: int) -> None:
    """The queue failed between the commit and the hand-over: the job says so (and may be
    started again), on a connection of its own because the session has just committed."""
    with db.engine.begin() as connection:
        connection.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == QUEUED)
            .values(state=FAILED, active_key=None, error_code="unavailable", finished_at=utcnow())
        )


def get_visible(actor, job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or not may_see(actor, job):
        raise NotFound()
    return job


def progress(actor, job_id: int, now: datetime | None = None) -> JobStatus:
    """Where the job stands, for whoever may see it (NotFound for anyone else).

    A running job whose worker stopped is marked failed here too (flushed; the caller
    commits), so the page tells the truth even when no worker runs the reaper.
    """
    job = get_visible(actor, job_id)
    now = now or utcnow()
    snapshot, available = None, True
    if job.state == RUNNING:
        try:
            snapshot, beat = tracking.read(get_huey(), job.id)
        except UNAVAILABLE_ERRORS:
            available = False  # no heartbeat to judge by: the job is not given up on
        else:
            if _stale(job, beat, now):
                _give_up(job, now)
    if job.state == RUNNING and snapshot is not None:
        done, total, stage, params = snapshot.done, snapshot.total, snapshot.stage, snapshot.params
    else:
        done, total, stage, params = job.done, job.total, job.stage, {}
    return JobStatus(
        job=job,
        done=done,
        total=total,
        stage=stage,
        stage_params=dict(params or {}),
        waiting_long=_waiting_long(job, now),
        can_retry=can_retry(actor, job, now),
        queue_available=available,
    )


def _stale(job: Job, beat: datetime | None, now: datetime) -> bool:
    last = max(t for t in (beat, job.started_at, job.created_at) if t is not None)
    return now - last > stale_after()


def _waiting_long(job: Job, now: datetime) -> bool:
    return job.state == QUEUED and now - job.queued_at > stale_after()


def _give_up(job: Job, now: datetime) -> None:
    changed = db.session.execute(
        update(Job)
        .where(Job.id == job.id, Job.state == RUNNING, Job.attempts == job.attempts)
        .values(state=FAILED, active_key=None, error_code="worker_lost", finished_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        logger.warning("job %s: its worker stopped; marked failed", job.id)
    db.session.refresh(job)


def reap_stale(now: datetime) -> int:
    """Mark running jobs whose worker stopped as failed (the scheduler runs this every
    minute); returns how many. Flushes; the caller commits."""
    running = db.session.scalars(select(Job).where(Job.state == RUNNING)).all()
    if not running:
        return 0
    huey = get_huey()
    count = 0
    for job in running:
        try:
            _snapshot, beat = tracking.read(huey, job.id)
        except UNAVAILABLE_ERRORS:
            return count  # without heartbeats nobody can tell a dead worker from a slow one
        if _stale(job, beat, now):
            _give_up(job, now)
            count += job.state == FAILED
    return count


def can_retry(actor, job: Job, now: datetime | None = None) -> bool:
    kind = registry.get(job.kind)
    if kind is None or not may_start(actor, kind):
        return False
    return job.state == FAILED or _waiting_long(job, now or utcnow())


def retry(actor, job_id: int) -> int:
    """Start a failed job again, or hand a queued job nobody took to the queue again.

    Returns the id of the job that now does the work: this one, or another already doing
    the same work. Raises CannotRetry for a running or finished job.
    """
    job = get_visible(actor, job_id)
    if not can_retry(actor, job):
        raise CannotRetry()
    check_available(get_huey())
    if job.state == FAILED:
        kind = registry.get(job.kind)
        key = f"{kind.name}:{kind.key(job.params or {})}"[:160]
        existing = _active_with_key(key)
        if existing is not None:
            return existing
        changed = db.session.execute(
            update(Job)
            .where(Job.id == job.id, Job.state == FAILED)
            .values(
                state=QUEUED,
                active_key=key,
                error_code="",
                error="",
                done=0,
                total=None,
                stage="",
                queued_at=utcnow(),
                started_at=None,
                finished_at=None,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if not changed:
            raise CannotRetry()
    else:
        job.queued_at = utcnow()
    # A queued job handed over twice still runs once: the worker claims it first.
    _enqueue_after_commit(job.id)
    return job.id


def list_for(actor, limit: int = 50) -> list[Job]:
    """The actor's own jobs, newest first ("My jobs")."""
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.started_by_id == actor.id)
            .order_by(Job.created_at.desc(), Job.id.desc())
            .limit(limit)
        )
    )


def active_count(actor) -> int:
    return sum(1 for job in list_for(actor, limit=20) if job.state in ACTIVE)


__all__ = [
    "CannotRetry",
    "JobStatus",
    "JobsUnavailable",
    "active_count",
    "can_retry",
    "get_visible",
    "list_for",
    "may_see",
    "may_start",
    "progress",
    "reap_stale",
    "retry",
    "start",
]
