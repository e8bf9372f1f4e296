"""Background jobs (caseapp/jobs): start, run, progress, failure, a dead worker, retry, schedule.

The testing configuration runs every job at once (Huey's immediate mode); tests that need a
real queue swap in a SQLite queue file with `queue_file`. tests/services/test_jobs_worker.py
runs a real worker process.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from caseapp import jobs
from caseapp.auth.models import User
from caseapp.auth.roles import Role
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.jobs import periodic, runner
from caseapp.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from caseapp.jobs.queue import EXTENSION, TASKS, get_huey, make_huey
from caseapp.jobs.setup import install
from caseapp.matches.models import MatchProposal, MatchRound
from caseapp.offices.models import Office
from caseapp.people.models import DuplicatePair
from caseapp.people.services import duplicates, register_person
from caseapp.people.validation import PersonData
from caseapp.web.throttle import Attempt
from tests.factories.matching import TODAY, build

# A kind that writes a row, reports progress and then does what the test asks.
WRITES = []


def _note_then(ctx, outcome: str = "ok", office_name: str = "Written by a job"):
    from caseapp.offices.services import OfficeData, create_office

    if outcome == "reaped":
        # Meanwhile the reaper gave up on this run (its heartbeat seemed to stop).
        db.session.execute(update(Job).where(Job.id == ctx.job_id).values(state=FAILED))
        db.session.commit()
    create_office(None, OfficeData(name=office_name, kind="integration_centre"))
    db.session.flush()
    ctx.progress(1, 2, "duplicates.scanning")
    if outcome == "boom":
        raise RuntimeError("disk on fire")
    if outcome == "refuse":
        raise ValidationFailed({"office": "Das geht so nicht."})
    ctx.progress(2, 2, "duplicates.scanning")
    WRITES.append(ctx.job_id)
    return {"written": office_name}


jobs.register(
    jobs.JobKind(
        name="test.note",
        run=_note_then,
        roles=frozenset({Role.CASEWORKER}),
        key=lambda params: params.get("office_name", ""),
    )
)


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _offices(name: str = "Written by a job") -> int:
    return db.session.scalar(select(func.count(Office.id)).where(Office.name == name))


@pytest.fixture
def queue_file(app, tmp_path):
    """A real SQLite queue in a temporary directory instead of immediate mode."""
    before = app.extensions[EXTENSION], app.extensions[TASKS]
    huey = make_huey(f"sqlite:///{tmp_path}/jobs.sqlite3")
    install(app, huey)
    yield huey
    app.extensions[EXTENSION], app.extensions[TASKS] = before


def _two_records_of_one_person(admin: User, office_id: int) -> tuple[int, int]:
    ids = []
    for given, family in (("Mohammed", "Al-Hassan"), ("Muhammad", "Alhasan")):
        person = register_person(
            admin,
            PersonData(
                given_name=given,
                family_name=family,
                birth_year=1988,
                birth_month=3,
                birth_day=14,
                sex="m",
            ),
            office_id=office_id,
            caseworker_id=None,
            today=TODAY,
        )
        ids.append(person.id)
    return tuple(ids)


def test_duplicate_scan_runs_as_a_job_and_keeps_its_result(ctx, world):
    admin = _user(world["admin"])
    a, b = _two_records_of_one_person(admin, world["office_a"])
    db.session.commit()
    job_id = jobs.start(admin, "people.duplicates")
    db.session.commit()  # handed to the queue after the commit; immediate mode runs it now
    status = jobs.progress(admin, job_id)
    job = status.job
    assert job.state == DONE and status.percent == 100
    assert job.result["count"] >= 1
    assert job.result["link"]["endpoint"] == "people.duplicates"
    # The pair is in the stored review queue the duplicates page shows.
    scan = duplicates.latest_scan()
    assert scan.finished_at is not None
    stored = db.session.scalars(select(DuplicatePair).where(DuplicatePair.scan_id == scan.id))
    assert (min(a, b), max(a, b)) in {(p.a_id, p.b_id) for p in stored}
    assert job.active_key is None and job.finished_at is not None


def test_a_matching_round_runs_as_a_job_for_any_coordinator_to_follow(app, world, make_user, ctx):
    ids = build(app, world, make_user)
    coordinator = _user(world["coordinator"])
    job_id = jobs.start(coordinator, "matching.round", programme_id=ids["programme_id"])
    db.session.commit()
    job = db.session.get(Job, job_id)
    assert job.state == DONE, (job.error_code, job.error)
    round_id = job.result["link"]["values"]["round_id"]
    stored = db.session.get(MatchRound, round_id)
    assert stored.programme_id == ids["programme_id"]
    proposals = db.session.scalar(
        select(func.count(MatchProposal.id)).where(MatchProposal.round_id == round_id)
    )
    assert proposals == job.result["matched"] > 0
    # Every coordinator may open the round, so every coordinator may follow the job;
    # caseworkers may not even see that it exists.
    other = _user(make_user("coordinator", offices=[world["office_b"]]))
    assert jobs.progress(other, job_id).job.id == job_id
    with pytest.raises(NotFound):
        jobs.progress(_user(world["caseworker_a"]), job_id)
    with pytest.raises(NotFound):
        jobs.start(_user(world["caseworker_a"]), "matching.round", programme_id=1)


def test_only_the_starter_and_administrators_see_a_job(ctx, world):
    worker = _user(world["caseworker_a"])
    job_id = jobs.start(worker, "test.note")
    db.session.commit()
    assert jobs.progress(worker, job_id).job.state == DONE
    assert jobs.progress(_user(world["admin"]), job_id).job.id == job_id
    for other in ("caseworker_b", "coordinator", "volunteer"):
        with pytest.raises(NotFound):
            jobs.progress(_user(world[other]), job_id)
    assert [j.id for j in jobs.list_for(worker)] == [job_id]
    assert jobs.list_for(_user(world["caseworker_b"])) == []


def test_starting_the_same_work_twice_gives_one_job(ctx, world, queue_file):
    worker = _user(world["caseworker_a"])
    first = jobs.start(worker, "test.note", office_name="Same")
    db.session.commit()
    # A double click, or a colleague a moment later, while the first one waits in the queue.
    assert jobs.start(worker, "test.note", office_name="Same") == first
    assert jobs.start(_user(world["admin"]), "test.note", office_name="Same") == first
    other = jobs.start(worker, "test.note", office_name="Different")
    db.session.commit()
    assert other != first
    assert queue_file.pending_count() == 2
    assert db.session.scalar(select(func.count(Job.id))) == 2


def test_two_starts_in_the_same_moment_give_one_job(app, world, queue_file):
    """Two coordinators at once: the second waits for the first's row (SQLite's write lock,
    PostgreSQL's unique index) and is led to it."""
    import threading

    flushed, results = threading.Event(), {}

    def first():
        with app.app_context():
            results["first"] = jobs.start(_user(world["caseworker_a"]), "test.note")
            db.session.flush()
            flushed.set()
            time.sleep(0.5)  # the second start comes while this one is not committed yet
            db.session.commit()
            db.session.remove()

    def second():
        flushed.wait(5)
        with app.app_context():
            results["second"] = jobs.start(_user(world["admin"]), "test.note")
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results["first"] == results["second"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Job.id))) == 1
    assert queue_file.pending_count() == 1


def test_a_job_that_raises_fails_readably_and_leaves_nothing_half_written(ctx, world):
    worker = _user(world["caseworker_a"])
    job_id = jobs.start(worker, "test.note", outcome="boom")
    db.session.commit()
    status = jobs.progress(worker, job_id)
    assert status.job.state == FAILED and status.job.error_code == "error"
    assert "disk on fire" not in status.job.error  # no technical text for the user
    assert status.done == 1 and status.total == 2  # where it stopped
    assert _offices() == 0  # the office it created is rolled back with the failure
    assert status.can_retry and status.job.active_key is None


def test_a_refused_job_says_why_in_the_starters_words(ctx, world):
    worker = _user(world["caseworker_a"])
    job_id = jobs.start(worker, "test.note", outcome="refuse")
    db.session.commit()
    job = db.session.get(Job, job_id)
    assert job.state == FAILED and job.error_code == "refused"
    assert job.error == "Das geht so nicht."
    assert _offices() == 0


def test_a_job_runs_once_however_often_its_message_arrives(app, ctx, world, queue_file):
    worker = _user(world["caseworker_a"])
    job_id = jobs.start(worker, "test.note", office_name="Once")
    db.session.commit()
    WRITES.clear()
    runner.run_job(app, queue_file, job_id)
    runner.run_job(app, queue_file, job_id)  # delivered again (a retry, a second worker)
    db.session.expire_all()
    assert [job_id] == WRITES
    assert _offices("Once") == 1
    job = db.session.get(Job, job_id)
    assert job.state == DONE and job.attempts == 1


def test_a_run_given_up_on_meanwhile_keeps_none_of_its_writes(app, ctx, world, queue_file):
    worker = _user(world["caseworker_a"])
    job_id = jobs.start(worker, "test.note", outcome="reaped")
    db.session.commit()
    runner.run_job(app, queue_file, job_id)
    db.session.expire_all()
    assert db.session.get(Job, job_id).state == FAILED
    assert _offices() == 0


def test_a_dead_worker_is_noticed_and_the_job_can_be_retried(app, ctx, world, clock, queue_file):
    worker = _user(world["caseworker_a"])
    job_id = jobs.start(worker, "test.note", office_name="After a crash")
    db.session.commit()
    # A worker claims the job and dies before it ends: no heartbeat, no end.
    assert runner._claim(job_id) == 1
    status = jobs.progress(worker, job_id)
    assert status.job.state == RUNNING and not status.can_retry
    clock.advance(seconds=121)
    status = jobs.progress(worker, job_id)
    db.session.commit()
    assert status.job.state == FAILED and status.job.error_code == "worker_lost"
    assert status.can_retry
    assert jobs.retry(worker, job_id) == job_id
    db.session.commit()
    job = db.session.get(Job, job_id)
    assert job.state == QUEUED and job.error_code == ""
    db.session.commit()  # the worker is another process: this test holds no lock meanwhile
    runner.run_job(app, queue_file, job_id)
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job.state == DONE and job.attempts == 2
    assert _offices("After a crash") == 1
    with pytest.raises(jobs.CannotRetry):
        jobs.retry(worker, job_id)


def test_the_reaper_gives_up_on_running_jobs_without_heartbeat_only(app, ctx, world, clock):
    from caseapp.jobs import tracking
    from caseapp.jobs.services import reap_stale

    worker = _user(world["caseworker_a"])
    ids = []
    for name in ("a", "b"):
        job = Job(kind="test.note", started_by_id=worker.id, params={}, active_key=name)
        db.session.add(job)
        db.session.flush()
        ids.append(job.id)
    db.session.commit()
    for job_id in ids:
        runner._claim(job_id)
    clock.advance(minutes=10)
    tracking.beat(get_huey(), ids[1], clock.now)  # the second one's worker is alive
    assert reap_stale(clock.now) == 1
    db.session.commit()
    assert [db.session.get(Job, i).state for i in ids] == [FAILED, RUNNING]
    tracking.clear(get_huey(), ids[1])


def test_a_queued_job_nobody_takes_can_be_handed_over_again(ctx, world, clock, queue_file):
    worker = _user(world["caseworker_a"])
    job_id = jobs.start(worker, "test.note")
    db.session.commit()
    assert not jobs.progress(worker, job_id).waiting_long
    clock.advance(minutes=5)
    status = jobs.progress(worker, job_id)
    assert status.waiting_long and status.can_retry
    jobs.retry(worker, job_id)
    db.session.commit()
    assert queue_file.pending_count() == 2  # the same job twice; it still runs once


@pytest.mark.parametrize(
    "url", ["sqlite:////nonexistent-lotse-dir/jobs.sqlite3", "redis://127.0.0.1:1/0"]
)
def test_an_unavailable_queue_refuses_to_start_and_writes_nothing(app, ctx, world, url):
    before = app.extensions[EXTENSION], app.extensions[TASKS]
    install(app, make_huey(url))
    try:
        with pytest.raises(jobs.JobsUnavailable):
            jobs.start(_user(world["caseworker_a"]), "test.note")
    finally:
        app.extensions[EXTENSION], app.extensions[TASKS] = before
    db.session.commit()
    assert db.session.scalar(select(func.count(Job.id))) == 0


def test_a_rolled_back_start_queues_nothing(ctx, world, queue_file):
    jobs.start(_user(world["caseworker_a"]), "test.note")
    db.session.rollback()
    db.session.commit()
    assert queue_file.pending_count() == 0
    assert db.session.scalar(select(func.count(Job.id))) == 0


def test_the_schedule_holds_the_periodic_work(app):
    names = {entry.name: periodic.describe(entry) for entry in periodic.SCHEDULE}
    assert names["outbox.send"] == "* * * * *"
    assert names["reminders.send"] == "*/5 * * * *"
    assert names["referrals.flag-overdue"] == "7 * * * *"
    assert names["attempts.purge"] == "17 3 * * *"
    assert names["volunteers.remind-trainings"] == "23 * * * *"
    assert names["volunteers.purge-unconfirmed"] == "37 3 * * *"
    assert names["jobs.reap"] == "* * * * *"
    periodic_tasks = {t.__name__ for t in get_huey(app)._registry._periodic_tasks}
    assert {f"lotse.{name}" for name in names} <= periodic_tasks


def test_periodic_work_runs_from_the_queue_and_from_the_command_line(app, clock):
    with app.app_context():
        db.session.add(Attempt(kind="login", key="x", address="1.2.3.4", at=clock.now))
        db.session.add(
            Attempt(kind="login", key="y", address="1.2.3.4", at=clock.now - timedelta(days=2))
        )
        db.session.commit()
        app.extensions[TASKS]["periodic_once"]("attempts.purge")  # immediate mode: now
        assert db.session.scalar(select(func.count(Attempt.id))) == 1
    runner_cli = app.test_cli_runner()
    for name in [entry.name for entry in periodic.SCHEDULE]:
        result = runner_cli.invoke(args=["jobs", "run", name])
        assert result.exit_code == 0, result.output
    assert "sent 0" in runner_cli.invoke(args=["jobs", "run", "outbox.send"]).output
    result = runner_cli.invoke(args=["jobs", "run", "attempts.purge", "--enqueue"])
    assert result.exit_code == 0 and "queued attempts.purge" in result.output
    result = runner_cli.invoke(args=["jobs", "status"])
    assert result.exit_code == 0 and "queued 0" in result.output


def test_the_worker_refuses_to_start_in_immediate_mode(app):
    result = app.test_cli_runner().invoke(args=["jobs", "worker"])
    assert result.exit_code != 0 and "immediate" in result.output.lower()
