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
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, event, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.people.importing import (
    ImportReport,
    ParsedFile,
    apply_rows,
    district_ids,
    read_file,
)

RUNNING, DONE = "running", "done"
TARGET_SECONDS = 0.1  # time per batch with the lock held (SQLite's lock for all other writers)
FIRST_BATCH, MIN_BATCH, MAX_BATCH = 200, 20, 2_000
# On SQLite the importer waits after each batch as long as the batch held the write lock (at
# least SQLITE_MIN_PAUSE): requests waiting for the lock (SQLite's busy handler polls every
# 1-100 ms) get it in between, and the import never takes more than half of the lock's time.
SQLITE_MIN_PAUSE = 0.02
QUICK_BUSY_MS, LOCK_PATIENCE = 3, 120.0  # SQLite: ask for the write lock how often, how long
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
    # Rows refused: unreadable ones (counted when the run starts) and those the person rules
    # refused; runs from before the upload page's jobs counted only the latter.
    rejected: Mapped[int] = mapped_column(default=0)
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
    `pause` fixes the wait between batches (otherwise: on SQLite as long as the batch took,
    none on PostgreSQL, where other writers wait only for the rows the batch touches).
    Raises ImportStopped (the run stays resumable) when a batch fails.
    """
    districts = district_ids()
    db.session.rollback()  # no transaction (on SQLite: no write lock) while the file is read
    parsed = read_file(raw, districts)
    report = ImportReport(errors=list(parsed.errors), fatal=parsed.fatal)
    if parsed.fatal:
        return report
    sqlite = db.engine.dialect.name == "sqlite"

    run = _start(hashlib.sha256(raw).hexdigest(), office_id, actor, parsed)
    run_id, done, stored = run.id, run.rows_done, list(run.errors or [])
    report.resumed_after = done
    report.run_id = run_id
    report.created, report.updated, report.unchanged = run.created, run.updated, run.unchanged
    # The record keeps the unreadable rows too (for the report page of an import run in the
    # background); they are in the report already, read from the file again.
    unreadable = {row for row, _reason in parsed.errors}
    earlier = [(row, reason) for row, reason in stored if row not in unreadable]
    report.errors += earlier
    report.unlisted_errors = max(0, run.rejected - len(parsed.errors) - len(earlier))
    db.session.commit()

    todo = [row for row in parsed.rows if row[0] - 1 > done]  # row n is data row n - 1
    size, position = batch_rows or FIRST_BATCH, 0
    with _quick_lock_requests(sqlite):
        while position < len(todo):
            batch = todo[position : position + size]
            position += len(batch)
            last = parsed.data_rows if position == len(todo) else batch[-1][0] - 1
            try:
                part, elapsed = _write_batch(
                    actor, run_id, batch, done, last, stored, parsed, today, office_id
                )
            except ImportBusy:
                db.session.rollback()
                raise
            except (Exception, KeyboardInterrupt) as error:
                db.session.rollback()
                reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
                reason = reason or type(error).__name__
                raise ImportStopped(done, parsed.data_rows, reason) from error
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
            wait = pause if pause is not None else max(SQLITE_MIN_PAUSE, elapsed) if sqlite else 0
            if position < len(todo) and wait:
                time.sleep(wait)

    db.session.execute(
        update(ImportRun)
        .where(ImportRun.id == run_id)
        .values(status=DONE, rows_done=parsed.data_rows, finished_at=utcnow(), updated_at=utcnow())
    )
    db.session.commit()
    report.errors.sort()
    return report


def _write_batch(actor, run_id, batch, done, last, stored, parsed, today, office_id):
    """One transaction: claim the batch, write its persons, record the progress, commit.

    Returns the batch's report and how long it held the database (SQLite: the write lock).
    """
    part = ImportReport()
    sqlite = db.engine.dialect.name == "sqlite"
    _claim(run_id, done, parsed.data_rows, sqlite)  # SQLite: waits here for the write lock
    started = time.perf_counter()
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
    return part, time.perf_counter() - started


def _start(file_hash: str, office_id: int, actor, parsed: ParsedFile) -> ImportRun:
    """The stopped run of this file and office to resume, or a new one (which records the
    rows that could not be read)."""
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
            rows_total=parsed.data_rows,
            rejected=len(parsed.errors),
            errors=[[row, reason] for row, reason in parsed.errors[:STORED_ERRORS]],
        )
        db.session.add(run)
        db.session.flush()
    return run


def _claim(run_id: int, done: int, rows_total: int, sqlite: bool) -> None:
    """Take the next batch; another process that took it first has moved rows_done on.

    On PostgreSQL a second importer of the same file waits here on the run's row lock until
    the first commits its batch, then finds rows_done changed. On SQLite this first statement
    takes the write lock, asked for every few milliseconds (see _quick_lock_requests): with
    SQLite's back-off of up to 100 ms a busy server's requests, each asking afresh, won nearly
    every time, and a 60,000-row import under 10 busy sessions took 15 minutes.
    """
    deadline = time.monotonic() + LOCK_PATIENCE
    while True:
        try:
            result = db.session.execute(
                update(ImportRun)
                .where(
                    ImportRun.id == run_id, ImportRun.rows_done == done, ImportRun.status == RUNNING
                )
                .values(updated_at=utcnow())
            )
            break
        except OperationalError as error:
            if not sqlite or "locked" not in str(error.orig) or time.monotonic() > deadline:
                raise
            db.session.rollback()
            time.sleep(0.002)
    if result.rowcount != 1:
        raise ImportBusy(done, rows_total, "another import of this file is running")


@contextmanager
def _quick_lock_requests(sqlite: bool):
    """On SQLite: while batches are written, a connection gives up on a held write lock after
    QUICK_BUSY_MS (and _claim asks again) instead of waiting with SQLite's back-off."""
    if not sqlite:
        yield
        return

    def checkout(dbapi_connection, record, _proxy):
        record.info["busy_timeout"] = dbapi_connection.execute("PRAGMA busy_timeout").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA busy_timeout={QUICK_BUSY_MS}")

    def checkin(dbapi_connection, record):
        if dbapi_connection is not None and "busy_timeout" in record.info:
            dbapi_connection.execute(f"PRAGMA busy_timeout={record.info.pop('busy_timeout')}")

    event.listen(db.engine, "checkout", checkout)
    event.listen(db.engine, "checkin", checkin)
    try:
        yield
    finally:
        event.remove(db.engine, "checkout", checkout)
        event.remove(db.engine, "checkin", checkin)
