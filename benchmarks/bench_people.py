"""Case-record benchmark at 100,000 persons: search, candidates, lists, case file, scan, import.

Run:  CASEAPP_ENV=development .venv/bin/python benchmarks/bench_people.py [--persons 100000]
      DATABASE_URL=postgresql://... for PostgreSQL (the database is emptied first!);
      --reuse measures again on DATABASE_URL's register (migrated to the current schema),
      --no-scan skips the whole-register duplicate scan.
Prints medians and p95 in milliseconds (over --runs runs of --requests requests) and the machine.
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

from sqlalchemy import func, insert, select, text

from caseapp.app import create_app
from caseapp.demo.people import ORIGINS
from caseapp.extensions import db
from caseapp.offices.models import Office
from caseapp.people import namematch
from caseapp.people.models import (
    Case,
    CaseNeed,
    Consultation,
    Person,
    PersonNameKey,
    PersonSearchKey,
)
from caseapp.people.services import phone_key
from caseapp.people.services.finder import key_rows

CASE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD = "benchmark password 2026"  # noqa: S105 - throw-away data
VARIANTS = {
    "Mohammed": ["Muhammad", "Mohamad", "Mohammad"],
    "Hussein": ["Husain", "Hussain"],
    "Al-Hassan": ["Alhasan", "El Hassan"],
    "Ayşe": ["Ayse", "Aysche"],
    "Özdemir": ["Oezdemir"],
    "Khaled": ["Chaled"],
    "Yusuf": ["Youssef", "Yousef"],
}


def case_number(pid: int) -> str:
    """A unique case number that looks random (an odd multiplier permutes 32^6 numbers)."""
    n = (pid * 2654435761) % 32**6
    body = "".join(CASE_ALPHABET[(n >> (5 * k)) & 31] for k in range(6))
    return f"L26-{body}"


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def measure(fn, runs, requests):
    medians, p95s = [], []
    for _ in range(runs):
        samples = []
        for i in range(requests):
            start = time.perf_counter()
            fn(i)
            samples.append((time.perf_counter() - start) * 1000)
        medians.append(statistics.median(samples))
        p95s.append(percentile(samples, 0.95))
    return statistics.median(medians), statistics.median(p95s)


def fake_person(rng, i):
    origin = rng.choice(list(ORIGINS))
    nationality, languages, men, women, families = ORIGINS[origin]
    sex = rng.choice("mf")
    given = rng.choice(men if sex == "m" else women)
    family = rng.choice(families)
    if rng.random() < 0.3:
        given = f"{given} {rng.choice(men)}"  # middle names
    family = f"{family}{'' if rng.random() < 0.9 else ' ' + rng.choice(families)}"
    year = rng.randint(1945, 2022)
    full = rng.random() > 0.2
    return {
        "given_name": given,
        "family_name": family,
        "birth_year": year,
        "birth_month": rng.randint(1, 12) if full else None,
        "birth_day": rng.randint(1, 28) if full else None,
        "sex": sex,
        "nationalities": [nationality],
        "languages": [{"code": languages[0], "level": "native"}],
        "phone": f"+49 1{rng.randint(50, 79)} {rng.randint(1000000, 9999999)}"
        if rng.random() < 0.7
        else "",
        "external_id": f"B-{i}",
    }


def build(persons, office_id, caseworker_id, rng):
    now = datetime.now(UTC)
    batch = 5000
    statuses = ["open", "active", "active", "on_hold", "closed"]
    for start in range(0, persons, batch):
        rows = [fake_person(rng, i) for i in range(start, min(persons, start + batch))]
        for row in rows:
            row.update(
                office_id=office_id,
                family_name_norm=namematch.normalise(row["family_name"])[:120],
                phone_digits=phone_key(row["phone"]),
                original_name="",
                interpreter_language="",
                email="",
                street="",
                postcode="",
                city="",
                residence_status="",
                created_at=now,
                updated_at=now,
                version=1,
            )
        ids = list(db.session.scalars(insert(Person).returning(Person.id), rows))
        keys = [
            {"person_id": pid, "key": k[:40]}
            for pid, row in zip(ids, rows, strict=True)
            for k in namematch.blocking_keys(row["given_name"], row["family_name"])
        ]
        db.session.execute(insert(PersonNameKey), keys)
        words = [
            row
            for pid, person in zip(ids, rows, strict=True)
            for row in key_rows(
                pid,
                office_id,
                person["given_name"],
                person["family_name"],
                "",
                birth_year=person["birth_year"],
            )
        ]
        db.session.execute(insert(PersonSearchKey), words)
        cases = [
            {
                "case_number": case_number(pid),
                "person_id": pid,
                "office_id": office_id,
                "caseworker_id": caseworker_id,
                "status": rng.choice(statuses),
                "closed_reason": "",
                "created_at": now,
                "updated_at": now - timedelta(minutes=rng.randint(0, 500_000)),
                "version": 1,
            }
            for pid in ids
        ]
        case_ids = list(db.session.scalars(insert(Case).returning(Case.id), cases))
        needs = [
            {"case_id": cid, "need": rng.choice(["work", "housing", "language", "health"])}
            for cid in case_ids
        ]
        db.session.execute(insert(CaseNeed), needs)
        db.session.commit()


def setup(persons, rng):
    """The offices, the caseworker and the register; returns their ids and the build time."""
    from caseapp.offices.services import OfficeData, create_office
    from caseapp.users.services import UserData, create_user

    office = create_office(None, OfficeData(name="Integrationszentrum", kind="integration_centre"))
    other = create_office(None, OfficeData(name="Import-Stelle", kind="other"))
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
    office_id, other_id, worker_id = office.id, other.id, worker.id
    t0 = time.perf_counter()
    build(persons, office_id, worker_id, rng)
    return office_id, other_id, worker_id, time.perf_counter() - t0


def history(sample, office_id, worker_id):
    """Give the opened case files a realistic history; fresh statistics on PostgreSQL."""
    for pid, *_rest in sample[:200]:
        case_id = db.session.scalar(select(Case.id).where(Case.person_id == pid))
        db.session.execute(
            insert(Consultation),
            [
                {
                    "case_id": case_id,
                    "office_id": office_id,
                    "caseworker_id": worker_id,
                    "at": datetime.now(UTC) - timedelta(days=d * 20),
                    "duration_minutes": 30,
                    "mode": "in_person",
                    "interpreter_language": "",
                    "need_areas": ["work"],
                    "notes": "Beratung " * 20,
                    "created_at": datetime.now(UTC),
                }
                for d in range(12)
            ],
        )
    db.session.commit()
    analyse()


def analyse():
    if db.engine.dialect.name == "postgresql":
        # Fresh statistics after the bulk load, as autovacuum would soon provide.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


def search_queries(sample, rng):
    """Per query kind of the search box (issue 13): (query, the person it must find or None
    where many persons match and the sample person need not be among the first shown)."""
    from caseapp.demo.people import ARABIC

    def variant(name):
        for word, alternatives in VARIANTS.items():
            if word in name:
                return name.replace(word, rng.choice(alternatives))
        return name

    rows = [(pid, g.split()[0], f.split()[0], y, c, p) for pid, g, f, y, c, p in sample]
    arabic = [ARABIC[g] for _pid, g, *_rest in rows if g in ARABIC] or ["محمد"]
    return {
        "given name alone": [(g, None) for _pid, g, *_rest in rows],
        "family name alone": [(f, None) for _pid, _g, f, *_rest in rows],
        "given and family name, a variant": [
            (f"{variant(g)} {variant(f)}", None) for _pid, g, f, *_rest in rows
        ],
        "Family, Given (any order)": [(f"{f}, {g}", None) for _pid, g, f, *_rest in rows],
        "typed so far (3 + 3 letters)": [(f"{g[:3]} {f[:3]}", None) for _pid, g, f, *_r in rows],
        "one Arabic word": [(word, None) for word in arabic],
        "name, family name and birth year": [
            (f"{g} {f} {y}", pid) for pid, g, f, y, _c, _p in rows
        ],
        "case number, lower case without dash": [
            (c.lower().replace("-", ""), pid) for pid, _g, _f, _y, c, _p in rows
        ],
        "case number body alone": [(c[4:], pid) for pid, _g, _f, _y, c, _p in rows],
        "phone number, another format": [
            ("0" + p.replace("+49 ", "").replace(" ", "/", 1), pid)
            for pid, _g, _f, _y, _c, p in rows
            if p
        ],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=10, help="concurrent searchers")
    parser.add_argument("--search-only", action="store_true", help="skip lists, import")
    parser.add_argument(
        "--reuse", action="store_true", help="measure again on DATABASE_URL's register"
    )
    parser.add_argument("--no-scan", action="store_true", help="skip the duplicate scan")
    args = parser.parse_args()
    rng = random.Random(2026)

    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        if db.engine.dialect.name == "postgresql" and not args.reuse:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        from flask_migrate import upgrade

        t0 = time.perf_counter()
        upgrade()  # with --reuse: brings a kept register to the current schema
        upgrade_seconds = time.perf_counter() - t0
        if args.reuse:
            build_seconds = None
            office_id, worker_id = db.session.execute(
                select(Person.office_id, Case.caseworker_id)
                .join(Case, Case.person_id == Person.id)
                .order_by(Person.id)
                .limit(1)
            ).one()
            other_id = db.session.scalar(select(Office.id).where(Office.name == "Import-Stelle"))
            if upgrade_seconds > 5:
                analyse()  # a migration changed the register
        else:
            office_id, other_id, worker_id, build_seconds = setup(args.persons, rng)
            rng = random.Random(2026)
        # Every 50th person, spread over the whole register.
        sample = list(
            db.session.execute(
                select(
                    Person.id,
                    Person.given_name,
                    Person.family_name,
                    Person.birth_year,
                    Case.case_number,
                    Person.phone,
                )
                .join(Case, Case.person_id == Person.id)
                .where(Person.id % 50 == 0)
                .order_by(Person.id)
                .limit(2000)
            )
        )
        if not args.reuse:
            history(sample, office_id, worker_id)
        persons = db.session.scalar(select(func.count(Person.id)))

    def signed_in():
        client = app.test_client()
        client.post("/login", data={"email": "cw@bench.example", "password": PASSWORD})
        return client

    client = signed_in()
    kinds = search_queries(sample, rng)
    results = {}
    hits = {}
    for kind, queries in kinds.items():
        found = []

        def search(i, queries=queries, found=found):
            query, target = queries[i % len(queries)]
            page = client.post("/people/", data={"q": query}).get_data(as_text=True)
            if target is not None:
                found.append(f'href="/people/{target}"' in page)

        results[f"search: {kind}"] = measure(search, args.runs, args.requests)
        if found:
            hits[kind] = sum(found) / len(found)
    results["live search fragment (as you type)"] = measure(
        lambda i: client.post(
            "/people/",
            data={
                "q": kinds["typed so far (3 + 3 letters)"][i][0],
                "fragment": "1",
                "compact": "1",
            },
        ),
        args.runs,
        args.requests,
    )
    rows = list(sample[:400])

    def variant(name):
        for word, alternatives in VARIANTS.items():
            if word in name:
                return name.replace(word, rng.choice(alternatives))
        return name

    results["duplicate candidates (POST)"] = measure(
        lambda i: client.post(
            "/people/candidates",
            data={
                "given_name": variant(rows[i % 400][1]),
                "family_name": variant(rows[i % 400][2]),
                "birth_date": str(rows[i % 400][3]),
            },
        ),
        args.runs,
        args.requests,
    )
    concurrent = None
    if args.threads > 1:
        import threading

        clients = [signed_in() for _ in range(args.threads)]
        mixed = [q for queries in kinds.values() for q, _target in queries[:20]]
        samples: list[float] = []
        lock = threading.Lock()

        def searcher(n):
            local = []
            for i in range(args.requests):
                start = time.perf_counter()
                clients[n].post("/people/", data={"q": mixed[(n * 31 + i) % len(mixed)]})
                local.append((time.perf_counter() - start) * 1000)
            with lock:
                samples.extend(local)

        threads = [threading.Thread(target=searcher, args=(n,)) for n in range(args.threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        concurrent = (statistics.median(samples), percentile(samples, 0.95), len(samples))
    if not args.search_only:
        results.update(
            {
                "case list filtered, page 1": measure(
                    lambda i: client.get("/people/?status=active&need=work&sort=-updated"),
                    args.runs,
                    args.requests,
                ),
                "case list by name, page 80 (last linked)": measure(
                    lambda i: client.get("/people/?status=active&sort=name&page=80"),
                    args.runs,
                    args.requests,
                ),
                "case list by name, page 300 (typed URL)": measure(
                    lambda i: client.get("/people/?status=active&sort=name&page=300"),
                    args.runs,
                    args.requests,
                ),
                "case file (12 consultations)": measure(
                    lambda i: client.get(f"/people/{sample[i % 200][0]}"),
                    args.runs,
                    args.requests,
                ),
            }
        )
    with app.app_context():
        from caseapp.people.namematch import parse_query
        from caseapp.people.services import duplicates, finder

        plans = []
        if db.engine.dialect.name == "postgresql":
            for text_query in ("Mohammed", "Ahmad Hassan", "رانيا", "ran hal"):
                stmt = finder._name_candidates(None, parse_query(text_query))
                compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
                plan = db.session.execute(text(f"EXPLAIN ANALYZE {compiled}")).scalars().all()
                plans.append((text_query, plan))
        scan = None
        if not args.no_scan:
            t0 = time.perf_counter()
            scan = duplicates.scan(None)
            scan_seconds = time.perf_counter() - t0
            tiers = duplicates.queue_counts(scan.id)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if not args.search_only:
            import_rows = [
                "external_id,given_name,family_name,birth_date,sex,nationality,languages,district,phone,email"
            ]
            for i in range(args.import_rows):
                p = fake_person(rng, i)
                birth = (
                    f"{p['birth_year']}-{p['birth_month']:02d}-{p['birth_day']:02d}"
                    if p["birth_month"]
                    else str(p["birth_year"])
                )
                import_rows.append(
                    f"I-{i},{p['given_name']},{p['family_name']},{birth},{p['sex']},"
                    f"{p['nationalities'][0]},{p['languages'][0]['code']},,{p['phone']},"
                )
            raw = "\n".join(import_rows).encode()
            from caseapp.people.importing import import_people

            with app.test_request_context():
                t0 = time.perf_counter()
                report = import_people(None, raw, office_id=other_id, today=date.today())
                db.session.commit()
                import_seconds = time.perf_counter() - t0

    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"database {dialect}, load average {os.getloadavg()[0]:.1f}"
    )
    built = "kept" if build_seconds is None else f"built in {build_seconds:.0f} s"
    print(
        f"data: {persons:,} persons ({built}, schema upgrade {upgrade_seconds:.0f} s); "
        f"{args.runs} runs x {args.requests} requests"
    )
    print(f"{'what':<48} {'median ms':>10} {'p95 ms':>10} {'found':>6}")
    for label, (median, p95) in results.items():
        kind = label.removeprefix("search: ")
        found = f"{hits[kind]:.0%}" if kind in hits else ""
        print(f"{label:<48} {median:>10.1f} {p95:>10.1f} {found:>6}")
    if concurrent:
        print(
            f"{args.threads} concurrent searchers, mixed kinds, {concurrent[2]} requests: "
            f"median {concurrent[0]:.1f} ms, p95 {concurrent[1]:.1f} ms"
        )
    if scan is not None:
        print(
            f"full duplicate scan (database, batches): {scan_seconds:.1f} s, {scan.pairs:,} "
            f"pairs stored, left per tier {tiers}; peak RSS of the process {peak:.0f} MiB"
        )
    if not args.search_only:
        print(
            f"CSV import of {args.import_rows:,} rows: {import_seconds:.1f} s "
            f"({report.created:,} created, {len(report.errors):,} rejected)"
        )
    for text_query, plan in plans:
        print(f"\nEXPLAIN ANALYZE name candidates for {text_query!r}:")
        print("\n".join("  " + line for line in plan))


if __name__ == "__main__":
    main()
