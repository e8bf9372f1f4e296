"""Preparing the yearly report as a job, and downloading what the job prepared."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from caseapp.auth.roles import Role
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import LANGUAGES, _
from caseapp.jobs import files, get_huey, wording
from caseapp.jobs import services as jobs
from caseapp.jobs.forms import StartForm
from caseapp.jobs.models import DONE
from caseapp.jobs.queue import UNAVAILABLE_ERRORS, JobsUnavailable
from caseapp.reports import prepared, services, yearly
from caseapp.reports.blueprint import bp
from caseapp.reports.views import _download, _years
from caseapp.web import flow
from caseapp.web.access import access


@bp.post("/yearly/prepare")
@access(Role.REPORTS, Role.ADMIN)
def prepare_yearly():
    """Start computing the yearly report for the chosen year and language in the background."""
    raw_year = request.form.get("year", "")
    language = request.form.get("lang") or "de"
    if not raw_year.isdigit() or int(raw_year) not in _years() or language not in LANGUAGES:
        abort(404)
    year = int(raw_year)
    form = StartForm()

    def start() -> int:
        try:
            return jobs.start(current_user, prepared.YEARLY_REPORT, year=year, language=language)
        except JobsUnavailable:
            raise ValidationFailed({"": wording.unavailable()}) from None

    done = flow.submit(form, start, to=lambda job_id: url_for("jobs.detail", job_id=job_id))
    if done:
        return done
    for messages in form.errors.values():
        for message in messages:
            flash(str(message), "warning")
    return redirect(url_for("reports.index") + "#yearly")


def _prepared_job(job_id: int):
    """The finished preparation this user may see (404 otherwise, as for any job)."""
    try:
        job = jobs.get_visible(current_user, job_id)
    except NotFound:
        abort(404)
    if job.kind != prepared.YEARLY_REPORT:
        abort(404)
    return job


@bp.get("/yearly/prepared/<int:job_id>")
@access(Role.REPORTS, Role.ADMIN)
def prepared_result(job_id: int):
    job = _prepared_job(job_id)
    if job.state != DONE:
        return redirect(url_for("jobs.detail", job_id=job.id))
    return render_template(
        "reports/prepared.html",
        job=job,
        year=job.params["year"],
        language=LANGUAGES.get(job.params["language"], job.params["language"]),
        language_code=job.params["language"],
    )


@bp.get("/yearly/prepared/<int:job_id>.<ext>")
@access(Role.REPORTS, Role.ADMIN)
def prepared_download(job_id: int, ext: str):
    if ext not in prepared.FORMATS:
        abort(404)
    job = _prepared_job(job_id)
    if job.state != DONE:
        abort(404)
    try:
        content = files.get(get_huey(), prepared.file_key(job.id, ext))
    except UNAVAILABLE_ERRORS:
        content = None
    if content is None:
        flash(_("The prepared report is no longer kept. Please prepare it again."), "warning")
        return redirect(url_for("reports.index") + "#yearly")
    year, language = job.params["year"], job.params["language"]
    services.record_export(current_user, f"yearly_{ext}", year=year, language=language)
    db.session.commit()
    return _download(content, yearly.file_name(year, ext), prepared.FORMATS[ext])
