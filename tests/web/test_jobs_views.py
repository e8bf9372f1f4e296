"""Jobs in the browser client: start, follow the progress page (with and without script),
find it under "My jobs", read the result, see errors in one's language, retry."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.jobs.models import FAILED, QUEUED, RUNNING, Job
from caseapp.jobs.queue import EXTENSION, TASKS, make_huey
from caseapp.jobs.setup import install
from caseapp.people.services import register_person
from caseapp.people.validation import PersonData
from tests.factories.jobs import (  # noqa: F401 - moved; imported back for existing imports
    job_records,
)
from tests.factories.matching import TODAY
from tests.factories.web import Actions


def _signed_in(app, email: str) -> Actions:
    actions = Actions(app.test_client())
    assert actions.login(email).status_code == 302
    return actions


def _duplicates(app, world) -> None:
    with app.test_request_context():
        admin = db.session.scalar(select(User).where(User.email == world["admin"]))
        for given, family in (("Mohammed", "Al-Hassan"), ("Muhammad", "Alhasan")):
            register_person(
                admin,
                PersonData(
                    given_name=given,
                    family_name=family,
                    birth_year=1988,
                    birth_month=3,
                    birth_day=14,
                    sex="m",
                ),
                office_id=world["office_a"],
                caseworker_id=None,
                today=TODAY,
            )
        db.session.commit()


def _job(app, world, who: str, **values) -> int:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == world[who]))
        job = Job(kind=values.pop("kind", "people.duplicates"), started_by_id=user.id, **values)
        db.session.add(job)
        db.session.commit()
        return job.id


def test_admin_scans_the_register_as_a_job_and_reads_the_result(app, world):
    _duplicates(app, world)
    admin = _signed_in(app, world["admin"])
    page = admin.client.get("/jobs/?lang=en").get_data(as_text=True)
    assert "My jobs" in page and "You have not started any jobs yet." in page
    token = re.search(r'name="submission_id" value="([^"]+)"', page).group(1)
    response = admin.post("/jobs/duplicate-scan", {"submission_id": token})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert re.search(r"/jobs/\d+$", location)
    # A double click leads to the same job.
    again = admin.post("/jobs/duplicate-scan", {"submission_id": token})
    assert again.headers["Location"] == location
    page = admin.client.get(location + "?lang=en").get_data(as_text=True)
    assert "Duplicate scan of the whole register" in page
    assert "1 likely duplicate pair found." in page
    assert 'http-equiv="refresh"' not in page  # finished: nothing to refresh
    # The result is the duplicate review queue the scan stored.
    result = admin.client.get(location + "/result?lang=en")
    assert result.status_code == 302 and "/people/duplicates" in result.headers["Location"]
    text = admin.client.get("/people/duplicates?lang=en").get_data(as_text=True)
    assert "Mohammed Al-Hassan" in text and "Muhammad Alhasan" in text
    assert "/people/merge?a=" in text
    listing = admin.client.get("/jobs/?lang=en").get_data(as_text=True)
    assert location.rsplit("/", 1)[1] in listing and "Done" in listing
    with app.app_context():
        assert db.session.scalar(select(func.count(Job.id))) == 1


def test_progress_page_updates_itself_with_and_without_script(app, world):
    job_id = _job(app, world, "admin", state=QUEUED)
    admin = _signed_in(app, world["admin"])
    response = admin.client.get(f"/jobs/{job_id}?lang=en")
    page = response.get_data(as_text=True)
    # No inline script (CSP): a static script polls, and without it the page refreshes itself.
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "/static/js/jobs.js" in page and f'data-status-url="/jobs/{job_id}/status"' in page
    assert "<script>" not in page
    assert "This page updates by itself." in page
    status = admin.client.get(f"/jobs/{job_id}/status?lang=en").get_json()
    assert status["state"] == "queued" and status["active"] is True
    assert status["state_label"] == "Waiting" and status["percent"] is None


def test_running_job_shows_its_progress_in_the_readers_language(app, world, clock):
    from caseapp.jobs import tracking
    from caseapp.jobs.queue import get_huey

    job_id = _job(
        app,
        world,
        "admin",
        kind="matching.round",
        state=RUNNING,
        started_at=clock.now,
        attempts=1,
    )
    with app.app_context():
        tracking.report(
            get_huey(app),
            job_id,
            tracking.Snapshot(
                done=1,
                total=2,
                stage="matching.solving",
                params={"newcomers": 50000, "volunteers": 20000},
            ),
        )
        tracking.beat(get_huey(app), job_id, clock.now)
    admin = _signed_in(app, world["admin"])
    status = admin.client.get(f"/jobs/{job_id}/status?lang=en").get_json()
    assert status["percent"] == 50 and status["state_label"] == "Running"
    assert "50000" in status["stage"] and "20000" in status["stage"]
    page = admin.client.get(f"/jobs/{job_id}?lang=en").get_data(as_text=True)
    assert 'value="50"' in page and "1 of 2" in page
    with app.app_context():
        tracking.clear(get_huey(app), job_id)


def test_others_do_not_even_see_that_a_job_exists(app, world):
    job_id = _job(app, world, "admin", state="done", result={"count": 0, "pairs": []})
    for who in ("caseworker_a", "coordinator"):
        other = _signed_in(app, world[who])
        for path in ("", "/status", "/result"):
            assert other.client.get(f"/jobs/{job_id}{path}").status_code == 404
        assert other.post(f"/jobs/{job_id}/retry", {}).status_code == 404
    volunteer = _signed_in(app, world["volunteer"])
    assert volunteer.client.get(f"/jobs/{job_id}").status_code == 403


def test_failed_job_says_why_in_arabic_and_can_be_started_again(app, world):
    _duplicates(app, world)
    job_id = _job(app, world, "admin", state=FAILED, error_code="worker_lost", attempts=1)
    admin = _signed_in(app, world["admin"])
    page = admin.client.get(f"/jobs/{job_id}?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in page and 'role="alert"' in page
    page = admin.client.get(f"/jobs/{job_id}?lang=en").get_data(as_text=True)
    assert "the background worker stopped" in page and "Start again" in page
    token = re.search(r'name="submission_id" value="([^"]+)"', page).group(1)
    response = admin.post(f"/jobs/{job_id}/retry", {"submission_id": token})
    assert response.headers["Location"].endswith(f"/jobs/{job_id}")
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.state == "done" and job.attempts == 2  # immediate mode ran it at once
    page = admin.client.get(f"/jobs/{job_id}?lang=en").get_data(as_text=True)
    assert "Start again" not in page
    refused = admin.post(f"/jobs/{job_id}/retry", {"submission_id": token})
    assert refused.status_code == 302  # the first result again (same submission)


def test_a_queue_that_cannot_be_reached_is_said_and_nothing_else_breaks(app, world):
    before = app.extensions[EXTENSION], app.extensions[TASKS]
    install(app, make_huey("redis://127.0.0.1:1/0"))
    try:
        admin = _signed_in(app, world["admin"])
        page = admin.client.get("/jobs/?lang=en").get_data(as_text=True)
        token = re.search(r'name="submission_id" value="([^"]+)"', page).group(1)
        response = admin.post("/jobs/duplicate-scan?lang=en", {"submission_id": token})
        assert response.status_code == 302 and response.headers["Location"].endswith("/jobs/")
        page = admin.client.get("/jobs/?lang=en").get_data(as_text=True)
        assert "Background jobs are unavailable at the moment." in page
        assert admin.client.get("/people/?lang=en").status_code == 200  # the rest works
    finally:
        app.extensions[EXTENSION], app.extensions[TASKS] = before
    with app.app_context():
        assert db.session.scalar(select(func.count(Job.id))) == 0


def test_a_job_nobody_took_warns_that_the_worker_may_not_run(app, world, clock):
    job_id = _job(app, world, "admin", state=QUEUED, queued_at=clock.now)
    clock.advance(timedelta(minutes=5))
    admin = _signed_in(app, world["admin"])
    page = admin.client.get(f"/jobs/{job_id}?lang=en").get_data(as_text=True)
    assert "the worker may not be running" in page and "Start again" in page


def test_a_stopped_import_says_its_finished_rows_are_kept(app, world):
    # An import keeps the batches it finished: its failure text must not say "nothing saved".
    job_id = _job(
        app,
        world,
        "admin",
        kind="people.import",
        state=FAILED,
        error_code="worker_lost",
        attempts=1,
        params={"office_id": 1, "file_hash": "x"},
    )
    admin = _signed_in(app, world["admin"])
    page = admin.client.get(f"/jobs/{job_id}?lang=en").get_data(as_text=True)
    assert "The rows imported before that are saved" in page
    assert "Nothing of it was saved" not in page
    scan = _job(app, world, "admin", state=FAILED, error_code="worker_lost", attempts=1)
    page = admin.client.get(f"/jobs/{scan}?lang=en").get_data(as_text=True)
    assert "Nothing of it was saved" in page
