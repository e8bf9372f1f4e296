"""A real worker: `flask --app wsgi jobs worker` in its own process takes a job from a SQLite
queue file, runs it against the test database, and stops cleanly on Ctrl+C (SIGINT)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from caseapp import jobs
from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.jobs.models import DONE, Job
from caseapp.jobs.queue import EXTENSION, TASKS, make_huey
from caseapp.jobs.setup import install
from caseapp.people.services import register_person
from caseapp.people.validation import PersonData
from tests.factories.matching import TODAY

ROOT = Path(__file__).resolve().parents[2]


def _worker(queue_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        # Not "testing": that configuration runs jobs at once and has no worker.
        "CASEAPP_ENV": "development",
        "CASEAPP_SECRET_KEY": "worker-test-" + "x" * 40,
        "CASEAPP_JOBS_URL": queue_url,
        "DATABASE_URL": os.environ["DATABASE_URL"],
    }
    return subprocess.Popen(
        # Without the schedule: only the test's job runs against the test database.
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--no-periodic"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _state(app, job_id: int) -> Job:
    with app.app_context():
        try:
            job = db.session.get(Job, job_id)
            db.session.expunge(job)
            return job
        finally:
            db.session.remove()


def test_a_job_goes_from_the_queue_file_through_a_worker_process_to_its_result(
    app, world, tmp_path
):
    queue_url = f"sqlite:///{tmp_path}/jobs.sqlite3"
    before = app.extensions[EXTENSION], app.extensions[TASKS]
    install(app, make_huey(queue_url))
    try:
        with app.test_request_context():
            admin = db.session.scalar(select(User).where(User.email == world["admin"]))
            for given, family in (("Mohammed", "Al-Hassan"), ("Muhammad", "Alhasan")):
                register_person(
                    admin,
                    PersonData(given_name=given, family_name=family, birth_year=1988, sex="m"),
                    office_id=world["office_a"],
                    caseworker_id=None,
                    today=TODAY,
                )
            job_id = jobs.start(admin, "people.duplicates")
            db.session.commit()
            queue = app.extensions[EXTENSION]
        assert queue.pending_count() == 1
        assert _state(app, job_id).state == "queued"
    finally:
        app.extensions[EXTENSION], app.extensions[TASKS] = before

    worker = _worker(queue_url)
    try:
        deadline = time.monotonic() + 90
        job = _state(app, job_id)
        while job.state != DONE and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.5)
            job = _state(app, job_id)
    finally:
        worker.send_signal(signal.SIGINT)  # Ctrl+C: finish what runs, then stop
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert job.state == DONE, output
    assert job.result["count"] >= 1 and job.attempts == 1
    assert queue.pending_count() == 0
    assert worker.returncode == 0, output
