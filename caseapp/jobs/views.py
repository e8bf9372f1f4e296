"""Thin views: the user's jobs, a job's progress (HTML and JSON), retry and result pages."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import format_decimal as _number
from flask_login import current_user

from caseapp.auth.roles import STAFF_ROLES, Role
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.jobs import registry, services, wording
from caseapp.jobs.blueprint import bp
from caseapp.jobs.forms import StartForm
from caseapp.jobs.kinds import DUPLICATE_SCAN
from caseapp.jobs.queue import JobsUnavailable
from caseapp.web import flow
from caseapp.web.access import access


def _status_or_404(job_id: int) -> services.JobStatus:
    try:
        return services.progress(current_user, job_id)
    except NotFound:
        abort(404)


def _started(action):
    """A start or retry for flow.submit: an unavailable queue is a refusal on the page."""

    def run():
        try:
            return action()
        except JobsUnavailable:
            raise ValidationFailed({"": wording.unavailable()}) from None

    return run


def _flash_refusal(form) -> None:
    """A button the service refused (or an expired form): why, on the page it returns to."""
    for messages in form.errors.values():
        for message in messages:
            flash(str(message), "warning")


@bp.get("/")
@access(*STAFF_ROLES)
def index():
    jobs = services.list_for(current_user)
    return render_template(
        "jobs/index.html",
        jobs=jobs,
        form=StartForm(),
        may_scan=current_user.has_role(Role.ADMIN),
    )


@bp.get("/<int:job_id>")
@access(*STAFF_ROLES)
def detail(job_id: int):
    status = _status_or_404(job_id)
    db.session.commit()  # a job whose worker stopped is marked failed now
    kind = registry.get(status.job.kind)
    return render_template("jobs/detail.html", status=status, kind=kind, form=StartForm())


@bp.get("/<int:job_id>/status")
@access(*STAFF_ROLES)
def status(job_id: int):
    """The progress as JSON, polled by static/js/jobs.js."""
    status = _status_or_404(job_id)
    db.session.commit()
    job = status.job
    return jsonify(
        id=job.id,
        state=job.state,
        state_label=wording.state_label(job.state),
        state_badge=wording.STATE_BADGES.get(job.state, "secondary"),
        active=job.active,
        done=status.done,
        total=status.total,
        percent=status.percent,
        stage=wording.stage_text(job.kind, status.stage, status.stage_params),
        done_text=_("%(done)s of %(total)s", done=_number(status.done), total=_number(status.total))
        if status.total
        else "",
        waiting_long=status.waiting_long,
    )


@bp.post("/<int:job_id>/retry")
@access(*STAFF_ROLES)
def retry(job_id: int):
    form = StartForm()
    try:
        services.get_visible(current_user, job_id)
    except NotFound:
        abort(404)

    def run() -> int:
        try:
            return services.retry(current_user, job_id)
        except services.CannotRetry:
            raise ValidationFailed(
                {"": _("This job is running or finished; it cannot be started again.")}
            ) from None

    done = flow.submit(
        form,
        _started(run),
        to=lambda new_id: url_for("jobs.detail", job_id=new_id),
        message=_("The job has been started again."),
    )
    if done:
        return done
    _flash_refusal(form)
    return redirect(url_for("jobs.detail", job_id=job_id))


@bp.get("/<int:job_id>/result")
@access(*STAFF_ROLES)
def result(job_id: int):
    try:
        job = services.get_visible(current_user, job_id)
    except NotFound:
        abort(404)
    if job.state != "done":
        return redirect(url_for("jobs.detail", job_id=job.id))
    link = (job.result or {}).get("link")
    if link:
        return redirect(url_for(link["endpoint"], **link.get("values", {})))
    kind = registry.get(job.kind)
    if kind is None or not kind.result_template:
        abort(404)
    return render_template(kind.result_template, job=job)


@bp.post("/duplicate-scan")
@access(Role.ADMIN)
def start_duplicate_scan():
    """Scan the whole register for likely duplicates in the background."""
    form = StartForm()
    done = flow.submit(
        form,
        _started(lambda: services.start(current_user, DUPLICATE_SCAN)),
        to=lambda job_id: url_for("jobs.detail", job_id=job_id),
    )
    if done:
        return done
    _flash_refusal(form)
    return redirect(url_for("jobs.index"))
