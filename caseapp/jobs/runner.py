"""Running one job in the worker: claim it, run its kind, end it in the same transaction.

A job is claimed with a conditional update (queued -> running, attempts + 1), so however
often its message is delivered (a retry, two workers), one run does the work. The kind's
writes and the job's end are committed together, and only if the job is still the run this
worker claimed: a job the reaper gave up on meanwhile leaves nothing behind.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask_babel import force_locale
from huey import Huey
from sqlalchemy import update

from caseapp.auth.models import User
from caseapp.core.clock import utcnow
from caseapp.core.errors import DomainError, ValidationFailed
from caseapp.extensions import db
from caseapp.jobs import registry, services, tracking
from caseapp.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10


def heartbeat_seconds(stale_seconds: float) -> float:
    """How often a running job says it is alive: every 10 s, or often enough that a shorter
    JOBS_STALE_SECONDS (a test, an impatient operator) never gives up on a live job."""
    return max(0.2, min(HEARTBEAT_SECONDS, stale_seconds / 4))


@dataclass
class JobContext:
    """What a job kind's `run` gets besides its params."""

    job_id: int
    attempt: int
    actor: User | None
    huey: Huey
    last: tracking.Snapshot = field(default_factory=tracking.Snapshot)

    def progress(self, done: int, total: int | None = None, stage: str = "", **params) -> None:
        """Report how far the job is: `done` of `total` (None: unknown), at `stage` (a code
        the web layer words, see jobs/wording.py), with named values for its wording."""
        self.last = tracking.Snapshot(done=done, total=total, stage=stage, params=params)
        try:
            tracking.report(self.huey, self.job_id, self.last)
        except Exception:  # progress is worth less than the job: never fail because of it
            logger.warning("could not report progress of job %s", self.job_id, exc_info=True)


class _Heartbeat(threading.Thread):
    """Says 'still alive' every few seconds while the job runs, even in a long computation;
    a job whose heartbeat stops (the worker died) is given up on by services.reap_stale."""

    def __init__(self, huey: Huey, job_id: int, every: float = HEARTBEAT_SECONDS):
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.huey, self.job_id, self.every = huey, job_id, every
        self.stopped = threading.Event()

    def beat(self) -> None:
        try:
            tracking.beat(self.huey, self.job_id, utcnow())
        except Exception:
            logger.warning("heartbeat of job %s failed", self.job_id, exc_info=True)

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            self.beat()


def _claim(job_id: int) -> int | None:
    """Mark the job running; its attempt number, or None if it is not queued any more."""
    now = utcnow()
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == QUEUED)
        .values(state=RUNNING, attempts=Job.attempts + 1, started_at=now, finished_at=None)
    ).rowcount
    attempt = db.session.get(Job, job_id).attempts if claimed == 1 else None
    db.session.commit()
    return attempt


def _end(job_id: int, attempt: int, **values) -> bool:
    """End this run of the job in the current transaction; False if it is not ours any more."""
    return (
        db.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == RUNNING, Job.attempts == attempt)
            .values(active_key=None, finished_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def _domain_message(error: DomainError) -> str:
    if isinstance(error, ValidationFailed):
        reasons = [str(m) for messages in error.errors.values() for m in messages]
        return " ".join([*([str(error.message)] if error.message else []), *reasons])
    return str(error.message or "")


def run_job(app: Flask, huey: Huey, job_id: int) -> None:
    """The task the worker runs for every user-started job."""
    with app.app_context():
        try:
            _run(huey, job_id)
        finally:
            db.session.remove()


def _run(huey: Huey, job_id: int) -> None:
    attempt = _claim(job_id)
    if attempt is None:
        logger.info("job %s is not queued any more; nothing to do", job_id)
        return
    job = db.session.get(Job, job_id)
    kind_name = job.kind
    kind = registry.get(kind_name)
    actor = db.session.get(User, job.started_by_id) if job.started_by_id else None
    context = JobContext(job_id=job_id, attempt=attempt, actor=actor, huey=huey)
    every = heartbeat_seconds(services.stale_after().total_seconds())
    heartbeat = _Heartbeat(huey, job_id, every)
    heartbeat.beat()
    heartbeat.start()
    params: Mapping[str, Any] = dict(job.params or {})
    language = job.language
    try:
        with force_locale(language):
            if kind is None:
                raise LookupError(f"unknown job kind {kind_name!r}")
            result = kind.run(context, **params) or {}
            last = context.last
            total = last.total if last.total is not None else max(last.done, 1)
            if not _end(job_id, attempt, state=DONE, result=dict(result), done=total, total=total):
                logger.warning("job %s was given up on while it ran; its work is undone", job_id)
                db.session.rollback()
                return
            db.session.commit()
    except Exception as error:
        db.session.rollback()
        if isinstance(error, DomainError):
            code, message = "refused", _domain_message(error)
        else:
            logger.exception("job %s (%s) failed", job_id, kind_name)
            code, message = "error", ""
        last = context.last
        if _end(
            job_id,
            attempt,
            state=FAILED,
            error_code=code,
            error=message,
            done=last.done,
            total=last.total,
            stage=last.stage,
        ):
            db.session.commit()
        else:
            db.session.rollback()
    finally:
        heartbeat.stopped.set()
        tracking.clear(huey, job_id)
