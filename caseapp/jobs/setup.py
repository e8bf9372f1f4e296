"""Wiring the jobs into the application: the queue, its tasks and the built-in job kinds."""

from __future__ import annotations

from flask import Flask
from huey import Huey

from caseapp.jobs import (
    kinds,  # noqa: F401 - registers the duplicate scan and matching round
    tasks,
    wording,
)
from caseapp.jobs.queue import EXTENSION, jobs_url, make_huey
from caseapp.people import import_jobs  # noqa: F401 - registers the import of a large file
from caseapp.reports import prepared  # noqa: F401 - registers the yearly report


def init_app(app: Flask) -> None:
    immediate = app.config.get("JOBS_IMMEDIATE", app.config.get("TESTING", False))
    install(app, make_huey(jobs_url(app), immediate=bool(immediate)))
    app.jinja_env.globals.update(
        job_kind_title=wording.kind_title,
        job_state_label=wording.state_label,
        job_state_badge=lambda state: wording.STATE_BADGES.get(state, "secondary"),
        job_stage_text=wording.stage_text,
        job_error_text=wording.error_text,
        job_result_summary=wording.result_summary,
        job_unavailable_text=wording.unavailable,
    )


def install(app: Flask, huey: Huey) -> None:
    """Make `huey` the app's queue, with every task defined on it (tests swap in a queue
    file of their own this way)."""
    tasks.define(app, huey)
    app.extensions[EXTENSION] = huey
