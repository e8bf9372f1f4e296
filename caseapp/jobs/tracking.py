"""Progress and heartbeat of running jobs, in the queue's key-value store.

Not in the database: a job may hold SQLite's write lock for as long as it reads (every
transaction there begins IMMEDIATE), and its progress must still get through. With Redis
every web instance reads what the worker on another machine wrote.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from huey import Huey

from caseapp.jobs.queue import UNAVAILABLE_ERRORS


@dataclass(frozen=True)
class Snapshot:
    done: int = 0
    total: int | None = None
    stage: str = ""
    params: dict = field(default_factory=dict)


def _key(job_id: int, what: str) -> str:
    return f"lotse.job.{job_id}.{what}"


def report(huey: Huey, job_id: int, snapshot: Snapshot) -> None:
    huey.put(_key(job_id, "progress"), asdict(snapshot))


def beat(huey: Huey, job_id: int, at: datetime) -> None:
    huey.put(_key(job_id, "beat"), at.timestamp())


def read(huey: Huey, job_id: int) -> tuple[Snapshot | None, datetime | None]:
    """The last reported progress and heartbeat (raises when the store is unavailable)."""
    raw = huey.get(_key(job_id, "progress"), peek=True)
    stamp = huey.get(_key(job_id, "beat"), peek=True)
    snapshot = Snapshot(**raw) if isinstance(raw, dict) else None
    at = datetime.fromtimestamp(stamp, UTC) if stamp is not None else None
    return snapshot, at


def clear(huey: Huey, job_id: int) -> None:
    try:
        huey.delete(_key(job_id, "progress"))
        huey.delete(_key(job_id, "beat"))
    except UNAVAILABLE_ERRORS:
        pass
