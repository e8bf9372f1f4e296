"""A large spreadsheet import and the yearly report as jobs, through the test client: started
once however often the button is pressed, progress as JSON, the result after the worker ran
the job, and nobody who may not see the result sees the job."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.extensions import db
from caseapp.jobs import files, runner
from caseapp.jobs.models import Job
from caseapp.jobs.queue import EXTENSION, TASKS, make_huey
from caseapp.jobs.setup import install
from caseapp.people import importing
from caseapp.people.import_runs import ImportRun
from caseapp.people.models import Person
from tests.factories.web import Actions

HEADER = b"external_id,given_name,family_name,birth_date,sex,nationality,languages,district,phone,email\n"
FOUR_ROWS = HEADER + (
    b"J1,Amina,Yusuf,1990-02-03,f,SY,ar,,,\n"
    b"J2,Omar,Haddad,1985,m,SY,ar,,,\n"
    b"J3,Leyla,Demir,1979-11-30,f,TR,tr,,,\n"
    b"J4,Bad,Date,1990-13-45,m,SY,ar,,,\n"
)


@pytest.fixture
def queue_file(app, tmp_path):
    """A real SQLite queue instead of immediate mode: a job waits until the test runs it."""
    before = app.extensions[EXTENSION], app.extensions[TASKS]
    huey = make_huey(f"sqlite:///{tmp_path}/jobs.sqlite3")
    install(app, huey)
    yield huey
    app.extensions[EXTENSION], app.extensions[TASKS] = before


@pytest.fixture
def small_threshold(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_INLINE_ROWS", 2)


def _signed_in(app, email: str) -> Actions:
    actions = Actions(app.test_client())
    assert actions.login(email).status_code == 302
    return actions


def _upload(admin: Actions, office_id: int, content: bytes, lang: str = "en"):
    return admin.post(
        f"/people/import?lang={lang}",
        {"office": str(office_id), "file": (io.BytesIO(content), "people.csv")},
        content_type="multipart/form-data",
    )


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_large_import_runs_as_one_job_with_progress_and_its_report(
    app, world, queue_file, small_threshold
):
    admin = _signed_in(app, world["admin"])
    response = _upload(admin, world["office_a"], FOUR_ROWS)
    assert response.status_code == 302
    location = response.headers["Location"]
    job_id = int(re.search(r"/jobs/(\d+)$", location).group(1))
    # A double click (the same file for the same office again) leads to the same job.
    again = _upload(admin, world["office_a"], FOUR_ROWS)
    assert again.headers["Location"] == location
    with app.app_context():
        assert _count(Job) == 1
        assert _count(Person) == 0  # nothing imported inside the request
    waiting = admin.client.get(f"/jobs/{job_id}/status?lang=en").get_json()
    assert waiting["state"] == "queued" and waiting["active"] is True
    page = admin.client.get(f"{location}?lang=en").get_data(as_text=True)
    assert "Import of persons" in page and 'http-equiv="refresh"' in page

    runner.run_job(app, queue_file, job_id)

    done = admin.client.get(f"/jobs/{job_id}/status?lang=en").get_json()
    assert done["state"] == "done" and done["percent"] == 100
    assert (done["done"], done["total"]) == (4, 4)
    page = admin.client.get(f"{location}?lang=en").get_data(as_text=True)
    assert "Persons added: 3, updated: 0, rows rejected: 1." in page
    result = admin.client.get(f"{location}/result")
    assert result.status_code == 302
    report_url = result.headers["Location"]
    assert re.search(r"/people/import/runs/\d+$", report_url)
    report = admin.client.get(report_url + "?lang=en").get_data(as_text=True)
    assert "3 persons added" in report and "1 row rejected" in report
    assert '<bdi dir="ltr">5</bdi>' in report and "birth_date" in report  # row 5, and why
    with app.app_context():
        assert _count(Person) == 3
        run = db.session.scalar(select(ImportRun))
        assert (run.status, run.rows_done, run.created, run.rejected) == ("done", 4, 3, 1)
        # The uploaded file is not kept once the import is done.
        assert files.get(queue_file, files.key("upload", job_id), secret=True) is None

    # A caseworker of another office sees neither the job nor its report.
    other = _signed_in(app, world["caseworker_b"])
    for url in (location, f"{location}/status", f"{location}/result"):
        assert other.client.get(url).status_code == 404, url
    assert other.client.get(report_url).status_code == 403


def test_the_uploaded_file_is_kept_encrypted_until_the_worker_reads_it(
    app, world, queue_file, small_threshold
):
    admin = _signed_in(app, world["admin"])
    location = _upload(admin, world["office_a"], FOUR_ROWS).headers["Location"]
    job_id = int(location.rsplit("/", 1)[1])
    with app.app_context():
        stored = queue_file.get(files.key("upload", job_id), peek=True)
        # Markers long enough not to turn up in random base64 by chance (a two-letter one,
        # "J1", did in about one run in fifteen).
        assert stored.startswith(b"enc:")
        assert b"Amina" not in stored and b"Yusuf" not in stored and b"1990-02-03" not in stored
        assert files.get(queue_file, files.key("upload", job_id), secret=True) == FOUR_ROWS
        # Gone (a store emptied meanwhile): the job fails and says so in the starter's language.
        files.delete(queue_file, files.key("upload", job_id))
    runner.run_job(app, queue_file, job_id)
    page = admin.client.get(f"{location}?lang=en").get_data(as_text=True)
    assert "The uploaded file is no longer kept. Please upload it again." in page
    assert "Start again" in page


def test_a_file_refused_as_a_whole_starts_no_job(
    app, world, queue_file, small_threshold, monkeypatch
):
    admin = _signed_in(app, world["admin"])
    missing = b"external_id,given_name\nA1,Amina\nA2,Omar\nA3,Leyla\n"
    page = _upload(admin, world["office_a"], missing)
    assert page.status_code == 400
    assert "Columns missing" in page.get_data(as_text=True)
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    page = _upload(admin, world["office_a"], FOUR_ROWS)
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "The file has more than 3 rows" in text and "Nothing was imported." in text
    with app.app_context():
        assert _count(Job) == 0 and _count(Person) == 0


def test_a_small_file_is_still_imported_at_once(app, world, queue_file):
    admin = _signed_in(app, world["admin"])
    page = _upload(admin, world["office_a"], FOUR_ROWS)
    assert page.status_code == 200
    assert "3 persons added" in page.get_data(as_text=True)
    with app.app_context():
        assert _count(Job) == 0 and _count(Person) == 3


def _start_report(actions: Actions, year: int = 2025, lang: str = "de"):
    index = actions.client.get("/reports?lang=en").get_data(as_text=True)
    assert "Prepare the report" in index
    token = re.search(
        r'action="/reports/yearly/prepare".*?name="submission_id" value="([^"]+)"', index, re.S
    ).group(1)
    return actions.post(
        "/reports/yearly/prepare?lang=en", {"year": str(year), "lang": lang, "submission_id": token}
    ), token


def test_the_yearly_report_is_prepared_as_a_job_and_its_download_audited(
    app, world, make_user, queue_file
):
    reporter = _signed_in(app, make_user("reports"))
    response, token = _start_report(reporter)
    assert response.status_code == 302
    location = response.headers["Location"]
    job_id = int(re.search(r"/jobs/(\d+)$", location).group(1))
    # A double click: the same submission, and a new one for the same year and language.
    again = reporter.post(
        "/reports/yearly/prepare", {"year": "2025", "lang": "de", "submission_id": token}
    )
    assert again.headers["Location"] == location
    assert _start_report(reporter)[0].headers["Location"] == location
    with app.app_context():
        assert _count(Job) == 1
    waiting = reporter.client.get(f"{location}/status").get_json()
    assert waiting["state"] == "queued" and waiting["percent"] is None
    # Not done yet: no result to download.
    assert reporter.client.get(f"/reports/yearly/prepared/{job_id}.pdf").status_code == 404

    runner.run_job(app, queue_file, job_id)

    done = reporter.client.get(f"{location}/status").get_json()
    assert done["state"] == "done" and done["percent"] == 100
    page = reporter.client.get(f"{location}?lang=en").get_data(as_text=True)
    assert "The yearly report 2025 is ready to download." in page
    result = reporter.client.get(f"{location}/result")
    assert result.status_code == 302
    assert result.headers["Location"].endswith(f"/reports/yearly/prepared/{job_id}")
    prepared = reporter.client.get(f"/reports/yearly/prepared/{job_id}?lang=en")
    assert prepared.status_code == 200
    with app.app_context():
        exports_before = db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "export_report")
        )
    pdf = reporter.client.get(f"/reports/yearly/prepared/{job_id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert 'filename="integration-report-2025.pdf"' in pdf.headers["Content-Disposition"]
    table = reporter.client.get(f"/reports/yearly/prepared/{job_id}.csv")
    assert table.status_code == 200 and table.mimetype == "text/csv"
    assert table.data.startswith("\ufeff".encode())
    assert reporter.client.get(f"/reports/yearly/prepared/{job_id}.txt").status_code == 404
    with app.app_context():
        exports = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "export_report").order_by(AuditEntry.id)
        ).all()
        assert len(exports) == exports_before + 2
    # The direct download keeps working.
    assert reporter.client.get("/reports/yearly.csv?year=2025").status_code == 200

    # Another holder of the reports permission may follow it and download it too.
    colleague = _signed_in(app, make_user("reports"))
    assert colleague.client.get(location).status_code == 200
    assert colleague.client.get(f"/reports/yearly/prepared/{job_id}.pdf").status_code == 200
    # A caseworker (no reports permission) sees neither the job nor the files.
    caseworker = _signed_in(app, world["caseworker_a"])
    for url in (location, f"{location}/status", f"{location}/result"):
        assert caseworker.client.get(url).status_code == 404, url
    for url in (f"/reports/yearly/prepared/{job_id}", f"/reports/yearly/prepared/{job_id}.pdf"):
        assert caseworker.client.get(url).status_code == 403, url
    assert (
        caseworker.post("/reports/yearly/prepare", {"year": "2025", "lang": "de"}).status_code
        == 403
    )


def test_the_prepared_report_refuses_a_year_or_language_it_does_not_offer(app, world, make_user):
    reporter = _signed_in(app, make_user("reports"))
    for year, lang in (("1999", "de"), ("2025", "xx"), ("", "de")):
        response = reporter.post("/reports/yearly/prepare", {"year": year, "lang": lang})
        assert response.status_code == 404, (year, lang)
    with app.app_context():
        assert _count(Job) == 0


@pytest.fixture
def no_queue(app):
    """A queue file that cannot be opened: jobs are unavailable."""
    before = app.extensions[EXTENSION], app.extensions[TASKS]
    install(app, make_huey("sqlite:////nonexistent-lotse-dir/jobs.sqlite3"))
    yield
    app.extensions[EXTENSION], app.extensions[TASKS] = before


def test_without_a_queue_the_pages_say_so_and_nothing_starts(
    app, world, make_user, small_threshold, no_queue
):
    admin = _signed_in(app, world["admin"])
    page = _upload(admin, world["office_a"], FOUR_ROWS)
    assert page.status_code == 400
    assert "Background jobs are unavailable at the moment." in page.get_data(as_text=True)
    reporter = _signed_in(app, make_user("reports"))
    response = reporter.post("/reports/yearly/prepare?lang=en", {"year": "2025", "lang": "de"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#yearly")
    index = reporter.client.get("/reports?lang=en").get_data(as_text=True)
    assert "Background jobs are unavailable at the moment." in index
    with app.app_context():
        assert _count(Job) == 0 and _count(Person) == 0
