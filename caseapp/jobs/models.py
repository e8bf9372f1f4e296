"""One row per job a user started: what, who, where it stands, and how it ended."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.clock import utcnow
from caseapp.extensions import db

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
ACTIVE = (QUEUED, RUNNING)
STATES = (QUEUED, RUNNING, DONE, FAILED)


class Job(db.Model):
    """A user-started background job (periodic work is not recorded here).

    The progress of a running job lives in the queue's key-value store (caseapp/jobs/progress.py),
    so reporting it never waits for the database lock the job itself may hold; the row gets
    the last figures when the job ends.
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_started_by_id_created_at", "started_by_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # While the job is queued or running: "<kind>:<what it works on>". Unique, so starting
    # the same work twice (double click, two coordinators) finds the first job; cleared
    # when the job ends (NULLs do not collide).
    active_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    state: Mapped[str] = mapped_column(String(10), default=QUEUED, index=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The starter's language: the job's messages and errors are written in it.
    language: Mapped[str] = mapped_column(String(8), default="de")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    stage: Mapped[str] = mapped_column(String(40), default="")
    # Which run of the job this is; a worker finishes a job only for the run it claimed.
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When it was (last) handed to the queue: a job queued long ago may be handed over again.
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    # A code the web layer words in the reader's language ("error", "worker_lost", ...) and
    # the already translated message of a domain error, if the job raised one.
    error_code: Mapped[str] = mapped_column(String(40), default="")
    error: Mapped[str] = mapped_column(Text, default="")

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.state}>"
