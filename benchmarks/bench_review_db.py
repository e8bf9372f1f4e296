"""The stored duplicate review on a real database: the duplicate generator's register (with
~2 % injected duplicates and the evidence of benchmarks/tiers.py) written as persons, then the
resumable scan as `flask people scan` runs it; precision and recall per tier, time, peak RSS.

Run:  CASEAPP_ENV=development .venv/bin/python benchmarks/bench_review_db.py [--persons 100000]
      DATABASE_URL=postgresql://... for PostgreSQL (the database is emptied first!).
      --write-only: write the register and stop; --reuse: scan a register an earlier run
      wrote to DATABASE_URL (same --persons and --seed) again, in a process that has not
      generated it, so that the peak RSS is the scan's own; --rekey rebuilds its
      person_name_keys first (after a change of the blocking keys); --profile FILE writes a
      cProfile of the scan; --papers writes the place of birth, the parents' names and the
      AZR number too (tiers.py's "papers" run).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

os.environ.setdefault("CASEAPP_ENV", "development")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/review.sqlite3"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import insert, select, text
from tiers import generated, same_person_pairs

from caseapp.app import create_app
from caseapp.extensions import db
from caseapp.people import namematch
from caseapp.people.models import DuplicatePair, Person, PersonNameKey
from caseapp.people.namematch.evidence import TIERS

BATCH = 5000


def write(people, office_id: int, papers: dict | None = None) -> dict[int, int]:
    """Insert the generated persons (with the papers' written values by generator id, if
    any); generator id -> database id."""
    papers = papers or {}
    none = {"birth_place": "", "father": "", "mother": "", "azr": ""}
    now = datetime.now(UTC)
    ids: dict[int, int] = {}
    for start in range(0, len(people), BATCH):
        chunk = people[start : start + BATCH]
        rows = []
        for p in chunk:
            e = p.evidence
            street, _sep, postcode = (e.address or "").partition("|")
            written = papers.get(p.id, none)
            rows.append(
                {
                    "office_id": office_id,
                    "external_id": f"G-{p.id}",
                    "given_name": p.given_name,
                    "family_name": p.family_name,
                    "family_name_norm": namematch.normalise(p.family_name)[:120],
                    "original_name": p.original_name,
                    "birth_year": p.birth_year,
                    "birth_month": p.birth_month,
                    "birth_day": p.birth_day,
                    "sex": p.sex,
                    "nationalities": sorted(e.nationalities),
                    "languages": [],
                    "interpreter_language": "",
                    "phone": e.phone,
                    "phone_digits": e.phone,
                    "email": e.email,
                    "street": street,
                    "postcode": postcode or "58762",
                    "city": "",
                    "residence_status": "",
                    "arrived_germany_on": date.fromordinal(e.arrived) if e.arrived else None,
                    "birth_place": written["birth_place"],
                    "father_name": written["father"],
                    "mother_name": written["mother"],
                    "azr_number": written["azr"],
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
        db.session.execute(insert(Person), rows)
        found = dict(
            db.session.execute(
                select(Person.external_id, Person.id).where(
                    Person.external_id.in_([r["external_id"] for r in rows])
                )
            ).all()
        )
        keys = []
        for p in chunk:
            pid = found[f"G-{p.id}"]
            ids[p.id] = pid
            keys += [
                {"person_id": pid, "key": k[:40]}
                for k in namematch.blocking_keys(p.given_name, p.family_name, p.original_name)
            ]
        db.session.execute(insert(PersonNameKey), keys)
        db.session.commit()
    return ids


def rekey() -> None:
    """person_name_keys rebuilt from the names (the blocking keys changed)."""
    db.session.execute(PersonNameKey.__table__.delete())
    last = 0
    while True:
        rows = db.session.execute(
            select(Person.id, Person.given_name, Person.family_name, Person.original_name)
            .where(Person.id > last)
            .order_by(Person.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        keys = [
            {"person_id": r.id, "key": k[:40]}
            for r in rows
            for k in namematch.blocking_keys(r.given_name, r.family_name, r.original_name or "")
        ]
        db.session.execute(insert(PersonNameKey), keys)
        last = rows[-1].id
    db.session.commit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch", type=int, default=100_000, help="key rows per scan batch")
    parser.add_argument("--write-only", action="store_true", help="write the register, no scan")
    parser.add_argument("--reuse", action="store_true", help="scan the register written before")
    parser.add_argument("--rekey", action="store_true", help="with --reuse: rebuild the keys")
    parser.add_argument("--profile", default="", help="write a cProfile of the scan here")
    parser.add_argument(
        "--papers", action="store_true", help="write place of birth, parents and AZR number too"
    )
    args = parser.parse_args()
    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        if args.reuse:
            scan_only(args)
            return
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        from flask_migrate import upgrade

        upgrade()
        from caseapp.offices.services import OfficeData, create_office

        office = create_office(None, OfficeData(name="Register", kind="integration_centre"))
        db.session.commit()
        papers: dict[int, dict] = {}
        people, truth = generated(
            args.persons, args.seed, with_evidence=True, with_papers=args.papers, papers_out=papers
        )
        t0 = time.perf_counter()
        ids = write(people, office.id, papers)
        del papers
        build_seconds = time.perf_counter() - t0
        del people
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        print(f"register of {args.persons:,} persons written in {build_seconds:.0f} s")
        if args.write_only:
            return
        truth_db = {tuple(sorted((ids[a], ids[b]))) for a, b in truth}
        report(args, run_scan(args), truth_db, f"written in {build_seconds:.0f} s")


def scan_only(args) -> None:
    """--reuse: scan first (the peak RSS is the scan's), then the injected duplicates again
    from the generator's ids (external_id G-<id>)."""
    if args.rekey:
        t0 = time.perf_counter()
        rekey()
        print(f"person_name_keys rebuilt in {time.perf_counter() - t0:.0f} s")
    measured = run_scan(args)
    _people, truth = generated(args.persons, args.seed, with_evidence=False)
    del _people
    ids = {
        int(external[2:]): pid
        for external, pid in db.session.execute(
            select(Person.external_id, Person.id).where(Person.external_id.like("G-%"))
        )
    }
    if len(ids) != args.persons:
        raise SystemExit(f"the database holds {len(ids):,} generated persons, not {args.persons:,}")
    truth_db = {tuple(sorted((ids[a], ids[b]))) for a, b in truth}
    del ids
    report(args, measured, truth_db, "written by an earlier run")


def run_scan(args) -> tuple[float, float, float, list]:
    """The stored scan: seconds, peak RSS before and after (MiB), the pairs it stored."""
    from caseapp.people.services import duplicates

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    profiler = cProfile.Profile() if args.profile else None
    t0, cpu0 = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    scan = duplicates.scan(None, batch=args.batch)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    scan_seconds = time.perf_counter() - t0
    # CPU seconds of this process (the load of a shared machine stretches the wall clock;
    # on PostgreSQL the server's own work is not in it).
    print(f"scan: {scan_seconds:.1f} s, {time.process_time() - cpu0:.1f} s CPU in this process")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pairs = db.session.execute(
        select(DuplicatePair.a_id, DuplicatePair.b_id, DuplicatePair.tier).where(
            DuplicatePair.scan_id == scan.id
        )
    ).all()
    return scan_seconds, rss_before, peak, pairs


def report(args, measured, truth_db, written: str) -> None:
    scan_seconds, rss_before, peak, pairs = measured
    dialect = db.engine.dialect.name
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, database {dialect}, load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"data: {args.persons:,} persons, {len(truth_db):,} injected duplicates ({written}); "
        f"scan {scan_seconds:.1f} s in batches of {args.batch:,} key rows, {len(pairs):,} "
        f"pairs stored; peak RSS {peak:.0f} MiB (before the scan {rss_before:.0f} MiB)"
    )
    # Counted against every pair of records of one person (the generator sometimes copies a
    # copy: those two are the same person too), as benchmarks/tiers.py counts; the last
    # column is the precision against the injected pairs alone (how earlier rounds counted).
    same = same_person_pairs(truth_db)
    print(
        "| tier | pairs | same person | precision | recall (this tier and above) "
        "| precision (injected pairs only) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    so_far = 0
    listed = 0
    for tier in TIERS:
        group = {(a, b) for a, b, t in pairs if t == tier}
        hits = len(group & same)
        so_far += hits
        if tier != TIERS[-1]:
            listed += len(group)
        precision = hits / len(group) if group else 1.0
        injected = len(group & truth_db) / len(group) if group else 1.0
        print(
            f"| {tier} | {len(group):,} | {hits:,} | {precision:.3f} | "
            f"{so_far / len(same):.3f} | {injected:.3f} |"
        )
    print(
        f"{len(same):,} pairs of records of one person ({len(truth_db):,} injected); listed "
        f"pairs (first two tiers) per pair of one person: {listed / len(same):.2f}"
    )


if __name__ == "__main__":
    main()
