"""Files a job reads or makes (an uploaded spreadsheet, a prepared report), kept in the
queue's key-value store: the worker on another machine reads what a web instance stored
(Redis), both survive a restart of the web processes, and no table is needed.

    files.put(huey, files.key("upload", job_id), raw, secret=True)
    raw = files.get(huey, files.key("upload", job_id), secret=True)   # None when gone
    files.delete(huey, files.key("upload", job_id))

Contents are compressed; `secret=True` also encrypts them with the data keys
(CASEAPP_DATA_KEYS), so personal data in the queue's storage is no more readable than in the
database. The store raises UNAVAILABLE_ERRORS when it cannot be reached.
"""

from __future__ import annotations

import base64
import zlib

from huey import Huey

from caseapp.crypto.keys import current_keyring


def key(what: str, job_id: int, name: str = "") -> str:
    return f"lotse.file.{what}.{job_id}" + (f".{name}" if name else "")


def put(huey: Huey, name: str, content: bytes, *, secret: bool = False) -> None:
    packed = zlib.compress(content, 6)
    if secret:
        packed = current_keyring().encrypt(base64.b64encode(packed).decode("ascii")).encode()
    huey.put(name, packed)


def get(huey: Huey, name: str, *, secret: bool = False) -> bytes | None:
    packed = huey.get(name, peek=True)
    if packed is None:
        return None
    if secret:
        packed = base64.b64decode(current_keyring().decrypt(packed.decode("ascii")))
    return zlib.decompress(packed)


def delete(huey: Huey, name: str) -> None:
    huey.delete(name)


def purge(huey: Huey, *, now, keep_days: int) -> int:
    """Delete the stored files of jobs that ended more than `keep_days` ago (an import's
    upload left by a failed run, a prepared report); returns how many jobs were cleared.
    Each cleared job is marked in its result, so the next run skips it."""
    from datetime import timedelta

    from sqlalchemy import select

    from caseapp.extensions import db
    from caseapp.jobs import registry
    from caseapp.jobs.models import ACTIVE, Job

    kinds = {k.name: k for k in registry.kinds() if k.files is not None}
    if not kinds:
        return 0
    cutoff = now - timedelta(days=keep_days)
    jobs = db.session.scalars(
        select(Job).where(
            Job.kind.in_(kinds),
            Job.state.not_in(ACTIVE),
            Job.finished_at.is_not(None),
            Job.finished_at < cutoff,
        )
    ).all()
    cleared = 0
    for job in jobs:
        if (job.result or {}).get("files_purged"):
            continue
        for name in kinds[job.kind].files(job.id):
            delete(huey, name)
        job.result = {**(job.result or {}), "files_purged": True}
        cleared += 1
    return cleared
