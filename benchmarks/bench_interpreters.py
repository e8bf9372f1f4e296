"""Interpreter round at scale: 2,000 appointments × 300 interpreters in one week (issue 19).

Builds a synthetic week (no database): appointments on a half-hour grid in 12 offices of 8
districts, languages and varieties weighted as in a German municipality's caseload, 300
interpreters (a third paid) with 3-6 half-days of availability each. Times the pure round
(`plan_round`: candidates, branch and bound around the min-cost flow, explanations) and
prints the median of three runs with and without a binding budget for paid interpreters.

    .venv/bin/python benchmarks/bench_interpreters.py [--needs 2000] [--interpreters 300]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from caseapp.interpreters.engine import Interpreter, Need, Settings, plan_round

LANGUAGES = [
    # (ISO code, varieties, weight)
    ("ar", ("ar-levant", "ar-iraq", "ar-sudan", "ar-egypt", "ar-maghreb"), 30),
    ("ku", ("ku-kmr", "ku-ckb"), 10),
    ("fa", ("fa-prs", "fa-ir"), 12),
    ("ps", ("",), 6),
    ("ti", ("",), 6),
    ("tr", ("",), 12),
    ("uk", ("",), 14),
    ("ru", ("",), 8),
]
MONDAY = datetime(2027, 1, 4)


def build(needs: int, interpreters: int, seed: int = 7):
    rng = random.Random(seed)
    weights = [w for _c, _v, w in LANGUAGES]
    out_needs = []
    for k in range(needs):
        code, varieties, _w = rng.choices(LANGUAGES, weights)[0]
        start = MONDAY + timedelta(days=rng.randrange(5), minutes=480 + 30 * rng.randrange(18))
        office = rng.randrange(12)
        out_needs.append(
            Need(
                id=k,
                office_id=office,
                districts=frozenset({office % 8}),
                starts_at=start,
                ends_at=start + timedelta(minutes=rng.choice((30, 60, 60, 90))),
                language=code,
                variety=rng.choice(varieties) if rng.random() < 0.5 else "",
                variety_strict=rng.random() < 0.25,
                gender=rng.choice(("female", "male")) if rng.random() < 0.3 else "",
                gender_strict=rng.random() < 0.3,
                mode=rng.choices(("in_person", "phone", "video"), (8, 1, 1))[0],
            )
        )
    out_interpreters = []
    for k in range(interpreters):
        langs = set()
        for _ in range(rng.choice((1, 1, 2))):
            code, varieties, _w = rng.choices(LANGUAGES, weights)[0]
            for v in rng.sample(varieties, min(len(varieties), rng.choice((1, 2)))):
                langs.add((code, v))
        slots = set()
        for _ in range(rng.randrange(3, 7)):
            day, part = rng.randrange(5), rng.randrange(2)
            slots.add((day, 480, 720) if part == 0 else (day, 720, 1020))
        paid = k % 3 == 0
        out_interpreters.append(
            Interpreter(
                id=10_000 + k,
                languages=frozenset(langs),
                gender=rng.choice(("female", "male")),
                paid=paid,
                hourly_rate_cents=rng.choice((3500, 4500, 5500)) if paid else 0,
                districts=frozenset(rng.sample(range(8), 4)) if rng.random() < 0.3 else frozenset(),
                availability=tuple(sorted(slots)),
                pledge=rng.random() < 0.95,
            )
        )
    return out_needs, out_interpreters


def run(needs, interpreters, settings, repeat: int, limit: float):
    times, cpu, plan = [], [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        plan = plan_round(needs, interpreters, settings, time_limit=limit)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(times), times, statistics.median(cpu), plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--needs", type=int, default=2000)
    parser.add_argument("--interpreters", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--limit", type=float, default=4.5, help="the search's time limit in seconds (4.5)"
    )
    args = parser.parse_args()
    needs, interpreters = build(args.needs, args.interpreters)
    print(
        f"{len(needs)} appointments × {len(interpreters)} interpreters, one week; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    for label, budget in (("no budget", None), ("budget 5,000 EUR", 500_000)):
        median, times, cpu, plan = run(
            needs, interpreters, Settings(30, budget), args.repeat, args.limit
        )
        s = plan.stats
        gap = 1 - s["total_score"] / s["upper_bound"] if s["upper_bound"] else 0.0
        print(
            f"{label}: median {median:.2f} s wall, {cpu:.2f} s CPU "
            f"(runs {', '.join(f'{t:.2f}' for t in times)}); "
            f"candidates {s['candidate_pairs']}, matched {s['matched']}, "
            f"unmatched {len(plan.unmatched)}, paid {s['cost_cents'] / 100:.0f} EUR, "
            f"nodes {s['nodes']}, optimal {plan.optimal}, within {gap:.1%} of the bound; "
            + ", ".join(f"{k} {v:.2f}" for k, v in plan.timings.items())
        )


if __name__ == "__main__":
    main()
