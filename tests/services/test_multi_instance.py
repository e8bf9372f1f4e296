"""Lotse on several machines, simulated on loopback (issue 16, §4): one Redis job queue, two
gunicorn instances on two ports sharing one database (the test database: PostgreSQL when
TEST_DATABASE_URL is set, otherwise the SQLite file), one `flask jobs worker`, all in
production mode and driven over real HTTP by a signed-in coordinator.

A matching round started through instance A shows its progress through instance B and is
stored once; a worker killed with SIGKILL in the middle of the next round leaves nothing
behind, the job is failed once its heartbeat stops, and started again with a new worker it
stores its round once. A worker killed while it hands an e-mail to the SMTP server sends
no message twice: the next worker clears the lock the dead one left and delivers the rest,
and the cut-off message goes out once when the operator queues it again.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseapp.extensions import db
from caseapp.jobs import tracking
from caseapp.jobs.models import DONE, FAILED, RUNNING, Job
from caseapp.jobs.queue import EXTENSION, TASKS, make_huey
from caseapp.jobs.setup import install
from caseapp.matches.models import MatchProposal, MatchRound
from caseapp.outbox.models import OutboxMessage
from caseapp.outbox.services import enqueue
from tests.factories.large_round import large_programme
from tests.factories.web import PASSWORD
from tests.fixtures.processes import (
    Browser,
    flask_command,
    service_env,
    start_gunicorn,
    start_redis,
    start_worker,
    stop,
    wait_for_http,
    wait_until,
)
from tests.fixtures.smtp import free_port

# The round has 2,500 x 1,000 possible pairs: more than a round the button runs in the request
# (matches.services.rounds.INLINE_PAIRS), and about a second of work for the worker.
WAITING, VOLUNTEERS = 2_500, 1_000
# A job without a heartbeat for this long is failed (production: two minutes).
STALE_SECONDS = 5


class Cluster:
    """The processes of one test and where their logs are."""

    def __init__(self, tmp_path: Path, env: dict[str, str], ports: tuple[int, int], redis_url):
        self.tmp_path, self.env, self.redis_url = tmp_path, env, redis_url
        self.a, self.b = (f"http://127.0.0.1:{port}" for port in ports)
        self.ports = ports
        self.servers = []
        self.workers = []

    def log(self, name: str) -> Path:
        return self.tmp_path / f"{name}.log"

    def start_servers(self) -> None:
        self.servers = [
            start_gunicorn(self.env, port, self.log(f"gunicorn-{port}")) for port in self.ports
        ]
        for server, port in zip(self.servers, self.ports, strict=True):
            wait_for_http(server, port, self.log(f"gunicorn-{port}"))

    def start_worker(self, *, periodic: bool = False):
        log = self.log(f"worker-{len(self.workers) + 1}")
        worker = start_worker(self.env, log, periodic=periodic)
        self.workers.append(worker)
        return worker

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted(self.tmp_path.glob("*.log"))
        )

    def stop_all(self) -> None:
        for process in [*self.workers, *self.servers]:
            stop(process, signal.SIGINT if process in self.workers else signal.SIGTERM)


@pytest.fixture
def cluster(app, tmp_path):
    """Redis, then two gunicorn instances on the test database and the Redis queue."""
    redis_process, redis_url = start_redis(tmp_path)
    ports = (free_port(), free_port())
    env = service_env(
        CASEAPP_ENV="production",
        CASEAPP_SECRET_KEY="multi-instance-" + "k" * 40,
        # Both instances behind one address, as behind a load balancer.
        CASEAPP_BASE_URL=f"http://127.0.0.1:{ports[0]}",
        CASEAPP_SECURE_COOKIES="0",  # plain HTTP on loopback
        # What the test writes (encrypted with the testing key) the services read.
        CASEAPP_DATA_KEYS=",".join(app.config["DATA_KEYS"]),
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        CASEAPP_JOBS_URL=redis_url,
        CASEAPP_JOBS_STALE_SECONDS=str(STALE_SECONDS),
    )
    running = Cluster(tmp_path, env, ports, redis_url)
    try:
        yield running
    finally:
        # Before the rows are wiped (tests/conftest.py): no connection of theirs is left.
        running.stop_all()
        stop(redis_process)


def _job(app, job_id: int) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        db.session.remove()
        return job


def _rounds(app, programme_id: int) -> list[tuple[int, str, int, int]]:
    """(id, status, proposals stored, proposals the round's statistics count) per round."""
    with app.app_context():
        rows = db.session.execute(
            select(MatchRound.id, MatchRound.status, MatchRound.stats)
            .where(MatchRound.programme_id == programme_id)
            .order_by(MatchRound.id)
        ).all()
        stored = dict(
            db.session.execute(
                select(MatchProposal.round_id, func.count(MatchProposal.id)).group_by(
                    MatchProposal.round_id
                )
            ).all()
        )
        db.session.remove()
    return [(rid, status, stored.get(rid, 0), stats["matched"]) for rid, status, stats in rows]


def _start_round(browser: Browser, base: str, programme_id: int) -> int:
    response = browser.post(base, f"/matching/programmes/{programme_id}/run")
    location = response.headers.get("Location", "")
    assert response.status_code == 302 and "/jobs/" in location, response.text[:2000]
    return int(location.rstrip("/").rsplit("/", 1)[1])


def _status(browser: Browser, base: str, job_id: int) -> dict:
    response = browser.get(base, f"/jobs/{job_id}/status")
    assert response.status_code == 200, response.text[:2000]
    return response.json()


def test_a_job_started_on_one_instance_is_followed_on_another_and_survives_a_killed_worker(
    app, make_office, make_user, cluster
):
    office = make_office(name="Integrationszentrum Mitte")
    coordinator = make_user("coordinator", offices=[office], email="koordination@test.example")
    with app.app_context():
        programme_id = large_programme(office, waiting=WAITING, volunteers=VOLUNTEERS)
        db.session.remove()
    cluster.start_worker()  # boots while the web instances do
    cluster.start_servers()
    a, b = cluster.a, cluster.b
    browser = Browser()
    browser.sign_in(a, coordinator, PASSWORD)

    # 1. Started through A, followed through B (same session cookie, as behind a balancer).
    job_id = _start_round(browser, a, programme_id)

    def finished_on_b():
        status = _status(browser, b, job_id)
        return status if not status["active"] else None

    status = wait_until(finished_on_b, 60, "the first round", step=0.1)
    assert status["state"] == DONE and status["percent"] == 100, cluster.logs()
    page = browser.get(b, f"/jobs/{job_id}")
    assert page.status_code == 200 and f"/jobs/{job_id}/result" in page.text
    assert f"/jobs/{job_id}" in browser.get(b, "/jobs/").text  # "My jobs" on the other one
    result = browser.get(b, f"/jobs/{job_id}/result")
    assert result.status_code == 302 and "/matching/rounds/" in result.headers["Location"]
    job = _job(app, job_id)
    assert (job.state, job.attempts) == (DONE, 1)
    [(first_round, _state, stored, counted)] = _rounds(app, programme_id)
    assert stored == counted > 0
    assert job.result["link"]["values"]["round_id"] == first_round

    # 2. The next round: the worker is killed while it computes (after it claimed the job,
    # before it stored anything).
    second_job = _start_round(browser, a, programme_id)
    assert second_job != job_id
    queue = make_huey(cluster.redis_url)

    def solving():
        snapshot, _beat = tracking.read(queue, second_job)
        return snapshot is not None and snapshot.stage == "matching.solving"

    wait_until(solving, 30, "the worker to compute the second round", step=0.002)
    cluster.workers[0].send_signal(signal.SIGKILL)
    cluster.workers[0].wait(10)
    # Until its heartbeat is overdue, B shows how far the job got (1 of 2 steps, solving).
    status = _status(browser, b, second_job)
    assert (status["state"], status["percent"], status["done"], status["total"]) == (
        RUNNING,
        50,
        1,
        2,
    ), f"the worker finished before it was killed: {status}"
    assert str(WAITING) in status["stage"].replace(".", "").replace(",", "")
    assert len(_rounds(app, programme_id)) == 1  # nothing half-written
    cluster.start_worker()  # as systemd restarts it

    # B tells the truth once the heartbeat has stopped: the job failed, and may be retried.
    wait_until(
        lambda: _status(browser, b, second_job)["state"] == FAILED,
        STALE_SECONDS * 5,
        "the job of the killed worker to be failed",
        step=0.5,
    )
    assert _job(app, second_job).error_code == "worker_lost"
    assert "/retry" in browser.get(a, f"/jobs/{second_job}").text

    retried = browser.post(a, f"/jobs/{second_job}/retry")
    assert retried.status_code == 302 and retried.headers["Location"].endswith(
        f"/jobs/{second_job}"
    ), retried.text[:2000]
    status = wait_until(
        lambda: (s := _status(browser, b, second_job))["active"] is False and s,
        60,
        "the retried round",
        step=0.2,
    )
    assert status["state"] == DONE, cluster.logs()
    job = _job(app, second_job)
    assert (job.state, job.attempts) == (DONE, 2)
    rounds = _rounds(app, programme_id)
    # One round per job: the first superseded by the second, each stored once.
    assert [status for _rid, status, _s, _c in rounds] == ["superseded", "open"], rounds
    second_round = rounds[1]
    assert second_round[2] == second_round[3] > 0
    assert job.result["link"]["values"]["round_id"] == second_round[0]


def _enqueue_delivery(app, redis_url: str) -> None:
    """What the schedule does every minute (`flask jobs run outbox.send --enqueue`)."""
    before = app.extensions[EXTENSION], app.extensions[TASKS]
    install(app, make_huey(redis_url))
    try:
        app.extensions[TASKS]["periodic_once"]("outbox.send")
    finally:
        app.extensions[EXTENSION], app.extensions[TASKS] = before


def _outbox(app) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(select(OutboxMessage.subject, OutboxMessage.status)).all()
        db.session.remove()
    return dict(rows)


def test_a_worker_killed_while_it_sends_mail_sends_no_message_twice(
    app, cluster, holding_smtp_server
):
    inbox = holding_smtp_server
    cluster.env.update(CASEAPP_SMTP_HOST="127.0.0.1", CASEAPP_SMTP_PORT=str(inbox.port))
    with app.app_context():
        for subject in ("Termin am Montag", "Termin am Dienstag"):
            enqueue("amal@example.org", subject, "Bitte bringen Sie Ihren Ausweis mit.")
        db.session.commit()
        db.session.remove()
    queue = make_huey(cluster.redis_url)
    killed = cluster.start_worker()
    _enqueue_delivery(app, cluster.redis_url)
    assert inbox.holding.wait(60), cluster.logs()  # the first message is being handed over
    killed.send_signal(signal.SIGKILL)
    killed.wait(10)
    inbox.release.set()  # the server answers a sender that is gone: nothing was accepted
    assert _outbox(app) == {"Termin am Montag": "sending", "Termin am Dienstag": "queued"}
    assert queue.is_locked("outbox.send")  # the dead worker's turn never ended

    # The next worker (with the schedule, as one worker runs it) clears that lock and
    # delivers what is due; the message cut off may have gone out, so it is not sent again.
    cluster.start_worker(periodic=True)
    wait_until(lambda: not queue.is_locked("outbox.send"), 60, "the lock to be cleared")
    _enqueue_delivery(app, cluster.redis_url)
    wait_until(
        lambda: _outbox(app)["Termin am Dienstag"] == "sent", 60, "the second message", step=0.2
    )
    assert _outbox(app)["Termin am Montag"] == "sending"

    # The operator decides it did not go out (the SMTP server's log says so) and queues it.
    assert "requeued 1" in flask_command(cluster.env, "outbox", "requeue-stuck", "--minutes", "0")
    _enqueue_delivery(app, cluster.redis_url)
    wait_until(
        lambda: _outbox(app)["Termin am Montag"] == "sent", 60, "the first message", step=0.2
    )
    subjects = sorted(message["Subject"] for message in inbox.messages)
    assert subjects == ["Termin am Dienstag", "Termin am Montag"], cluster.logs()
