"""Reports benchmark: dashboard pages and the yearly report on a large synthetic city.

Run:  CASEAPP_ENV=development .venv/bin/python benchmarks/bench_reports.py
          [--persons 10000 --consultations 100000 --aid 20000 --referrals 10000
           --appointments 30000] [--runs 3] [--requests 5] [--explain]
      --full uses the issue's sizes (100,000 persons, 1,000,000 consultations, 200,000 aid
      entries, 100,000 referrals, 300,000 appointments).
      DATABASE_URL=postgresql://... for PostgreSQL (the database is emptied first!).

Three years of history (2024 to the frozen "today", 2026-11-30) in 12 offices and 15
districts, volunteers, matches and barriers in proportion. Each dashboard section is opened
through the test client as the reports permission for the city and the year 2026 (every
request computes its cubes afresh: no cache), `--runs` runs of `--requests` requests; then
the yearly report (PDF and CSV) is written `--runs` times. Prints medians, p95, peak memory
(RSS) and the machine.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("CASEAPP_ENV", "development")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

from sqlalchemy import insert, text

from caseapp.app import create_app
from caseapp.core import clock
from caseapp.extensions import db

PASSWORD = "benchmark password 2026"  # noqa: S105 - throw-away data
TODAY = datetime(2026, 11, 30, 9, 30)
START = datetime(2024, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 30, 8, 30, tzinfo=UTC)
SPAN = (NOW - START).total_seconds()
NEEDS = ["language", "education", "work", "housing", "health", "legal", "benefits", "family"]
MODES = ["in_person", "in_person", "phone", "video", "home_visit"]
NATIONS = ["SY", "UA", "AF", "IQ", "TR", "ER", "IR", "SO", "RU", "NG"]
LANGS = ["ar", "uk", "ru", "fa", "ps", "ku", "tr", "ti", "so", "en"]
BARRIERS = [
    "kita_place",
    "integration_course_wait",
    "recognition",
    "housing_market",
    "authority_processing",
    "health_access",
    "interpreter_missing",
    "digital_only",
]
SECTIONS = ["casework", "aid", "referrals", "appointments", "volunteering", "matching", "barriers"]
BATCH = 20_000


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def when(rng, after=START):
    span = (NOW - after).total_seconds()
    return after + timedelta(seconds=rng.random() * max(span, 1))


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


def build(args, rng):
    from caseapp.appointments.models import Appointment, RescheduleRequest
    from caseapp.auth.models import User
    from caseapp.matches.models import Match, MatchRequest
    from caseapp.offices.models import District, Office
    from caseapp.people.models import (
        AidEntry,
        AidKind,
        Case,
        CaseStatusChange,
        Consultation,
        NextStep,
        Person,
    )
    from caseapp.referrals.models import Referral, ReferralEvent, Service
    from caseapp.reports.models import ConsultationBarrier
    from caseapp.volunteers.models import Application, Certificate, HoursEntry, Programme, Volunteer

    offices = bulk(
        Office, [{"name": f"Stelle {i}", "kind": "integration_centre"} for i in range(12)], True
    )
    districts = bulk(District, [{"name": f"Stadtteil {i}"} for i in range(15)], True)
    kinds = bulk(
        AidKind, [{"name_de": f"Hilfe {i}", "min_interval_days": 90} for i in range(8)], True
    )
    services = bulk(
        Service,
        [{"office_id": o, "name_de": f"Angebot {o}", "response_days": 5} for o in offices],
        True,
    )

    persons = []
    for i in range(args.persons):
        created = when(rng)
        persons.append(
            {
                "office_id": rng.choice(offices),
                "given_name": f"G{i}",
                "family_name": f"F{i}",
                "district_id": rng.choice(districts) if rng.random() < 0.95 else None,
                "sex": rng.choice(["f", "m", "f", "m", "x", ""]),
                "birth_year": rng.randint(1950, 2024),
                "nationalities": [rng.choice(NATIONS)],
                "languages": [{"code": rng.choice(LANGS), "level": "native"}],
                "created_at": created,
                "updated_at": created,
            }
        )
    person_ids = bulk(Person, persons, True)
    cases = [
        {
            "case_number": f"B-{pid}",
            "person_id": pid,
            "office_id": p["office_id"],
            "status": rng.choice(["open", "active", "active", "on_hold", "closed"]),
            "created_at": p["created_at"],
            "updated_at": p["created_at"],
        }
        for pid, p in zip(person_ids, persons, strict=True)
    ]
    case_ids = bulk(Case, cases, True)
    changes = []
    for cid, c in zip(case_ids, cases, strict=True):
        changes.append({"case_id": cid, "to_status": "open", "at": c["created_at"]})
        if c["status"] != "open":
            at = when(rng, c["created_at"])
            changes.append(
                {
                    "case_id": cid,
                    "to_status": c["status"],
                    "reason": "goals_reached" if c["status"] == "closed" else "",
                    "at": at,
                }
            )
    bulk(CaseStatusChange, changes)

    consultations = []
    for _i in range(args.consultations):
        k = rng.randrange(len(case_ids))
        consultations.append(
            {
                "case_id": case_ids[k],
                "office_id": cases[k]["office_id"],
                "at": when(rng, cases[k]["created_at"]),
                "duration_minutes": 30,
                "mode": rng.choice(MODES),
                "need_areas": rng.sample(NEEDS, rng.choice([1, 1, 2])),
            }
        )
    consultation_ids = bulk(Consultation, consultations, True)
    bulk(
        NextStep,
        [
            {
                "case_id": c["case_id"],
                "description": "Schritt",
                "due_on": (c["at"] + timedelta(days=rng.randint(1, 40))).date(),
                "done_at": c["at"] + timedelta(days=rng.randint(0, 50))
                if rng.random() < 0.8
                else None,
            }
            for c in consultations[::4]
        ],
    )
    bulk(
        ConsultationBarrier,
        [{"consultation_id": cid, "code": rng.choice(BARRIERS)} for cid in consultation_ids[::20]],
    )
    aid = []
    for _i in range(args.aid):
        k = rng.randrange(len(case_ids))
        aid.append(
            {
                "case_id": case_ids[k],
                "person_id": person_ids[k],
                "aid_kind_id": rng.choice(kinds),
                "office_id": cases[k]["office_id"],
                "given_on": when(rng, cases[k]["created_at"]).date(),
                "value_cents": rng.choice([0, 2000, 5000, 15000]),
                "override_reason": "Notfall" if rng.random() < 0.03 else "",
            }
        )
    bulk(AidEntry, aid)
    referrals, outcome = [], []
    for _i in range(args.referrals):
        k = rng.randrange(len(case_ids))
        sent = when(rng, cases[k]["created_at"])
        to = rng.choice(services)
        status = rng.choice(
            ["sent", "accepted", "in_progress", "completed", "completed", "declined"]
        )
        referrals.append(
            {
                "person_id": person_ids[k],
                "case_id": case_ids[k],
                "from_office_id": cases[k]["office_id"],
                "to_office_id": offices[services.index(to)],
                "service_id": to,
                "need": rng.choice(NEEDS),
                "status": status,
                "sent_at": sent,
                "respond_by": sent + timedelta(days=5),
            }
        )
        outcome.append(status)
    referral_ids = bulk(Referral, referrals, True)
    events = []
    for rid, r, status in zip(referral_ids, referrals, outcome, strict=True):
        events.append({"referral_id": rid, "to_status": "sent", "at": r["sent_at"]})
        if status != "sent":
            answered = r["sent_at"] + timedelta(days=rng.randint(0, 9))
            first = "declined" if status == "declined" else "accepted"
            events.append({"referral_id": rid, "to_status": first, "at": answered})
            if status == "completed":
                events.append(
                    {
                        "referral_id": rid,
                        "to_status": "completed",
                        "at": answered + timedelta(days=rng.randint(3, 60)),
                    }
                )
    bulk(ReferralEvent, events)
    appointments = []
    for _i in range(args.appointments):
        k = rng.randrange(len(case_ids))
        start = when(rng, cases[k]["created_at"]) + timedelta(days=rng.randint(0, 30))
        appointments.append(
            {
                "person_id": person_ids[k],
                "office_id": cases[k]["office_id"],
                "starts_at": start,
                "ends_at": start + timedelta(minutes=30),
                "status": rng.choice(
                    ["attended", "attended", "attended", "no_show", "cancelled", "scheduled"]
                ),
                "need_area": rng.choice(NEEDS),
            }
        )
    appointment_ids = bulk(Appointment, appointments, True)
    bulk(
        RescheduleRequest,
        [
            {
                "appointment_id": aid_,
                "requested_at": appointments[i]["starts_at"] - timedelta(days=2),
            }
            for i, aid_ in enumerate(appointment_ids)
            if i % 50 == 0
        ],
    )

    programmes = bulk(
        Programme,
        [
            {"kind": k, "name_de": f"Programm {k}"}
            for k in ("mentor", "language_partner", "kuemmerer", "welcome_ambassador")
        ],
        True,
    )
    volunteers_n = max(args.persons // 30, 50)
    users = bulk(
        User,
        [{"email": f"v{i}@bench.example", "display_name": f"V{i}"} for i in range(volunteers_n)],
        True,
    )
    volunteer_rows = [
        {"user_id": u, "district_id": rng.choice(districts), "created_at": when(rng)} for u in users
    ]
    volunteer_ids = bulk(Volunteer, volunteer_rows, True)
    applications, certificates, hours = [], [], []
    for vid, v in zip(volunteer_ids, volunteer_rows, strict=True):
        programme = rng.choice(programmes)
        decided = when(rng, v["created_at"])
        status = rng.choice(["approved", "trained", "active", "declined", "applied"])
        applications.append(
            {
                "volunteer_id": vid,
                "programme_id": programme,
                "status": status,
                "decided_at": None if status == "applied" else decided,
            }
        )
        if status in ("trained", "active"):
            certificates.append(
                {
                    "volunteer_id": vid,
                    "programme_id": programme,
                    "code": f"C{vid}",
                    "issued_at": when(rng, decided),
                }
            )
            for _h in range(rng.randint(5, 40)):
                hours.append(
                    {
                        "volunteer_id": vid,
                        "programme_id": programme,
                        "day": when(rng, decided).date(),
                        "minutes": rng.choice([30, 60, 90, 120]),
                    }
                )
    bulk(Application, applications)
    bulk(Certificate, certificates)
    bulk(HoursEntry, hours)
    requests_, matches = [], []
    for _i in range(volunteers_n * 2):
        k = rng.randrange(len(case_ids))
        waiting = when(rng, cases[k]["created_at"]).date()
        requests_.append(
            {
                "programme_id": rng.choice(programmes),
                "person_id": person_ids[k],
                "waiting_since": waiting,
                "status": "matched",
            }
        )
    request_ids = bulk(MatchRequest, requests_, True)
    for rid, r in zip(request_ids, requests_, strict=True):
        started = r["waiting_since"] + timedelta(days=rng.randint(5, 120))
        if started > NOW.date():
            continue
        ended = started + timedelta(days=rng.randint(30, 400))
        ended = ended if ended < NOW.date() and rng.random() < 0.5 else None
        matches.append(
            {
                "request_id": rid,
                "programme_id": r["programme_id"],
                "person_id": r["person_id"],
                "volunteer_id": rng.choice(volunteer_ids),
                "status": "ended" if ended else "active",
                "started_on": started,
                "planned_end_on": started + timedelta(days=183),
                "ended_on": ended,
                "end_reason": rng.choice(["completed", "moved_away", "no_contact"])
                if ended
                else "",
            }
        )
    bulk(Match, matches)
    return {"consultations": len(consultation_ids), "hours": len(hours), "matches": len(matches)}


def explain(app):
    """EXPLAIN of the heaviest statements (consultations by need area, first consultations)."""
    from sqlalchemy import String, cast, func

    from caseapp.people.models import Consultation
    from caseapp.reports.queries import casework
    from caseapp.reports.queries.common import bucket, in_year, unnest_json

    with app.test_request_context():
        source = casework._consultations_source()
        needs = unnest_json(Consultation.need_areas)
        area_cols = list(source.areas.values())
        cat = cast(needs.c.value, String)
        number = bucket(source.when, 2026, "month", False)
        stmt = (
            source.stmt.join(needs, text("1=1"))
            .where(in_year(source.when, 2026, False))
            .with_only_columns(
                *area_cols, cat, number, func.count(Consultation.id), maintain_column_froms=False
            )
            .group_by(*area_cols, cat, number)
        )
        compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
        rows = db.session.execute(text(prefix + str(compiled))).all()
        print("EXPLAIN consultations by need area (2026):")
        for row in rows:
            print("   ", " | ".join(str(c) for c in row))


def fresh_data(app, args, rng):
    """An empty schema, the benchmark account and the synthetic city."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    from flask_migrate import upgrade

    upgrade()
    from caseapp.users.services import UserData, create_user

    with app.test_request_context():
        create_user(
            None,
            UserData(email="reports@bench.example", display_name="R", roles=["reports"]),
            PASSWORD,
        )
        db.session.commit()
    t0 = time.perf_counter()
    counts = build(args, rng)
    build_seconds = time.perf_counter() - t0
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return counts, build_seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--consultations", type=int, default=100_000)
    parser.add_argument("--aid", type=int, default=20_000)
    parser.add_argument("--referrals", type=int, default=10_000)
    parser.add_argument("--appointments", type=int, default=30_000)
    parser.add_argument("--full", action="store_true", help="the issue's sizes")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data already in DATABASE_URL"
    )
    parser.add_argument("--build-only", action="store_true", help="build the data and stop")
    args = parser.parse_args()
    if args.full:
        args.persons, args.consultations, args.aid = 100_000, 1_000_000, 200_000
        args.referrals, args.appointments = 100_000, 300_000
    rng = random.Random(2026)
    clock.freeze(TODAY)

    app = create_app({"WTF_CSRF_ENABLED": False})
    counts, build_seconds = {"consultations": args.consultations, "hours": 0, "matches": 0}, 0.0
    with app.app_context():
        if not args.reuse:
            counts, build_seconds = fresh_data(app, args, rng)
        else:
            from flask_migrate import upgrade

            upgrade()  # tables added since the data was built
        if args.explain:
            explain(app)
    if args.build_only:
        print(f"built in {build_seconds:.0f} s: {counts}")
        return

    client = app.test_client()
    assert (
        client.post(
            "/login", data={"email": "reports@bench.example", "password": PASSWORD}
        ).status_code
        == 302
    )
    from caseapp.reports import services, yearly

    def timed(url):
        t0 = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return (time.perf_counter() - t0) * 1000

    urls = {f"/reports/{s} (city, 2026)": f"/reports/{s}?period=2026&area=city" for s in SECTIONS}
    urls["/reports/casework (one office, Q3)"] = "/reports/casework?period=2026-Q3&area=office:1"
    out = Path(tempfile.mkdtemp())

    # 1. Live: no stored figures yet, every page aggregates and suppresses on the spot.
    cold = {}
    for label, url in urls.items():
        cold[label] = timed(url)
        print(f"  live {label}: {cold[label]:.0f} ms", flush=True)
    with app.test_request_context():
        t0 = time.perf_counter()
        yearly.write(2026, out / "live", "de")
        live_report_seconds = time.perf_counter() - t0
    print(f"  live yearly report: {live_report_seconds:.1f} s", flush=True)

    # 2. `flask reports refresh` for 2025 and 2026 (what cron runs).
    with app.test_request_context():
        t0 = time.perf_counter()
        done = services.refresh([2025, 2026])
        refresh_seconds = time.perf_counter() - t0
    slowest = sorted(done, key=lambda d: -d[2])[:3]
    print(f"  refresh: {refresh_seconds:.1f} s; slowest {slowest}", flush=True)

    # 3. Pages and the yearly report from the stored figures.
    results = {}
    for label, url in urls.items():
        medians, p95s = [], []
        for _run in range(args.runs):
            samples = [timed(url) for _i in range(args.requests)]
            medians.append(statistics.median(samples))
            p95s.append(percentile(samples, 0.95))
        results[label] = (statistics.median(medians), statistics.median(p95s))
        print(f"  stored {label}: {results[label][0]:.0f} / {results[label][1]:.0f} ms", flush=True)
    report_times = []
    with app.test_request_context():
        for _run in range(args.runs):
            t0 = time.perf_counter()
            pdf_path, csv_path = yearly.write(2026, out, "de")
            report_times.append(time.perf_counter() - t0)
        sizes = (pdf_path.stat().st_size, csv_path.stat().st_size)
        t0 = time.perf_counter()
        yearly.write(2026, out / "ar", "ar")
        arabic_seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"database {dialect}"
    )
    print(
        f"data: {args.persons:,} persons, {counts['consultations']:,} consultations, "
        f"{args.aid:,} aid, {args.referrals:,} referrals, {args.appointments:,} appointments, "
        f"{counts['hours']:,} volunteer hours, {counts['matches']:,} matches "
        f"(built in {build_seconds:.0f} s); {args.runs} runs x {args.requests} requests"
    )
    print(f"{'page':<42} {'live ms':>9} {'stored median':>14} {'stored p95':>11}")
    for label, (median, p95) in results.items():
        print(f"{label:<42} {cold[label]:>9.0f} {median:>14.0f} {p95:>11.0f}")
    print(f"refresh of 2025 and 2026 (all indicators): {refresh_seconds:.1f} s")
    print(
        f"yearly report 2026 (PDF + CSV, de): live {live_report_seconds:.1f} s; from stored "
        f"figures median {statistics.median(report_times):.1f} s of {args.runs} "
        f"(PDF {sizes[0] / 1024:.0f} KiB, CSV {sizes[1] / 1024:.0f} KiB); in Arabic "
        f"{arabic_seconds:.1f} s"
    )
    print(f"peak memory (RSS, whole process incl. data generation): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
