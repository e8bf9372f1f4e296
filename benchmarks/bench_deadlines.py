"""Deadline scan benchmark: `deadlines scan` on a large synthetic city.

Run:  .venv/bin/python benchmarks/bench_deadlines.py [--persons 100000] [--runs 3]
      DATABASE_URL=postgresql://... for PostgreSQL (the database is emptied first!).

Builds --persons persons with cases in 12 offices (20 caseworkers): 60 % with a residence
permit ending between a year ago and three years ahead, 80 % with an arrival date in
2020-2026 (benefit switch after 36 months), full dates of birth from 0 to 70 years (school
and Kita), 5 % with an entered integration-course deadline in the next year, 10 % agreed to
reminders by e-mail. Then measures, `--runs` times each, with the shipped kinds:

- first scan: every deadline derived from nothing, every due warning given (the deadline,
  warning, next-step and outbox tables are emptied before each run);
- repeat scan: the same day again (nothing to do: the idempotent path);
- next day: the clock one day on (a day's new warnings and missed deadlines).

Prints medians, sizes, peak memory (RSS) and the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

os.environ.setdefault("CASEAPP_ENV", "development")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

from sqlalchemy import delete, func, insert, select, text

from caseapp.app import create_app
from caseapp.core import clock
from caseapp.extensions import db

TODAY = datetime(2026, 11, 30, 5, 0)  # Europe/Berlin wall time of the nightly run
BATCH = 20_000


def bulk(model, rows, returning=False):
    ids = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        if returning:
            ids += list(db.session.scalars(insert(model).returning(model.id), chunk))
        else:
            db.session.execute(insert(model), chunk)
    db.session.commit()
    return ids


def day_between(rng, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days))


def build(app, args, rng) -> dict:
    from caseapp.auth.models import OfficeMembership, User, UserRole
    from caseapp.deadlines.catalogue import install_defaults
    from caseapp.deadlines.models import Deadline, DeadlineKind
    from caseapp.offices.models import Office
    from caseapp.people.models import Case, Consent, Person

    today = TODAY.date()
    offices = bulk(
        Office, [{"name": f"Stelle {i}", "kind": "integration_centre"} for i in range(12)], True
    )
    now = datetime(2026, 11, 1, tzinfo=UTC)
    users = bulk(
        User,
        [
            {
                "email": f"cw{i}@bench.example",
                "display_name": f"Berater {i}",
                "password_hash": "x",
                "preferred_language": rng.choice(["de", "de", "ar", "tr"]),
                "created_at": now,
                "updated_at": now,
            }
            for i in range(20)
        ],
        True,
    )
    bulk(UserRole, [{"user_id": u, "role": "caseworker"} for u in users])
    bulk(
        OfficeMembership,
        [{"user_id": u, "office_id": offices[i % 12]} for i, u in enumerate(users)],
    )
    persons = []
    for i in range(args.persons):
        born = day_between(rng, date(1956, 1, 1), date(2026, 11, 1))
        persons.append(
            {
                "office_id": rng.choice(offices),
                "given_name": f"G{i}",
                "family_name": f"F{i}",
                "birth_year": born.year,
                "birth_month": born.month,
                "birth_day": born.day,
                "languages": [{"code": rng.choice(["ar", "tr", "de", "fa"]), "level": "native"}],
                "email": f"p{i}@bench.example" if rng.random() < 0.5 else "",
                "residence_valid_until": day_between(
                    rng, today - timedelta(days=365), today + timedelta(days=3 * 365)
                )
                if rng.random() < 0.6
                else None,
                "arrived_germany_on": day_between(rng, date(2020, 1, 1), today)
                if rng.random() < 0.8
                else None,
                "created_at": now,
                "updated_at": now,
            }
        )
    person_ids = bulk(Person, persons, True)
    bulk(
        Case,
        [
            {
                "case_number": f"B-{pid}",
                "person_id": pid,
                "office_id": p["office_id"],
                "caseworker_id": rng.choice(users),
                "status": "active",
                "created_at": now,
                "updated_at": now,
            }
            for pid, p in zip(person_ids, persons, strict=True)
        ],
    )
    bulk(
        Consent,
        [
            {
                "person_id": pid,
                "purpose": "reminders",
                "categories": [],
                "given_on": date(2026, 1, 1),
                "form": "written",
            }
            for pid, p in zip(person_ids, persons, strict=True)
            if p["email"] and rng.random() < 0.2
        ],
    )
    with app.test_request_context():
        install_defaults()
        db.session.commit()
        course = db.session.scalar(
            select(DeadlineKind.id).where(DeadlineKind.code == "integration_course")
        )
    entered = [
        {
            "person_id": pid,
            "office_id": p["office_id"],
            "kind_id": course,
            "due_on": day_between(rng, today, today + timedelta(days=365)),
            "note": "",
            "status": "open",
            "created_at": now,
        }
        for pid, p in zip(person_ids, persons, strict=True)
        if rng.random() < 0.05
    ]
    bulk(Deadline, entered)
    return {"persons": len(person_ids), "entered deadlines": len(entered)}


def reset_scan_results():
    from caseapp.deadlines.models import Deadline, DeadlineWarning
    from caseapp.outbox.models import OutboxMessage
    from caseapp.people.models import NextStep

    db.session.execute(delete(DeadlineWarning))
    db.session.execute(delete(NextStep))
    db.session.execute(delete(OutboxMessage))
    db.session.execute(delete(Deadline).where(Deadline.derived_key.is_not(None)))
    db.session.execute(text("UPDATE deadlines SET status = 'open', missed_at = NULL"))
    db.session.commit()


def timed_scan(app):
    from caseapp.deadlines.scan import scan

    with app.test_request_context():
        started, cpu = time.perf_counter(), time.process_time()
        report = scan(clock.local_today(), clock.utcnow())
        report.seconds["cpu"] = time.process_time() - cpu
        return time.perf_counter() - started, report


def counts() -> dict:
    from caseapp.deadlines.models import Deadline, DeadlineWarning
    from caseapp.outbox.models import OutboxMessage
    from caseapp.people.models import NextStep

    def n(model):
        return db.session.scalar(select(func.count()).select_from(model))

    return {
        "deadlines": n(Deadline),
        "warnings": n(DeadlineWarning),
        "next steps": n(NextStep),
        "reminders": n(OutboxMessage),
    }


def fresh(app, args, rng) -> dict:
    """An empty schema and the synthetic city."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    from flask_migrate import upgrade

    upgrade()
    t0 = time.perf_counter()
    sizes = build(app, args, rng)
    print(f"built {sizes} in {time.perf_counter() - t0:.0f} s")
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return sizes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data already in DATABASE_URL"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile one first scan")
    args = parser.parse_args()
    rng = random.Random(19)
    clock.freeze(TODAY)
    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        if args.reuse:
            from caseapp.people.models import Person

            sizes = {"persons": db.session.scalar(select(func.count(Person.id)))}
        else:
            sizes = fresh(app, args, rng)
        if args.profile:
            import cProfile
            import pstats

            reset_scan_results()
            profiler = cProfile.Profile()
            profiler.runcall(timed_scan, app)
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(25)
            stats.print_callees("queue_reminder")
            return

        results: dict[str, list[float]] = {"first scan": [], "repeat scan": [], "next day": []}
        cpu: dict[str, list[float]] = {name: [] for name in results}
        for run in range(args.runs):
            clock.freeze(TODAY)
            reset_scan_results()
            seconds, report = timed_scan(app)
            results["first scan"].append(seconds)
            cpu["first scan"].append(report.seconds["cpu"])
            if run == 0:
                print(f"first scan: {report}; {counts()}")
            seconds, report = timed_scan(app)
            results["repeat scan"].append(seconds)
            cpu["repeat scan"].append(report.seconds["cpu"])
            assert report.added == report.warnings == report.next_steps == 0, report
            clock.freeze(TODAY + timedelta(days=1))
            seconds, report = timed_scan(app)
            results["next day"].append(seconds)
            cpu["next day"].append(report.seconds["cpu"])
            if run == 0:
                print(f"next day: {report}")
        print(f"\n{db.engine.dialect.name}, {sizes['persons']:,} persons, runs={args.runs}")
        for name, values in results.items():
            print(
                f"{name:12s} median {statistics.median(values):6.2f} s  "
                f"(runs: {', '.join(f'{v:.2f}' for v in values)}); "
                f"CPU of this process median {statistics.median(cpu[name]):6.2f} s"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak RSS {peak:.0f} MiB; {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs ({platform.platform()})"
    )


if __name__ == "__main__":
    main()
