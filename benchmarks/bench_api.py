"""API read benchmark at 100,000 persons (issue 17): token check, office scope, audit, JSON.

Run:  .venv/bin/python benchmarks/bench_api.py [--persons 100000] [--runs 3] [--requests 200]
      DATABASE_URL=postgresql://... for PostgreSQL (the database is emptied first!).
Every read goes through the whole request: the bearer token is looked up and counted (one
commit), the operation reads through the services (the person and case reads write their
audit entry and commit). Prints the median over --runs runs of each run's median and p95,
in milliseconds, and the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("CASEAPP_ENV", "development")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text

from benchmarks.bench_people import PASSWORD, build, measure
from caseapp.app import create_app
from caseapp.extensions import db
from caseapp.people.models import Case, Person


def appointments(office_id: int, worker_id: int, persons: list[int], rng) -> None:
    """One appointment for every fifth person, over the year around today."""
    from caseapp.appointments.models import Appointment

    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    rows = []
    for pid in persons[::5]:
        start = now + timedelta(hours=rng.randint(-24 * 180, 24 * 180))
        rows.append(
            {
                "person_id": pid,
                "office_id": office_id,
                "caseworker_id": worker_id,
                "starts_at": start,
                "ends_at": start + timedelta(minutes=30),
                "scheduled_at": now,
                "status": "scheduled",
                "need_area": "",
                "purpose": "",
                "interpreter_language": "",
                "notes_for_newcomer": "",
                "version": 1,
            }
        )
    for i in range(0, len(rows), 5000):
        db.session.execute(insert(Appointment), rows[i : i + 5000])
    db.session.commit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--reuse", action="store_true", help="measure again on DATABASE_URL's register"
    )
    args = parser.parse_args()
    rng = random.Random(2026)

    app = create_app({"API_REQUESTS_PER_MINUTE": 10**9, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        build_seconds = 0.0
        if not args.reuse and db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        from flask_migrate import upgrade

        upgrade()  # with --reuse: brings a register built before to the current schema
        from caseapp.api import tokens
        from caseapp.auth.models import User
        from caseapp.offices.models import Office
        from caseapp.offices.services import OfficeData, create_office
        from caseapp.users.services import UserData, create_user

        if not args.reuse:
            office = create_office(
                None, OfficeData(name="Integrationszentrum", kind="integration_centre")
            )
            worker = create_user(
                None,
                UserData(
                    email="cw@bench.example",
                    display_name="CW",
                    roles=["caseworker"],
                    office_ids=[office.id],
                ),
                PASSWORD,
            )
            db.session.commit()
            office_id, worker_id = office.id, worker.id
            t0 = time.perf_counter()
            build(args.persons, office_id, worker_id, rng)
            ids = list(db.session.scalars(select(Person.id).order_by(Person.id)))
            appointments(office_id, worker_id, ids, rng)
            build_seconds = time.perf_counter() - t0
        office_id = db.session.scalar(select(Office.id).where(Office.name == "Integrationszentrum"))
        args.persons = db.session.scalar(select(func.count(Person.id)))
        assert db.session.scalar(select(User.id).where(User.email == "cw@bench.example"))
        with app.test_request_context():
            _token, secret = tokens.create_token(
                None,
                tokens.TokenData(
                    name="Bench",
                    office_id=office_id,
                    roles=["caseworker", "coordinator"],
                    expires_on=date.today() + timedelta(days=30),
                ),
            )
            db.session.commit()
        sample = list(
            db.session.execute(
                select(Person.id, Person.family_name, Person.birth_year, Case.id)
                .join(Case, Case.person_id == Person.id)
                .where(Person.id % 50 == 0)
                .order_by(Person.id)
                .limit(2000)
            )
        )
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))

    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "de"}
    state = {"cursor": None}

    def get(url):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code, response.get_data())
        return response

    def next_page(path):
        def read(_i):
            url = path + (f"&cursor={state['cursor']}" if state["cursor"] else "")
            body = get(url).get_json()
            state["cursor"] = body["next_cursor"]

        return read

    reads = {
        "GET /persons/{id} (audited)": lambda i: get(f"/api/v1/persons/{sample[i % 2000][0]}"),
        "GET /cases/{id} (audited)": lambda i: get(f"/api/v1/cases/{sample[i % 2000][3]}"),
        "GET /persons/search?q=family name + birth year": lambda i: get(
            f"/api/v1/persons/search?q={sample[i % 2000][1]} {sample[i % 2000][2]}"
        ),
        "GET /persons/search?q=family name alone": lambda i: get(
            f"/api/v1/persons/search?q={sample[i % 2000][1]}"
        ),
        "GET /appointments?limit=50 (paging on)": next_page("/api/v1/appointments?limit=50"),
        "GET /referrals?limit=50": lambda i: get("/api/v1/referrals?limit=50"),
        "GET /services": lambda i: get("/api/v1/services"),
        "GET /offices": lambda i: get("/api/v1/offices"),
        "GET /matches?limit=50": lambda i: get("/api/v1/matches?limit=50"),
    }
    page = app.test_client()  # the pages, for comparison: the same reads signed in
    page.post("/login", data={"email": "cw@bench.example", "password": PASSWORD})

    def on_page(method, url, **kw):
        response = getattr(page, method)(url, **kw)
        assert response.status_code == 200, (url, response.status_code)

    reads["(page) POST /people/ search, family name + birth year"] = lambda i: on_page(
        "post", "/people/", data={"q": f"{sample[i % 2000][1]} {sample[i % 2000][2]}"}
    )
    reads["(page) GET /people/{id} (case file)"] = lambda i: on_page(
        "get", f"/people/{sample[i % 2000][0]}"
    )
    results = {}
    for name, read in reads.items():
        state["cursor"] = None
        results[name] = measure(read, args.runs, args.requests)

    with app.app_context():
        dialect = db.engine.dialect.name
    print(f"API reads at {args.persons:,} persons on {dialect}")
    print(f"build {build_seconds:.1f} s; {args.runs} runs x {args.requests} requests")
    print(
        f"{platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print("| read | median | p95 |")
    print("|---|---|---|")
    for name, (median, p95) in results.items():
        print(f"| {name} | {median:.1f} ms | {p95:.1f} ms |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
