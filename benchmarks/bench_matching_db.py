"""A full matching round from the database: load, candidates, score, solve, store.

Run: .venv/bin/python benchmarks/bench_matching_db.py [--newcomers 10000] [--volunteers 3000]
     [--runs 3] [--database-url sqlite:////tmp/x.db] [--reuse] [--max-candidates N]

Fills a fresh SQLite file (or the given database) with the synthetic, realistically distributed
newcomers and volunteers of bench_matching.py as real rows — persons with cases and need areas,
waiting requests, volunteer accounts, profiles and applications, districts and neighbours — then
runs caseapp.matches.services.run_round as the coordinator's button (or, for large rounds, its
job) does — pruned to services.candidates_cap pairs per person when the round is that large —
and reports the split (medians of --runs rounds), peak memory, the gap to the proven bound,
the solve step against a bare OR-Tools min-cost-flow call on the same graph and the total
score against a greedy baseline.

The rows are written by a child process, so the peak RSS reported is that of the rounds (and
the app) alone; --reuse skips writing when --database-url already holds the data.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("CASEAPP_ENV", "testing")

from bench_matching import (
    GRID,
    TODAY,
    cpu_medians,
    districts,
    machine,
    make_newcomers,
    make_volunteers,
    peak_rss_mib,
)
from sqlalchemy import delete, insert, select

from caseapp.app import create_app
from caseapp.extensions import db

SEX = {"male": "m", "female": "f", "diverse": "x"}


def populate(n_new: int, n_vol: int, seed: int) -> int:
    """Write the synthetic round into the database; returns the programme id."""
    from caseapp.auth.models import User
    from caseapp.matches.models import MatchRequest, district_neighbours
    from caseapp.offices.models import District, Office
    from caseapp.people.models import Case, CaseNeed, Consent, Person
    from caseapp.volunteers.models import Application, Programme, Volunteer

    rng = random.Random(seed)
    newcomers, volunteers = make_newcomers(n_new, rng), make_volunteers(n_vol, rng)
    names = [d for row in GRID for d in row]
    db.session.execute(insert(District), [{"name": n} for n in names])
    ids = dict(db.session.execute(select(District.name, District.id)).all())
    grid = districts()
    db.session.execute(
        insert(district_neighbours),
        [
            {"district_id": ids[a], "neighbour_id": ids[b]}
            for a, near in grid.neighbours.items()
            for b in near
        ],
    )
    office = Office(name="Integrationszentrum", kind="integration_centre")
    programme = Programme(
        kind="mentor", name_de="Mentoring", good_conduct_required=True, max_newcomers=3
    )
    db.session.add_all([office, programme])
    db.session.flush()
    now = datetime.now(UTC)

    db.session.execute(
        insert(Person),
        [
            {
                "id": p.id,
                "office_id": office.id,
                "given_name": f"Vorname{p.id}",
                "family_name": f"Nachname{p.id}",
                "sex": SEX.get(p.gender, ""),
                "birth_year": TODAY.year - p.age,
                "languages": [{"code": c, "level": lv} for c, lv in p.languages.items()],
                "district_id": ids[p.district],
            }
            for p in newcomers
        ],
    )
    db.session.execute(
        insert(Case),
        [
            {"id": p.id, "case_number": f"B{p.id:08d}", "person_id": p.id, "office_id": office.id}
            for p in newcomers
        ],
    )
    db.session.execute(
        insert(CaseNeed), [{"case_id": p.id, "need": need} for p in newcomers for need in p.needs]
    )
    # Only persons who consented to matching are proposed (adapters.load_newcomers).
    db.session.execute(
        insert(Consent),
        [
            {
                "person_id": p.id,
                "purpose": "volunteer_matching",
                "categories": [],
                "given_on": TODAY,
                "form": "written",
            }
            for p in newcomers
        ],
    )
    db.session.execute(
        insert(MatchRequest),
        [
            {
                "id": p.id,
                "programme_id": programme.id,
                "person_id": p.id,
                "waiting_since": p.waiting_since,
                "gender_preference": p.gender_preference or "",
                "interests": ", ".join(p.interests),
                "availability": [f"{d}-{part}" for d, part in sorted(p.availability)],
                "interpreter_arranged": p.interpreter_arranged,
            }
            for p in newcomers
        ],
    )
    rows_u, rows_v, rows_a = [], [], []
    for j, v in enumerate(volunteers, start=1):
        rows_u.append(
            {
                "id": j,
                "email": f"v{j}@bench.example",
                "display_name": f"Ehrenamt {j}",
                "active": v.active,
            }
        )
        if "mentor" in v.trained_programmes:
            status = "trained"
        elif "mentor" in v.approved_programmes:
            status = "approved"
        else:
            status = "declined"
        rows_v.append(
            {
                "id": j,
                "user_id": j,
                "district_id": ids[v.district],
                "languages": [{"code": c, "level": lv} for c, lv in v.languages.items()],
                "language_codes": " ".join(v.languages),
                "skills": ", ".join(v.skills),
                "profession": v.profession,
                "interests": ", ".join(v.interests),
                "availability": [f"{d}-{part}" for d, part in sorted(v.availability)],
                "capacity": v.capacity - v.active_matches,  # no match rows: free places only
                "gender": v.gender,
                "birth_year": TODAY.year - v.age,
                "good_conduct_valid_until": v.good_conduct_valid_until,
                "email_confirmed_at": now,
            }
        )
        rows_a.append({"volunteer_id": j, "programme_id": programme.id, "status": status})
    db.session.execute(insert(User), rows_u)
    db.session.execute(insert(Volunteer), rows_v)
    db.session.execute(insert(Application), rows_a)
    db.session.commit()
    return programme.id


def clear_rounds() -> None:
    from caseapp.matches.models import MatchProposal, MatchRound, MatchUnmatched

    for model in (MatchProposal, MatchUnmatched, MatchRound):
        db.session.execute(delete(model))
    db.session.commit()


def write_rows(url: str, n_new: int, n_vol: int, seed: int) -> None:
    """Create the schema and write the synthetic rows in this process."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        populate(n_new, n_vol, seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--newcomers", type=int, default=10_000)
    parser.add_argument("--volunteers", type=int, default=3_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--reuse", action="store_true", help="the database already holds the rows: do not write"
    )
    parser.add_argument(
        "--max-candidates",
        type=int,
        default=-1,
        help="pairs kept per person (0: exact; default: as the round's job decides by size)",
    )
    parser.add_argument("--populate-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-compare", action="store_true", help="skip the OR-Tools and greedy comparison"
    )
    args = parser.parse_args()
    if args.populate_only:
        write_rows(args.database_url, args.newcomers, args.volunteers, args.seed)
        return

    tmp = tempfile.TemporaryDirectory(prefix="lotse-bench-")
    url = args.database_url or f"sqlite:///{tmp.name}/bench.db"
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f}")
    print(f"database: {url.split('://')[0]}")
    if not args.reuse:
        start = time.perf_counter()
        size = ["--newcomers", str(args.newcomers), "--volunteers", str(args.volunteers)]
        child = [sys.executable, __file__, "--populate-only", "--database-url", url, *size]
        subprocess.run([*child, "--seed", str(args.seed)], check=True)  # noqa: S603 (this file)
        print(
            f"size: {args.newcomers:,} newcomers (persons, cases, needs, waiting requests) × "
            f"{args.volunteers:,} volunteers written in {time.perf_counter() - start:.1f} s"
        )
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from caseapp.matches import adapters, services
        from caseapp.matches.engine import features, solver
        from caseapp.volunteers.models import Programme

        programme = db.session.scalars(select(Programme)).first()
        timings, outcome = [], None
        for _ in range(args.runs):
            clear_rounds()
            started, cpu = time.perf_counter(), time.process_time()
            # As the round's job runs it: read, end the transaction, cap by size, solve, store.
            inputs = services.load_round(programme, TODAY)
            db.session.commit()
            size = len(inputs.newcomers) * len(inputs.volunteers)
            cap = services.candidates_cap(size) if args.max_candidates < 0 else None
            cap = cap if args.max_candidates <= 0 else args.max_candidates
            outcome = services.propose(None, inputs, TODAY, max_candidates=cap)
            committed = time.perf_counter()
            db.session.commit()
            split = dict(outcome.timings)
            split["store"] += time.perf_counter() - committed
            split["total"] = time.perf_counter() - started
            split["CPU"] = time.process_time() - cpu
            timings.append(split)
        med = {k: statistics.median(t[k] for t in timings) for k in timings[0]}
        steps = ", ".join(f"{k} {v:.2f} s" for k, v in med.items())
        mode = "exact" if cap is None else f"pruned to {cap} candidates per person"
        print(f"full round, {mode} (median of {args.runs}): {steps}")
        stats = outcome.result.stats
        print(
            f"  candidate pairs {stats['candidate_pairs']:,}, solved {stats['solved_pairs']:,}, "
            f"proposals {stats['matched']:,}, unmatched {len(outcome.result.unmatched):,}; "
            f"peak RSS {peak_rss_mib():,.0f} MiB; load average now {os.getloadavg()[0]:.2f}"
        )
        if stats.get("pruned"):
            print(
                f"  total score {stats['total_score']:,.3f}, proven upper bound "
                f"{stats['upper_bound']:,.3f}: gap {100 * stats['gap']:.3f} % "
                f"({stats.get('bound_rescanned', 0):,} newcomers' pairs scanned again for it)"
            )

        if args.no_compare:
            tmp.cleanup()
            return
        # The same graph: our solve step against a bare OR-Tools call, and against greedy.
        queue = adapters.load_newcomers(programme, TODAY)
        vols = adapters.load_volunteers(programme, TODAY)
        setup = adapters.engine_programme(programme)
        data = features.encode(queue, vols, setup, adapters.districts(), TODAY, {}, set())
        n, v = features.candidate_pairs(data)
        gain = solver.to_gain(features.score_pairs(data, n, v, setup))
        net = solver.flow_network(n, v, gain, data.v_free, len(queue))
        cpu = cpu_medians(
            {
                "ours": lambda: solver.solve_pairs(n, v, gain, data.v_free, len(queue)),
                "bare": lambda: solver.solve_network(net),
            },
            max(args.runs, 3),
        )
        print(
            f"  solve {cpu['ours']:.2f} s CPU vs bare OR-Tools {cpu['bare']:.2f} s CPU "
            f"(ratio {cpu['ours'] / cpu['bare']:.2f}, {net.tails.size:,} arcs)"
        )
        chosen = solver.solve_pairs(n, v, gain, data.v_free, len(queue))
        greedy = solver.greedy_arrays(n, v, gain, data.v_free, len(queue))
        best = int(gain[chosen].sum()) / solver.SCALE
        base = int(gain[greedy].sum()) / solver.SCALE
        print(
            f"  total score {best:,.1f} ({int(chosen.sum()):,} pairs) vs greedy {base:,.1f} "
            f"({int(greedy.sum()):,} pairs): greedy {100 * (best - base) / best:.2f} % below"
        )
    tmp.cleanup()


if __name__ == "__main__":
    main()
