"""Long imports in short transactions: a run record per file says how far it got, so a stopped
import resumes there and caseworkers' requests are never blocked for long.

`people import` reads and checks the whole file first (a file over the row limit is refused
before anything is written), then writes a few hundred rows per transaction — sized to hold
SQLite's write lock for about a tenth of a second — and commits each batch together with the
run's progress. Killed half-way, the next `people import` of the same file into the same office
continues after the last committed batch; rows are matched by external_id, so even a run
started from the beginning creates nobody twice.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.people.importing import ImportReport, apply_rows, district_ids, read_file

RUNNING, DONE = "running", "done"
TARGET_SECONDS = 0.1  # write time per batch (the lock SQLite holds for all other writers)
FIRST_BATCH, MIN_BATCH, MAX_BATCH = 200, 20, 2_000
# After each batch on SQLite the importer waits this long, so that a request waiting for the
# write lock (SQLite's busy handler polls it every 1-50 ms in the first 0.2 s) gets it first.
SQLITE_PAUSE = 0.05
STORED_ERRORS = 1_000  # rejected rows kept in the run record for the report after a resume


class ImportRun(db.Model):
    """One import of one file (by its SHA-256) into one office, and how far it got."""

    __tablename__ = "people_import_runs"
    __table_args__ = (Index("ix_people_import_runs_file", "file_hash", "office_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_hash: Mapped[str] = mapped_column(String(64))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default=RUNNING)
    rows_total: Mapped[int] = mapped_column(default=0)  # data rows in the file
    rows_done: Mapped[int] = mapped_column(default=0)  # data rows committed, in file order
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)  # rows the person rules refused
    errors: Mapped[list] = mapped_column(JSON, default=list)  # [[row, reason]], the first ones
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<ImportRun {self.id} {self.status} {self.rows_done}/{self.rows_total}>"


class ImportStopped(Exception):
    """The import stopped after `rows_done` of `rows_total` rows; the same command resumes."""

    def __init__(self, rows_done: int, rows_total: int, reason: str):
        super().__init__(reason)
        self.rows_done, self.rows_total, self.reason = rows_done, rows_total, reason


class ImportBusy(ImportStopped):
    """Another process is importing the same file into the same office right now."""


Progress = Callable[[int, int], None]  # (rows done, rows in the file), after each commit


def run_import(
    actor,
    raw: bytes,
    *,
    office_id: int,
    today: date,
    batch_rows: int | None = None,
    pause: float | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a CSV file batch by batch, resuming a stopped run of the same file; commits.

    `batch_rows` fixes the batch size (otherwise it adapts to TARGET_SECONDS per batch);
    `pause` is the wait between batches (SQLITE_PAUSE on SQLite, none on PostgreSQL).
    Raises ImportStopped (the run stays resumable) when a batch fails.
    """
    districts = district_ids()
    db.session.rollback()  # no transaction (on SQLite: no write lock) while the file is read
    parsed = read_file(raw, districts)
    report = ImportReport(errors=list(parsed.errors), fatal=parsed.fatal)
    if parsed.fatal:
        return report
    if pause is None:
        pause = SQLITE_PAUSE if db.engine.dialect.name == "sqlite" else 0.0

    run = _start(hashlib.sha256(raw).hexdigest(), office_id, actor, parsed.data_rows)
    run_id, done, stored = run.id, run.rows_done, list(run.errors or [])
    report.resumed_after = done
    report.created, report.updated, report.unchanged = run.created, run.updated, run.unchanged
    report.errors += [(row, reason) for row, reason in stored]
    report.unlisted_errors = run.rejected - len(stored)
    db.session.commit()

    todo = [row for row in parsed.rows if row[0] - 1 > done]  # row n is data row n - 1
    size, position = batch_rows or FIRST_BATCH, 0
    while position < len(todo):
        batch = todo[position : position + size]
        position += len(batch)
        last = parsed.data_rows if position == len(todo) else batch[-1][0] - 1
        started = time.perf_counter()
        part = ImportReport()
        try:
            _claim(run_id, done, parsed.data_rows)
            apply_rows(actor, batch, office_id=office_id, today=today, report=part)
            stored += [[row, reason] for row, reason in part.errors][: STORED_ERRORS - len(stored)]
            db.session.execute(
                update(ImportRun)
                .where(ImportRun.id == run_id)
                .values(
                    rows_done=last,
                    created=ImportRun.created + part.created,
                    updated=ImportRun.updated + part.updated,
                    unchanged=ImportRun.unchanged + part.unchanged,
                    rejected=ImportRun.rejected + len(part.errors),
                    errors=stored,
                    updated_at=utcnow(),
                )
            )
            db.session.commit()
        except ImportBusy:
            db.session.rollback()
            raise
        except (Exception, KeyboardInterrupt) as error:
            db.session.rollback()
            reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise ImportStopped(done, parsed.data_rows, reason or type(error).__name__) from error
        elapsed = time.perf_counter() - started
        done = last
        report.created += part.created
        report.updated += part.updated
        report.unchanged += part.unchanged
        report.errors += part.errors
        if progress:
            progress(done, parsed.data_rows)
        if batch_rows is None:  # the next batch as large as fits into the target time
            factor = min(2.0, max(0.5, TARGET_SECONDS / max(elapsed, 1e-3)))
            size = max(MIN_BATCH, min(MAX_BATCH, int(size * factor)))
        if position < len(todo) and pause:
            time.sleep(pause)

    db.session.execute(
        update(ImportRun)
        .where(ImportRun.id == run_id)
        .values(status=DONE, rows_done=parsed.data_rows, finished_at=utcnow(), updated_at=utcnow())
    )
    db.session.commit()
    report.errors.sort()
    return report


def _start(file_hash: str, office_id: int, actor, rows_total: int) -> ImportRun:
    """The stopped run of this file and office to resume, or a new one."""
    run = db.session.scalar(
        select(ImportRun)
        .where(
            ImportRun.file_hash == file_hash,
            ImportRun.office_id == office_id,
            ImportRun.status == RUNNING,
        )
        .order_by(ImportRun.id.desc())
        .limit(1)
    )
    if run is None:
        run = ImportRun(
            file_hash=file_hash,
            office_id=office_id,
            actor_id=getattr(actor, "id", None),
            rows_total=rows_total,
            errors=[],
        )
        db.session.add(run)
        db.session.flush()
    return run


def _claim(run_id: int, done: int, rows_total: int) -> None:
    """Take the next batch; another process that took it first has moved rows_done on.

    On PostgreSQL a second importer of the same file waits here on the run's row lock until
    the first commits its batch, then finds rows_done changed.
    """
    result = db.session.execute(
        update(ImportRun)
        .where(ImportRun.id == run_id, ImportRun.rows_done == done, ImportRun.status == RUNNING)
        .values(updated_at=utcnow())
    )
    if result.rowcount != 1:
        raise ImportBusy(done, rows_total, "another import of this file is running")
