"""A large spreadsheet import as a background job, with progress and the import report.

The upload page reads and checks the whole file first (a file refused as a whole is refused
there, before any job starts). A file of more data rows than IMPORT_INLINE_ROWS is kept,
encrypted, in the queue's store (caseapp/jobs/files.py) and imported by the worker with
`import_runs.run_import`: batch by batch, each committed with the run record, so a job that
is started again after a failure goes on after the last committed batch. The file is deleted
when the import is done; the job's result is the run record's report page.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import format_decimal
from sqlalchemy import select

from caseapp.auth.roles import Role
from caseapp.core.clock import local_today
from caseapp.core.errors import DomainError
from caseapp.extensions import db
from caseapp.i18n import _, _l
from caseapp.jobs import files
from caseapp.jobs import services as jobs
from caseapp.jobs.queue import UNAVAILABLE_ERRORS, JobsUnavailable, get_huey
from caseapp.jobs.registry import JobKind, register
from caseapp.jobs.runner import JobContext
from caseapp.people.import_runs import ImportBusy, ImportRun, ImportStopped, run_import
from caseapp.people.importing import ImportReport

PEOPLE_IMPORT = "people.import"
DEFAULT_INLINE_ROWS = 2_000


def inline_rows() -> int:
    """Files with at most this many data rows are imported inside the request."""
    return int(current_app.config.get("IMPORT_INLINE_ROWS", DEFAULT_INLINE_ROWS))


def start(actor, raw: bytes, *, office_id: int, rows: int) -> int:
    """Keep the (already checked) file and start its import; the job's id.

    In the caller's transaction like jobs.start. The same file for the same office while
    its import waits or runs (a double click) leads to that job. Raises JobsUnavailable
    when the queue or its store cannot be reached.
    """
    file_hash = hashlib.sha256(raw).hexdigest()
    job_id = jobs.start(actor, PEOPLE_IMPORT, office_id=office_id, file_hash=file_hash, rows=rows)
    try:
        files.put(get_huey(), files.key("upload", job_id), raw, secret=True)
    except UNAVAILABLE_ERRORS as error:
        raise JobsUnavailable(str(error)) from error
    return job_id


def run(ctx: JobContext, office_id: int, file_hash: str, rows: int) -> dict:
    name = files.key("upload", ctx.job_id)
    raw = files.get(ctx.huey, name, secret=True)
    if raw is None:
        raise DomainError(_("The uploaded file is no longer kept. Please upload it again."))
    ctx.progress(0, rows, "import.rows")

    def progress(done: int, total: int) -> None:
        ctx.progress(done, total, "import.rows")

    try:
        report = run_import(
            ctx.actor, raw, office_id=office_id, today=local_today(), progress=progress
        )
    except ImportBusy:
        raise DomainError(
            _("This file is being imported into this office by someone else right now.")
        ) from None
    except ImportStopped as stopped:
        raise DomainError(
            _(
                "The import stopped after %(done)s of %(total)s rows. Start it again: it goes "
                "on where it stopped.",
                done=format_decimal(stopped.rows_done),
                total=format_decimal(stopped.rows_total),
            )
        ) from stopped
    if report.fatal:  # the file was checked on upload; only a changed district list gets here
        raise DomainError(report.fatal)
    files.delete(ctx.huey, name)
    return {
        "link": {"endpoint": "people.import_run", "values": {"run_id": report.run_id}},
        "created": report.created,
        "updated": report.updated,
        "rejected": report.rejected,
    }


def report_of(run: ImportRun) -> ImportReport:
    """What the upload page shows after an import, from the run record."""
    errors = sorted((int(row), str(reason)) for row, reason in run.errors or [])
    return ImportReport(
        created=run.created,
        updated=run.updated,
        unchanged=run.unchanged,
        errors=errors,
        unlisted_errors=max(0, run.rejected - len(errors)),
        run_id=run.id,
    )


def get_run(run_id: int) -> ImportRun | None:
    return db.session.scalar(select(ImportRun).where(ImportRun.id == run_id))


def _summary(result) -> str:
    return _(
        "Import finished. Persons added: %(created)d, updated: %(updated)d, rows rejected: "
        "%(rejected)d.",
        created=int(result.get("created", 0)),
        updated=int(result.get("updated", 0)),
        rejected=int(result.get("rejected", 0)),
    )


register(
    JobKind(
        name=PEOPLE_IMPORT,
        run=run,
        roles=frozenset({Role.ADMIN}),
        key=lambda params: f"{params['office_id']}:{params['file_hash']}",
        title=_l("Import of persons"),
        stages={"import.rows": _l("Importing the rows of the file")},
        summary=_summary,
        # A failed run keeps the upload so "Start again" can continue; purged days later.
        files=lambda job_id: [files.key("upload", job_id)],
        # The batches imported before a stop are kept; starting again continues after them.
        errors={
            "error": _l(
                "The import stopped because of an unexpected error. The rows imported before "
                "that are saved; start it again to continue with the rest."
            ),
            "worker_lost": _l(
                "The import stopped because the background worker stopped. The rows imported "
                "before that are saved; start it again to continue with the rest."
            ),
        },
    )
)
