"""The yearly report prepared in the background: a job computes the PDF and the CSV for a
year and a language and keeps both in the queue's store (caseapp/jobs/files.py); its result
page offers them for download, audited like the direct download.

Only suppressed counts are in these files (the same as the direct download), so they are
kept as they are; preparing the same year and language again while it runs finds that job.
"""

from __future__ import annotations

from flask_babel import force_locale

from caseapp.auth.roles import Role
from caseapp.i18n import _, _l
from caseapp.jobs import files
from caseapp.jobs.registry import JobKind, register
from caseapp.jobs.runner import JobContext
from caseapp.reports import yearly
from caseapp.web import readonly

YEARLY_REPORT = "reports.yearly"
FORMATS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


def file_key(job_id: int, ext: str) -> str:
    return files.key("yearly-report", job_id, ext)


def run(ctx: JobContext, year: int, language: str) -> dict:
    """Reads only, without SQLite's write lock (readonly.reading); each read transaction
    ends as soon as its figures are in memory."""
    from caseapp.reports.pdf import render  # fpdf is loaded when a report is made, as in yearly

    ctx.progress(0, 2, "reports.pdf", year=year)
    with readonly.reading():
        content = yearly.assemble(year, language)
    with force_locale(language):
        document = render(content)
    files.put(ctx.huey, file_key(ctx.job_id, "pdf"), document)
    ctx.progress(1, 2, "reports.csv", year=year)
    with readonly.reading():
        table = yearly.csv(year, language)
    files.put(ctx.huey, file_key(ctx.job_id, "csv"), table)
    return {
        "link": {"endpoint": "reports.prepared_result", "values": {"job_id": ctx.job_id}},
        "year": year,
        "language": language,
    }


def _summary(result) -> str:
    return _("The yearly report %(year)s is ready to download.", year=result.get("year", ""))


register(
    JobKind(
        name=YEARLY_REPORT,
        run=run,
        roles=frozenset({Role.REPORTS}),
        key=lambda params: f"{params['year']}:{params['language']}",
        # Whoever may download the yearly report may follow its preparation.
        visible_to=frozenset({Role.REPORTS}),
        title=_l("Yearly integration report"),
        stages={
            "reports.pdf": _l("Computing the figures of %(year)s and writing the PDF document"),
            "reports.csv": _l("Writing the table for spreadsheets"),
        },
        summary=_summary,
        files=lambda job_id: [file_key(job_id, ext) for ext in FORMATS],
    )
)
