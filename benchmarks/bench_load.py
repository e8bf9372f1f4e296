"""Load benchmark: a mixed caseworker workload over real HTTP against gunicorn on loopback.

Run:  .venv/bin/python benchmarks/bench_load.py [--database-url postgresql://...]
          [--sessions 25,50] [--duration 60] [--rate 20] [--runs 3] [--workers 4]
          [--import-rows 60000 [--import-in-one-transaction]] [--reuse FILE]
      .venv/bin/python benchmarks/bench_load.py --profile 300   (in-process, see below)

Builds a database (a PostgreSQL database is emptied first!) with offices, caseworkers and
persons, starts `gunicorn --workers 4 wsgi:app` in production mode on 127.0.0.1 and drives it
with threads, one keep-alive HTTP client per signed-in caseworker:

- closed loop: N sessions, each sends its next request as soon as the last one is answered;
- open loop: actions start at random (Poisson) times at a rate that makes --rate requests/s
  whatever the answers do, and each request's time counts from when its action was due (no
  coordinated omission);
- with --import-rows: 10 closed-loop sessions (or the open loop, with --rate) while
  `flask people import` reads a file of that many new persons.

Before the first measurement, --warmup seconds (5) of unmeasured closed-loop load let the
workers compile their templates and fill their caches, so run 1 is not the odd one out.

The mix: start page, case list, search as you type and submitted, case file, log a
consultation (form + save), book an appointment (form + save), the calendar, and now and then
signing out and in again. Every save that was acknowledged (302) carries a unique marker; the
ledger afterwards checks that each exists exactly once in the database. CPU time of the
gunicorn processes per request is printed too: it says more than requests/s on a shared
machine.

--mix search [--think S]: only the search box (live as typed, and submitted), for issue 13's
"10 concurrent searchers" over HTTP against several gunicorn processes; with --think each
session pauses S seconds on average after each answer, as a person typing does.

--profile N runs N actions of the same mix in-process through Flask's test client: CPU time
and SQL statements per kind of request, then under cProfile the functions where the time goes
(session lookup, audit writes, template rendering, queries).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

from load.client import (
    Ledger,
    Record,
    check_ledger,
    closed_loop,
    machine,
    make_sessions,
    open_loop,
    summary,
    use_mix,
)
from load.profiling import profile
from load.world import (
    build,
    server_cpu_seconds,
    server_env,
    start_gunicorn,
    start_import,
    stop,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--offices", type=int, default=4)
    parser.add_argument("--caseworkers", type=int, default=60)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--sessions", default="25,50", help="closed-loop session counts")
    parser.add_argument("--duration", type=float, default=60, help="seconds per measurement")
    parser.add_argument("--rate", type=float, default=20, help="open-loop requests/s (0: none)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--import-rows",
        type=int,
        default=0,
        metavar="N",
        help="also: 10 sessions while `flask people import` reads a file of N new persons",
    )
    parser.add_argument(
        "--import-in-one-transaction",
        action="store_true",
        help="import as the upload page does, in one transaction (as the CLI did before)",
    )
    parser.add_argument(
        "--mix",
        choices=("caseworker", "search"),
        default="caseworker",
        help="search: only the search box (live and submitted), for issue 13's searchers",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0,
        metavar="S",
        help="closed loop: each session pauses S seconds on average after each answer",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=5,
        help="seconds of unmeasured load first (workers compile templates, fill caches)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="profile N actions")
    parser.add_argument(
        "--reuse",
        metavar="FILE",
        help="keep the data set: build it once and note it in FILE, later runs use it again",
    )
    args = parser.parse_args()
    use_mix(args.mix)

    database_url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/load.sqlite3"
    if args.reuse and Path(args.reuse).exists():
        saved = json.loads(Path(args.reuse).read_text())
        database_url = args.database_url or saved["database_url"]
        world = {
            "accounts": saved["accounts"],
            "persons": {int(k): v for k, v in saved["persons"].items()},
        }
        print(f"database: {database_url.split('@')[-1]} (reused)", flush=True)
    else:
        print(f"database: {database_url.split('@')[-1]}; building ...", flush=True)
        started = time.perf_counter()
        world = build(
            database_url,
            offices=args.offices,
            caseworkers=args.caseworkers,
            persons=args.persons,
            seed=args.seed,
        )
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
        if args.reuse:
            Path(args.reuse).write_text(json.dumps({"database_url": database_url, **world}))
    if args.profile:
        profile(database_url, world, args.profile, args.seed)
        return

    log = Path(tempfile.mkdtemp()) / "gunicorn.log"
    server = start_gunicorn(database_url, args.port, args.workers, log)
    ledger = Ledger()
    results = defaultdict(list)
    try:
        modes = [f"closed {n}" for n in map(int, args.sessions.split(",")) if n]
        modes += [f"open {args.rate:g}/s"] if args.rate else []
        if args.import_rows:
            load = f"open {args.rate:g}/s" if args.rate else "closed 10"
            modes += [f"{load} + import {args.import_rows}"]
        if args.warmup:  # its writes are in the ledger too; its timings are not kept
            warm = make_sessions(args.port, world, 20, ledger, [], args.seed - 1)
            closed_loop(warm, args.warmup)
        for run in range(args.runs):
            for mode in modes:
                records: list[Record] = []
                count = int(mode.split()[1]) if mode.startswith("closed") else 40
                count = 10 if mode.startswith("closed 10 +") else count
                sessions = make_sessions(
                    args.port, world, count, ledger, records, args.seed + 1000 * run
                )
                records.clear()  # signing in is not part of the measurement
                cpu = server_cpu_seconds(server), time.process_time()
                if "import" in mode:
                    importer = start_import(
                        database_url,
                        args.import_rows,
                        f"{run}-{uuid.uuid4().hex[:6]}",
                        server_env(database_url, args.port),
                        args.import_in_one_transaction,
                    )

                    def finished(importer=importer) -> bool:
                        return importer.poll() is not None

                    if mode.startswith("open"):
                        wall = open_loop(sessions, args.rate, 0, args.seed + run, until=finished)
                    else:
                        wall = closed_loop(sessions, 0, until=finished)
                    output = importer.stdout.read().strip().splitlines()
                    print(
                        f"  import of {args.import_rows} rows: {wall:.0f} s, "
                        f"exit {importer.returncode}: {output[-1] if output else ''}",
                        flush=True,
                    )
                elif mode.startswith("closed"):
                    wall = closed_loop(sessions, args.duration, think=args.think)
                else:
                    wall = open_loop(sessions, args.rate, args.duration, args.seed + run)
                figures = summary(records, wall)
                figures["server_cpu_ms"] = (
                    (server_cpu_seconds(server) - cpu[0]) * 1000 / max(1, figures["requests"])
                )
                figures["client_cpu_ms"] = (
                    (time.process_time() - cpu[1]) * 1000 / max(1, figures["requests"])
                )
                results[mode].append(figures)
                print(
                    f"run {run + 1} {mode:<12} {figures['requests']:>6} requests "
                    f"{figures['rps']:6.1f}/s  p50 {figures['p50']:6.0f} ms  "
                    f"p95 {figures['p95']:6.0f} ms  max {figures['max']:6.0f} ms  "
                    f"errors {figures['errors']} {dict(figures['error_kinds']) or ''}  "
                    f"CPU/request: server {figures['server_cpu_ms']:.1f} ms, "
                    f"client {figures['client_cpu_ms']:.1f} ms",
                    flush=True,
                )
    finally:
        stop(server)
    ledger_result = check_ledger(database_url, ledger)

    print(f"\nmachine: {machine()}; {args.workers} gunicorn workers; {args.runs} runs of "
          f"{args.duration:g} s after {args.warmup:g} s of warm-up; medians over runs; "
          f"mix {args.mix}, think {args.think:g} s")  # fmt: skip
    print("| mode | requests/s | p50 ms | p95 ms | max ms | errors | server CPU ms/request |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for mode, runs in results.items():

        def med(key, runs=runs):
            return statistics.median(r[key] for r in runs)

        print(
            f"| {mode} | {med('rps'):.1f} | {med('p50'):.0f} | {med('p95'):.0f} | "
            f"{med('max'):.0f} | {sum(r['errors'] for r in runs)} | {med('server_cpu_ms'):.1f} |"
        )
    print("\nper request kind (last run of each mode: n, p50 ms, p95 ms)")
    for mode, runs in results.items():
        kinds = ", ".join(
            f"{k} {n}/{p50:.0f}/{p95:.0f}"
            for k, (n, p50, p95) in sorted(runs[-1]["by_kind"].items())
        )
        print(f"  {mode}: {kinds}")
    print(
        f"\nledger: {ledger_result['acknowledged']} acknowledged writes, "
        f"{ledger_result['missing']} missing, {ledger_result['duplicated']} duplicated; "
        f"{ledger_result['unanswered_stored']} unanswered writes were stored"
    )
    print(f"gunicorn log: {log}")


if __name__ == "__main__":
    main()
