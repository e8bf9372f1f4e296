"""Files a job kept in the queue's store (an import's upload after a failed run, a prepared
report) are deleted some days after the job ended: personal data in an upload does not
linger; a running job's files and recent ones stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.jobs import files, periodic
from caseapp.jobs.models import FAILED, RUNNING, Job
from caseapp.jobs.queue import get_huey
from caseapp.reports import prepared


def _job(user_id, kind, state, ended_days_ago):
    finished = None if ended_days_ago is None else utcnow() - timedelta(days=ended_days_ago)
    job = Job(kind=kind, state=state, started_by_id=user_id, finished_at=finished, result={})
    db.session.add(job)
    db.session.flush()
    return job


def test_old_job_files_are_deleted_and_recent_or_running_ones_kept(app, world):
    with app.test_request_context():
        huey = get_huey()
        admin = db.session.scalar(select(User).where(User.email == world["admin"]))
        old_import = _job(admin.id, "people.import", FAILED, 10)
        new_import = _job(admin.id, "people.import", FAILED, 1)
        running = _job(admin.id, "people.import", RUNNING, None)
        old_report = _job(admin.id, "reports.yearly", "done", 30)
        for job in (old_import, new_import, running):
            files.put(huey, files.key("upload", job.id), b"Nachname;Vorname", secret=True)
        for ext in ("pdf", "csv"):
            files.put(huey, prepared.file_key(old_report.id, ext), b"report")
        db.session.commit()

        assert files.purge(huey, now=utcnow(), keep_days=7) == 2
        db.session.commit()
        assert files.get(huey, files.key("upload", old_import.id), secret=True) is None
        assert files.get(huey, prepared.file_key(old_report.id, "pdf")) is None
        assert files.get(huey, prepared.file_key(old_report.id, "csv")) is None
        assert files.get(huey, files.key("upload", new_import.id), secret=True) is not None
        assert files.get(huey, files.key("upload", running.id), secret=True) is not None
        assert db.session.get(Job, old_import.id).result == {"files_purged": True}
        # Done once: the next night skips the cleared jobs.
        assert files.purge(huey, now=utcnow(), keep_days=7) == 0


def test_the_worker_runs_it_every_night(app):
    entry = periodic.by_name("jobs.purge-files")
    assert entry.schedule == {"minute": "47", "hour": "3"}
    with app.app_context():
        assert "deleted the stored files of" in entry.run()
