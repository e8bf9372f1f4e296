"""Long work in the background, watched in a real browser (issue 16, §2): the whole-register
duplicate scan and a matching round start as jobs; their page shows a progress bar that
moves without a reload while a worker is half-way, the job can be left and found again under
"My jobs" in the menu, and when it is done the page shows the link to the result.

A CSV import of more rows than the (here lowered) threshold runs as a job too, its result
being the import report, and so does the yearly report ("Prepare the report"), its result
being the page with the PDF and CSV to download.

The worker runs in the test process (tests/fixtures/job_worker.py) and is paused inside the
job, after its transaction, at a progress report.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.jobs.models import Job
from caseapp.people import import_runs, importing
from tests.factories.matching import build
from tests.factories.people import register
from tests.factories.web import PASSWORD
from tests.fixtures.job_worker import PausableWorker

pytestmark = pytest.mark.browser
WAIT = 15_000  # ms: the page polls every 1 to 5 s


@pytest.fixture
def worker(app, tmp_path, monkeypatch):
    paused = PausableWorker(app, tmp_path, monkeypatch)
    yield paused
    paused.close()


def _sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/home")


def _job_id(page: Page) -> int:
    page.wait_for_url(re.compile(r".*/jobs/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def _watch_for_reloads(page: Page) -> None:
    """Mark the loaded document: a reload drops the mark."""
    page.evaluate("window.lotseNotReloaded = true")


def _not_reloaded(page: Page) -> bool:
    return page.evaluate("window.lotseNotReloaded === true")


def _leave_and_come_back(page: Page, job_id: int) -> None:
    """Away to the start page, back through "My jobs" in the menu."""
    page.goto("/home")
    page.locator("nav a[href='/jobs/']").click()
    page.wait_for_url("**/jobs/")
    row = page.locator("main tbody tr", has=page.locator(f"a[href='/jobs/{job_id}']"))
    expect(row.locator(".badge")).to_have_class(re.compile("text-bg-primary"))  # running
    row.locator(f"a[href='/jobs/{job_id}']").click()
    page.wait_for_url(f"**/jobs/{job_id}")


def _state(app, job_id: int) -> str:
    with app.app_context():
        state = db.session.get(Job, job_id).state
        db.session.remove()
        return state


def test_the_duplicate_scan_shows_its_progress_and_then_its_result(
    app, page, world, worker, artifacts
):
    with app.app_context():
        worker_user = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        register(worker_user, world["office_a"])
        register(worker_user, world["office_a"], given_name="Muhammad", family_name="Alhasan")
    _sign_in(page, world["admin"])
    page.goto("/jobs/")
    page.locator("form[action$='/jobs/duplicate-scan'] button").click()
    job_id = _job_id(page)
    bar, text, state = (page.locator(s) for s in ("#job-progress", "#job-text", "#job-state"))
    expect(bar).to_be_visible()
    queued = state.inner_text()
    assert _state(app, job_id) == "queued"
    _watch_for_reloads(page)

    # The worker has stored the first batch and reported one pair found so far.
    worker.run_next(pause_at=lambda s: s.params.get("found", 0) > 0)
    expect(text).to_contain_text("1", timeout=WAIT)
    expect(state).not_to_have_text(queued)
    expect(state).to_have_class(re.compile("text-bg-primary"))  # running: blue, not grey
    assert _not_reloaded(page), "the page reloaded instead of updating in place"
    assert bar.get_attribute("value") is None  # how many remain is unknown: no fixed share
    page.screenshot(path=str(artifacts / "job-duplicate-scan-running.png"), full_page=True)

    _leave_and_come_back(page, job_id)
    expect(bar).to_be_visible()
    expect(text).to_contain_text("1")

    worker.resume()
    result = page.locator(f"a[href='/jobs/{job_id}/result']")
    expect(result).to_be_visible(timeout=WAIT)  # the page reloaded itself once done
    expect(bar).to_have_attribute("value", "100")
    page.screenshot(path=str(artifacts / "job-duplicate-scan-done.png"), full_page=True)
    result.click()
    page.wait_for_url("**/people/duplicates*")
    expect(page.locator("main")).to_contain_text("Alhasan")
    assert _state(app, job_id) == "done"
    assert page.outside_requests == []


def test_a_large_matching_round_shows_its_progress_and_then_the_round(
    app, page, world, make_user, worker, monkeypatch, artifacts
):
    ids = build(app, world, make_user)
    # Every round counts as large here: the button hands it to the background worker.
    monkeypatch.setitem(app.config, "MATCHING_INLINE_PAIRS", 0)
    _sign_in(page, world["coordinator"])
    page.goto("/matching/")
    page.click(f"form[action$='/programmes/{ids['programme_id']}/run'] button")
    job_id = _job_id(page)
    bar, text = page.locator("#job-progress"), page.locator("#job-text")
    expect(bar).to_be_visible()
    assert bar.get_attribute("value") is None  # queued: nothing done yet
    _watch_for_reloads(page)

    # Read the waiting list (1 of 2 steps), now finding the best pairs.
    worker.run_next(pause_at=lambda s: s.stage == "matching.solving")
    expect(bar).to_have_attribute("value", "50", timeout=WAIT)
    expect(text).to_contain_text("3")  # waiting
    expect(text).to_contain_text("2")  # volunteers
    assert _not_reloaded(page), "the page reloaded instead of updating in place"
    page.screenshot(path=str(artifacts / "job-matching-round-running.png"), full_page=True)

    _leave_and_come_back(page, job_id)
    expect(bar).to_have_attribute("value", "50")

    worker.resume()
    result = page.locator(f"a[href='/jobs/{job_id}/result']")
    expect(result).to_be_visible(timeout=WAIT)
    result.click()
    page.wait_for_url("**/matching/rounds/*")
    expect(page.locator("main")).to_contain_text("Amal Haddad")
    assert _state(app, job_id) == "done"
    assert page.outside_requests == []


def test_a_large_csv_import_shows_its_progress_and_then_its_report(
    app, page, world, worker, monkeypatch, artifacts
):
    # Six rows are "large" here, imported two per batch: the bar stops at a third.
    monkeypatch.setitem(app.config, "IMPORT_INLINE_ROWS", 3)
    monkeypatch.setattr(import_runs, "FIRST_BATCH", 2)
    rows = [f"B{n},Given{n},Family{n},1990-01-0{n},f,SY,ar,,," for n in range(1, 6)]
    rows.append("B6,Bad,Date,1990-13-45,m,SY,ar,,,")
    content = "\n".join([",".join(importing.COLUMNS), *rows, ""]).encode()
    _sign_in(page, world["admin"])
    page.goto("/people/import")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": content}],
    )
    page.select_option("select[name=office]", value=str(world["office_a"]))
    page.locator("main form button[type=submit]").click()
    job_id = _job_id(page)
    bar = page.locator("#job-progress")
    expect(bar).to_be_visible()
    _watch_for_reloads(page)

    worker.run_next(pause_at=lambda s: s.stage == "import.rows" and 0 < s.done < (s.total or 0))
    expect(bar).to_have_attribute("value", "33", timeout=WAIT)
    expect(page.locator("#job-text")).to_contain_text("6")
    assert _not_reloaded(page), "the page reloaded instead of updating in place"
    page.screenshot(path=str(artifacts / "job-import-running.png"), full_page=True)

    _leave_and_come_back(page, job_id)
    expect(bar).to_have_attribute("value", "33")

    worker.resume()
    result = page.locator(f"a[href='/jobs/{job_id}/result']")
    expect(result).to_be_visible(timeout=WAIT)
    result.click()
    page.wait_for_url("**/people/import/runs/*")
    main = page.locator("main")
    expect(main.locator("table")).to_contain_text("7")  # the rejected row, by its number
    expect(main.locator("table")).to_contain_text("birth_date")
    page.screenshot(path=str(artifacts / "job-import-report.png"), full_page=True)
    assert _state(app, job_id) == "done"
    assert page.outside_requests == []


def test_the_yearly_report_is_prepared_with_progress_and_then_downloaded(
    app, page, make_user, worker, artifacts
):
    _sign_in(page, make_user("reports"))
    page.goto("/reports")
    form = page.locator("form[action$='/reports/yearly/prepare']")
    form.locator("select[name=year]").select_option("2025")
    form.locator("button[type=submit]").click()
    job_id = _job_id(page)
    bar = page.locator("#job-progress")
    expect(bar).to_be_visible()
    _watch_for_reloads(page)

    # The PDF is written (1 of 2 steps); the table for spreadsheets is next.
    worker.run_next(pause_at=lambda s: s.stage == "reports.csv")
    expect(bar).to_have_attribute("value", "50", timeout=WAIT)
    expect(page.locator("#job-text")).to_contain_text("1")
    assert _not_reloaded(page), "the page reloaded instead of updating in place"

    _leave_and_come_back(page, job_id)
    expect(bar).to_have_attribute("value", "50")

    worker.resume()
    result = page.locator(f"a[href='/jobs/{job_id}/result']")
    expect(result).to_be_visible(timeout=WAIT)
    result.click()
    page.wait_for_url(f"**/reports/yearly/prepared/{job_id}")
    page.screenshot(path=str(artifacts / "job-yearly-report-done.png"), full_page=True)
    with page.expect_download() as download:
        page.locator(f"a[href='/reports/yearly/prepared/{job_id}.pdf']").click()
    assert download.value.suggested_filename == "integration-report-2025.pdf"
    assert _state(app, job_id) == "done"
    assert page.outside_requests == []
