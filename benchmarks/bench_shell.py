"""Benchmark of the application shell: sign-in cost and start/list page latency.

Run: CASEAPP_ENV=development .venv/bin/python benchmarks/bench_shell.py [--offices 200] [--runs 5]
Builds a throw-away SQLite database (or DATABASE_URL), prints medians and p95 in milliseconds
and the machine it ran on.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time

os.environ.setdefault("CASEAPP_ENV", "development")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

from flask_migrate import upgrade

from caseapp.app import create_app
from caseapp.auth.passwords import hash_password, verify_password
from caseapp.extensions import db
from caseapp.offices.services import OfficeData, create_office
from caseapp.users.services import UserData, create_user

PASSWORD = "benchmark password 2026"  # noqa: S105 - throw-away data


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def timed(fn, n):
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--offices", type=int, default=200)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        office_ids = [
            create_office(None, OfficeData(name=f"Office {i}", kind="integration_centre")).id
            for i in range(args.offices)
        ]
        db.session.commit()
        digest = hash_password(PASSWORD)
        from caseapp.auth.models import OfficeMembership, User, UserRole

        for i in range(args.users):
            user = User(email=f"u{i}@bench.example", display_name=f"User {i}", password_hash=digest)
            user.roles.append(UserRole(role="caseworker"))
            user.memberships.append(OfficeMembership(office_id=office_ids[i % len(office_ids)]))
            db.session.add(user)
        create_user(
            None,
            UserData(email="admin@bench.example", display_name="Admin", roles=["admin"]),
            PASSWORD,
        )
        db.session.commit()

    client = app.test_client()
    client.post("/login", data={"email": "admin@bench.example", "password": PASSWORD})
    results = {}
    for label, fn, n in [
        ("argon2id verify (login cost)", lambda: verify_password(digest, PASSWORD), 10),
        ("GET /home", lambda: client.get("/home"), args.requests),
        ("GET /offices/ page 1", lambda: client.get("/offices/"), args.requests),
        (
            "GET /offices/ deep page",
            lambda: client.get("/offices/?page=7&sort=-name"),
            args.requests,
        ),
        (
            "GET /admin/users/ filtered",
            lambda: client.get("/admin/users/?role=caseworker&page=20"),
            args.requests,
        ),
    ]:
        medians, p95s = [], []
        for _ in range(args.runs):
            samples = timed(fn, n)
            medians.append(statistics.median(samples))
            p95s.append(percentile(samples, 0.95))
        results[label] = (statistics.median(medians), statistics.median(p95s))

    db_name = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, database {db_name}"
    )
    print(f"data: {args.offices} offices, {args.users + 1} accounts; {args.runs} runs")
    print(f"{'what':<32} {'median ms':>10} {'p95 ms':>10}")
    for label, (median, p95) in results.items():
        print(f"{label:<32} {median:>10.1f} {p95:>10.1f}")


if __name__ == "__main__":
    main()
