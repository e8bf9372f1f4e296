"""Background jobs: a queue (Huey: SQLite file or Redis), user-started jobs with progress,
and the periodic work that used to need crontab lines.

For a package that offers long work:

    from caseapp import jobs

    jobs.register(jobs.JobKind(name="...", run=..., roles=..., key=..., visible_to=...))
    job_id = jobs.start(current_user, "...", **params)      # in the view's transaction
    return redirect(url_for("jobs.detail", job_id=job_id))  # the progress page

See caseapp/jobs/registry.py for what a kind declares and docs/architecture.md for the whole.
"""

from caseapp.jobs.queue import JobsUnavailable, get_huey
from caseapp.jobs.registry import JobKind, register
from caseapp.jobs.runner import JobContext
from caseapp.jobs.services import (
    CannotRetry,
    JobStatus,
    get_visible,
    list_for,
    progress,
    retry,
    start,
)

__all__ = [
    "CannotRetry",
    "JobContext",
    "JobKind",
    "JobStatus",
    "JobsUnavailable",
    "get_huey",
    "get_visible",
    "list_for",
    "progress",
    "register",
    "retry",
    "start",
]
