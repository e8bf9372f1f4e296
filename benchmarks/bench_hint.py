"""The registration duplicate hint (services.duplicate_candidates) on a register already in the
database, timed at service level as a caseworker of the register's office types a known
person's name and birth date again (a re-registration).

Run:  DATABASE_URL=postgresql://... CASEAPP_ENV=development .venv/bin/python \
          benchmarks/bench_hint.py [--samples 40] [--runs 3] [--explain] [--profile FILE]
The register is whatever DATABASE_URL holds (bench_review_db.py --write-only writes one);
nothing is written. Prints per run the median and p95 (ms), then the median over the runs.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("CASEAPP_ENV", "development")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import func, select, text

from caseapp.app import create_app
from caseapp.extensions import db
from caseapp.people import namematch
from caseapp.people.models import Person


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def sample(n: int, seed: int) -> list[Person]:
    """n persons spread over the register (random ids between the smallest and the largest)."""
    low, high = db.session.execute(select(func.min(Person.id), func.max(Person.id))).one()
    rng = random.Random(seed)
    found: list[Person] = []
    while len(found) < n:
        person = db.session.scalar(
            select(Person).where(Person.id >= rng.randint(low, high)).order_by(Person.id).limit(1)
        )
        if person is not None and person.merged_into_id is None:
            found.append(person)
    return found


def typed(person: Person) -> namematch.PersonFacts:
    """What the registration form sends: names and birth date, nothing else."""
    return namematch.PersonFacts(
        id=0,
        given_name=person.given_name,
        family_name=person.family_name,
        birth_year=person.birth_year,
        birth_month=person.birth_month,
        birth_day=person.birth_day,
    )


def name_matches(person: Person) -> str:
    """How many persons share a blocking key with the person's name, and how many of them
    were born a year either side (or without a year): what the hint has to read."""
    from caseapp.people.models import PersonNameKey

    keys = sorted(namematch.blocking_keys(person.given_name, person.family_name, ""))
    ids = select(PersonNameKey.person_id).where(PersonNameKey.key.in_(keys)).distinct()
    total = db.session.scalar(select(func.count()).select_from(ids.subquery()))
    year = person.birth_year or 0
    near = db.session.scalar(
        select(func.count(Person.id)).where(
            Person.id.in_(ids),
            (Person.birth_year.between(year - 1, year + 1)) | Person.birth_year.is_(None),
        )
    )
    return f"{total:,} / {near:,}"


def explain(facts: namematch.PersonFacts, actor) -> None:
    """EXPLAIN ANALYZE of the hint's statements for one typed name (PostgreSQL)."""
    from caseapp.people.services import search

    statements: list = []
    real = db.session.execute

    def capture(stmt, *args, **kwargs):
        statements.append(stmt)
        return real(stmt, *args, **kwargs)

    db.session.execute = capture
    try:
        search.duplicate_candidates(actor, facts)
    finally:
        db.session.execute = real
    for stmt in statements:
        sql = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        print(f"\n-- {str(sql)[:300]}")
        for (line,) in db.session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")):
            print(line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE one hint")
    parser.add_argument("--profile", default="", help="write a cProfile of the runs here")
    args = parser.parse_args()
    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        from caseapp.people.services import search

        persons = sample(args.samples, args.seed)
        office_ids = sorted({p.office_id for p in persons})
        actor = SimpleNamespace(id=None, is_admin=False, office_ids=office_ids)  # a caseworker
        forms = [typed(p) for p in persons]
        size = db.session.scalar(select(func.count(Person.id)))
        print(
            f"machine: {platform.machine()} {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, database {db.engine.dialect.name}, "
            f"{size:,} persons, {len(forms)} sampled, load {os.getloadavg()[0]:.1f}"
        )
        if args.explain:
            explain(forms[0], actor)
        search.duplicate_candidates(actor, forms[0])  # warm caches of the process
        profiler = cProfile.Profile() if args.profile else None
        medians, tails, found = [], [], 0
        slowest: dict[int, float] = {}
        for run in range(args.runs):
            times = []
            for person, facts in zip(persons, forms, strict=True):
                db.session.rollback()  # each hint is its own request
                if profiler:
                    profiler.enable()
                t0 = time.perf_counter()
                hits = search.duplicate_candidates(actor, facts)
                times.append((time.perf_counter() - t0) * 1000)
                if profiler:
                    profiler.disable()
                found += any(p.id == person.id for p, _c in hits)
                slowest[person.id] = max(slowest.get(person.id, 0.0), times[-1])
            medians.append(statistics.median(times))
            tails.append(p95(times))
            print(
                f"run {run + 1}: median {medians[-1]:.1f} ms, p95 {tails[-1]:.1f} ms, "
                f"max {max(times):.1f} ms (load {os.getloadavg()[0]:.1f})"
            )
        print(
            f"hint over {args.runs} runs x {len(forms)}: median {statistics.median(medians):.1f}"
            f" ms, p95 (median of the runs') {statistics.median(tails):.1f} ms; the person "
            f"typed again among the hits {found / (args.runs * len(forms)):.0%}"
        )
        print("slowest typed names (ms, name-key matches, of them born a year either side):")
        for pid, ms in sorted(slowest.items(), key=lambda item: -item[1])[:5]:
            person = db.session.get(Person, pid)
            print(f"  {ms:.1f} ms  {person.birth_year}  {name_matches(person)}")
        if profiler:
            profiler.dump_stats(args.profile)


if __name__ == "__main__":
    main()
