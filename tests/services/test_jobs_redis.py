"""The job queue on Redis (CASEAPP_JOBS_URL=redis://...), as when several machines run Lotse:
a throw-away redis-server on loopback (Debian's package; skipped where it is not installed)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from caseapp import jobs
from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.jobs import tracking
from caseapp.jobs.models import DONE, Job
from caseapp.jobs.queue import EXTENSION, TASKS, get_huey, make_huey
from caseapp.jobs.setup import install

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    port = _free_port()
    # The server is a service beside the test, not under test: CI's shifted-clock stage runs
    # pytest under libfaketime, which must not reach redis-server (it then never answers).
    server_env = {
        k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")
    }
    process = subprocess.Popen(
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=server_env,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                process.wait(10)
                raise
            time.sleep(0.1)
    yield url
    client.close()
    process.terminate()
    process.wait(10)


@pytest.fixture
def on_redis(app, redis_url):
    before = app.extensions[EXTENSION], app.extensions[TASKS]
    install(app, make_huey(redis_url))
    yield redis_url
    app.extensions[EXTENSION], app.extensions[TASKS] = before


def _admin(world) -> User:
    return db.session.scalar(select(User).where(User.email == world["admin"]))


def test_progress_written_on_one_machine_is_read_on_another(app, on_redis, clock):
    # Two web instances (or a worker and a web instance) share nothing but the Redis URL.
    here, there = get_huey(app), make_huey(on_redis)
    tracking.report(here, 7, tracking.Snapshot(done=3, total=9, stage="matching.solving"))
    tracking.beat(here, 7, clock.now)
    snapshot, beat = tracking.read(there, 7)
    assert (snapshot.done, snapshot.total, snapshot.stage) == (3, 9, "matching.solving")
    assert beat == clock.now
    tracking.clear(there, 7)
    assert tracking.read(here, 7) == (None, None)


def test_a_job_queued_on_redis_is_run_by_a_worker_process(app, world, on_redis):
    with app.test_request_context():
        job_id = jobs.start(_admin(world), "people.duplicates")
        db.session.commit()
    assert get_huey(app).pending_count() == 1
    env = {
        **os.environ,
        "CASEAPP_ENV": "development",
        "CASEAPP_SECRET_KEY": "worker-test-" + "x" * 40,
        "CASEAPP_JOBS_URL": on_redis,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--no-periodic"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        state = "queued"
        while state != DONE and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.5)
            with app.app_context():
                state = db.session.get(Job, job_id).state
                db.session.remove()
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert state == DONE, output
    assert get_huey(app).pending_count() == 0
    assert worker.returncode == 0, output


def test_redis_going_away_makes_jobs_unavailable_not_lotse(app, world, on_redis, redis_url):
    redis.Redis.from_url(redis_url).shutdown(nosave=True)
    with app.test_request_context():
        with pytest.raises(jobs.JobsUnavailable):
            jobs.start(_admin(world), "people.duplicates")
        db.session.rollback()
        assert db.session.scalar(select(Job.id)) is None
