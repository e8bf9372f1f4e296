"""The tasks the queue knows: one that runs any user-started job, and the periodic work.

Defined per application on its Huey instance, so that the worker runs them in that app's
context (`flask --app wsgi jobs worker`) and the web processes enqueue the same names.
"""

from __future__ import annotations

import logging

from flask import Flask
from huey import Huey, crontab
from huey.exceptions import TaskLockedException

from caseapp.extensions import db
from caseapp.jobs import periodic
from caseapp.jobs.queue import TASKS
from caseapp.jobs.runner import run_job

logger = logging.getLogger(__name__)


def define(app: Flask, huey: Huey) -> None:
    def run(job_id: int) -> None:
        run_job(app, huey, job_id)

    tasks = {"run_job": huey.task(name="lotse.run_job")(run)}
    for entry in periodic.schedule():
        _define_periodic(app, huey, entry)

    def run_periodic_once(name: str) -> None:
        run_periodic(app, huey, periodic.by_name(name))

    tasks["periodic_once"] = huey.task(name="lotse.periodic_once")(run_periodic_once)
    app.extensions[TASKS] = tasks


def run_periodic(app: Flask, huey: Huey, entry: periodic.Periodic) -> str | None:
    """Run one entry of the schedule now, unless it is running already (then None)."""
    try:
        with huey.lock_task(entry.name), app.app_context():
            try:
                summary = entry.run()
            except Exception:
                db.session.rollback()
                logger.exception("periodic %s failed", entry.name)
                raise
            finally:
                db.session.remove()
    except TaskLockedException:
        logger.info("periodic %s is still running; this turn is skipped", entry.name)
        return None
    logger.info("periodic %s: %s", entry.name, summary)
    return summary


def _define_periodic(app: Flask, huey: Huey, entry: periodic.Periodic) -> None:
    def run() -> None:
        run_periodic(app, huey, entry)

    run.__name__ = "periodic_" + entry.name.replace(".", "_").replace("-", "_")
    huey.periodic_task(crontab(**entry.schedule), name=f"lotse.{entry.name}")(run)
    # Registered so that the worker clears a lock a killed worker left behind (flush_locks).
    huey.lock_task(entry.name)
