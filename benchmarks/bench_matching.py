"""Benchmark of the pure matching engine on synthetic, realistically distributed rounds.

Run: .venv/bin/python benchmarks/bench_matching.py [--runs 3] [--stress] [--seed 7]
Default 10,000 newcomers × 3,000 volunteers (medians of --runs rounds); --stress runs
50,000 × 20,000 once. Prints the machine, per-step timings, peak memory, candidate pairs,
matches, the total score against a greedy baseline and the solve step against a bare
OR-Tools min-cost-flow call on the same arrays. No database: that is the adapters' part.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import ortools

from caseapp.matches.engine import features, pruning, solver
from caseapp.matches.engine.scoring import (
    DAYPARTS,
    Districts,
    NewcomerProfile,
    Programme,
    VolunteerProfile,
)

TODAY = date(2026, 3, 1)
PROGRAMME = Programme(code="mentor", requires_good_conduct=True)

# A 3 × 4 grid of districts; neighbours share an edge, so reach is 3–5 of 12 districts.
GRID = [
    ["Nordstadt", "Nordviertel", "Hafen", "Nordost"],
    ["Weststadt", "Altstadt", "Bahnhofsviertel", "Oststadt"],
    ["Gartenstadt", "Südstadt", "Neustadt", "Industriegebiet"],
]
# Newcomers live where rents are low; volunteers more evenly spread.
NEWCOMER_DISTRICT_SHARE = [4, 3, 6, 5, 6, 3, 10, 9, 2, 5, 9, 8]
VOLUNTEER_DISTRICT_SHARE = [6, 7, 4, 5, 7, 10, 5, 6, 8, 8, 5, 3]

# First languages of newcomers (roughly the German asylum and temporary-protection mix).
FIRST_LANGUAGE_SHARE = {
    "ar": 27, "uk": 20, "fa": 11, "tr": 9, "ku": 8, "ru": 7, "ps": 6, "ti": 4, "en": 3, "de": 1,
}  # fmt: skip
CEFR = ["A1", "A2", "B1", "B2", "C1", "C2"]
NEEDS = ["work", "housing", "language", "education", "health", "family", "participation",
         "legal", "benefits"]  # fmt: skip
PROFESSIONS = [
    "HR clerk", "Personalreferentin", "Deutschlehrerin", "teacher", "nurse", "Krankenpfleger",
    "craftsman", "Tischler", "lawyer", "accountant", "Sozialarbeiterin", "engineer",
    "software developer", "student", "retired", "Immobilienmakler", "Ärztin", "Erzieherin",
    "sales", "civil servant",
]  # fmt: skip
SKILLS = ["job coaching", "recruiting", "tutoring", "tax returns", "football coach",
          "music", "cooking", "driving", "childcare", "translation", "bookkeeping"]  # fmt: skip
HOBBIES = ["football", "cooking", "chess", "music", "hiking", "reading", "cycling", "gardening",
           "photography", "swimming", "volleyball", "painting", "dancing", "theatre", "yoga",
           "basketball", "crafts", "films", "baking", "fishing"]  # fmt: skip


def districts() -> Districts:
    neighbours: dict[str, set[str]] = {}
    for r, row in enumerate(GRID):
        for c, name in enumerate(row):
            near = neighbours.setdefault(name, set())
            if c + 1 < len(row):
                near.add(row[c + 1])
            if r + 1 < len(GRID):
                near.add(GRID[r + 1][c])
    return Districts(neighbours)


def _slots(rng: random.Random, k: int, evening_bias: float) -> frozenset:
    weights = [
        evening_bias if p == "evening" or d >= 5 else 1.0 for d in range(7) for p in DAYPARTS
    ]
    pool = [(d, p) for d in range(7) for p in DAYPARTS]
    return frozenset(rng.choices(pool, weights=weights, k=k))


def make_newcomers(count: int, rng: random.Random) -> list[NewcomerProfile]:
    names = [d for row in GRID for d in row]
    firsts, shares = zip(*FIRST_LANGUAGE_SHARE.items(), strict=True)
    people = []
    for i in range(count):
        first = rng.choices(firsts, weights=shares)[0]
        langs = {first: "native"}
        if first != "de" and rng.random() < 0.85:
            langs["de"] = rng.choices(CEFR[:4], weights=[35, 30, 20, 5])[0]
        if first != "en" and rng.random() < 0.3:
            langs["en"] = rng.choice(CEFR[:4])
        if first == "uk" and rng.random() < 0.7:
            langs["ru"] = rng.choice(["B2", "C1", "native"])
        if first in ("ku", "ps") and rng.random() < 0.5:
            langs["ar" if first == "ku" else "fa"] = rng.choice(CEFR[1:5])
        gender = rng.choices(["male", "female", "diverse"], weights=[54, 45, 1])[0]
        pref = "female" if gender == "female" and rng.random() < 0.2 else None
        waited = int(rng.expovariate(1 / 120))
        people.append(
            NewcomerProfile(
                id=i + 1,
                programme="mentor",
                languages=langs,
                district=rng.choices(names, weights=NEWCOMER_DISTRICT_SHARE)[0],
                gender=gender,
                gender_preference=pref,
                age=rng.randint(18, 64),
                needs=tuple(rng.sample(NEEDS, rng.randint(1, 3))),
                interests=tuple(rng.sample(HOBBIES, rng.randint(0, 3))),
                availability=_slots(rng, rng.randint(3, 9), 0.6),
                waiting_since=TODAY - timedelta(days=waited),
                interpreter_arranged=rng.random() < 0.03,
                previous_volunteer_ids=frozenset(),
                do_not_match_ids=frozenset(),
            )
        )
    return people


def make_volunteers(count: int, rng: random.Random) -> list[VolunteerProfile]:
    names = [d for row in GRID for d in row]
    people = []
    for j in range(count):
        heritage = rng.choices(["de", "tr", "ar", "ru", "uk", "fa", "ku"], [80, 6, 5, 4, 2, 2, 1])[
            0
        ]
        langs = {heritage: "native"}
        if heritage != "de":
            langs["de"] = rng.choice(["C1", "C2", "native"])
        if rng.random() < 0.6:
            langs["en"] = rng.choice(["B1", "B2", "C1"])
        if rng.random() < 0.1:
            langs[rng.choice(["fr", "es", "ru", "ar", "tr"])] = rng.choice(CEFR[:4])
        capacity = rng.choices([1, 2, 3], weights=[50, 30, 20])[0]
        approved = rng.random() < 0.9
        people.append(
            VolunteerProfile(
                id=f"v{j + 1:06d}",
                languages=langs,
                district=rng.choices(names, weights=VOLUNTEER_DISTRICT_SHARE)[0],
                approved_programmes=frozenset({"mentor"} if approved else {"kuemmerer"}),
                trained_programmes=frozenset({"mentor"} if approved and rng.random() < 0.9 else ()),
                good_conduct_valid_until=TODAY + timedelta(days=rng.randint(-60, 1500)),
                capacity=capacity,
                active_matches=rng.randint(0, capacity - 1) if rng.random() < 0.3 else 0,
                gender=rng.choices(["female", "male", "diverse"], weights=[60, 39, 1])[0],
                age=rng.randint(19, 75),
                skills=tuple(rng.sample(SKILLS, rng.randint(0, 2))),
                profession=rng.choice(PROFESSIONS),
                interests=tuple(rng.sample(HOBBIES, rng.randint(0, 4))),
                availability=_slots(rng, rng.randint(2, 7), 2.5),
                active=rng.random() < 0.96,
            )
        )
    return people


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().split()[1]
        ram = f"{int(mem) / 1024**2:.1f} GiB RAM"
    except OSError:
        ram = "RAM unknown"
    return (
        f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores, {ram}; "
        f"Python {platform.python_version()}, numpy {np.__version__}, ortools {ortools.__version__}"
    )


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def timed(fn, runs: int):
    """Median wall-clock seconds of runs, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def cpu_medians(fns: dict, runs: int) -> dict[str, float]:
    """Median CPU seconds of each function, runs interleaved so that load hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            start = time.process_time()
            fn()
            times[name].append(time.process_time() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def report_round(label: str, rounds: list[solver.RoundResult], volunteers) -> None:
    result = rounds[-1]
    med = {k: statistics.median(r.timings[k] for r in rounds) for k in result.timings}
    core = med["candidates"] + med["score"] + med["solve"]
    runs = f"median of {len(rounds)}" if len(rounds) > 1 else "one run"
    steps = ", ".join(f"{k} {v:.2f} s" for k, v in med.items())
    print(f"{label} ({runs}): {steps}; candidates+score+solve {core:.2f} s")
    stats = result.stats
    reasons: dict[str, int] = {}
    for u in result.unmatched:
        reasons[u.reason.code] = reasons.get(u.reason.code, 0) + 1
    free = sum(v.free_capacity for v in volunteers)
    print(
        f"  eligible volunteers {stats['eligible_volunteers']:,}, free capacity {free:,}, "
        f"candidate pairs {stats['candidate_pairs']:,} (solved {stats['solved_pairs']:,}), "
        f"matched {stats['matched']:,}, total score {stats['total_score']:,.1f}, "
        f"unmatched {len(result.unmatched):,} {reasons}; peak RSS so far {peak_rss_mib():,.0f} MiB"
    )
    if stats["pruned"]:
        print(
            f"  proven upper bound {stats['upper_bound']:,.1f}: total within "
            f"{100 * stats['gap']:.3f} % of it ({stats['bound_rescanned']:,} newcomers rescanned)"
        )


def compare(queue, vols, grid, max_candidates: int | None, runs: int) -> None:
    """Solve step vs the bare OR-Tools call, and the optimum vs greedy, on the same arrays."""
    data = features.encode(queue, vols, PROGRAMME, grid, TODAY, {}, set())
    if max_candidates is None:
        n, v = features.candidate_pairs(data)
        gain = solver.to_gain(features.score_pairs(data, n, v, PROGRAMME))
        if n.size < 20_000_000:
            steps = cpu_medians(
                {
                    "candidates": lambda: features.candidate_pairs(
                        features.encode(queue, vols, PROGRAMME, grid, TODAY, {}, set())
                    ),
                    "score": lambda: features.score_pairs(data, n, v, PROGRAMME),
                    "solve": lambda: solver.solve_pairs(n, v, gain, data.v_free, len(queue)),
                },
                runs,
            )
            split = ", ".join(f"{k} {t:.2f} s" for k, t in steps.items())
            print(
                f"  CPU time per step (median of {runs}): {split}; sum {sum(steps.values()):.2f} s"
            )
    else:
        kept = pruning.pruned_candidates(data, PROGRAMME, max_candidates, solver.to_gain)
        n, v, gain = kept.n, kept.v, kept.gain
    chosen = solver.solve_pairs(n, v, gain, data.v_free, len(queue))
    net = solver.flow_network(n, v, gain, data.v_free, len(queue))
    cpu = cpu_medians(
        {
            "ours": lambda: solver.solve_pairs(n, v, gain, data.v_free, len(queue)),
            "bare": lambda: solver.solve_network(net),
        },
        max(runs, 3) if n.size < 20_000_000 else 1,
    )
    print(
        f"  solve step {cpu['ours']:.2f} s CPU vs bare OR-Tools (add arcs + supplies + solve on "
        f"the prebuilt arrays) {cpu['bare']:.2f} s CPU: ratio {cpu['ours'] / cpu['bare']:.2f}; "
        f"{net.tails.size:,} arcs"
    )
    if n.size > 20_000_000:
        print("  greedy baseline skipped (a Python loop over this many pairs)")
        return
    g_time, greedy = timed(lambda: solver.greedy_arrays(n, v, gain, data.v_free, len(queue)), 1)
    best, base = int(gain[chosen].sum()) / solver.SCALE, int(gain[greedy].sum()) / solver.SCALE
    print(
        f"  total score {best:,.1f} ({int(chosen.sum()):,} matched) vs greedy {base:,.1f} "
        f"({int(greedy.sum()):,} matched, {g_time:.2f} s): greedy is "
        f"{100 * (best - base) / best:.2f} % below the optimum"
    )
    if n.size <= 5_000_000 and max_candidates is None:
        score = gain / solver.SCALE
        pairs = {
            (queue[i].id, vols[j].id): s
            for i, j, s in zip(n.tolist(), v.tolist(), score.tolist(), strict=True)
        }
        cap = {x.id: int(c) for x, c in zip(vols, data.v_free.tolist(), strict=True)}
        t_assign, matched = timed(lambda: solver.assign(pairs, cap), 1)
        print(
            f"  assign() on a dict of {len(pairs):,} pairs (dict → arrays included): "
            f"{t_assign:.2f} s, {len(matched):,} matched"
        )


def bench(n_new: int, n_vol: int, runs: int, seed: int, modes: list[int | None]) -> None:
    print(f"machine: {machine()}")
    rng = random.Random(seed)
    start = time.perf_counter()
    newcomers, volunteers = make_newcomers(n_new, rng), make_volunteers(n_vol, rng)
    grid = districts()
    print(
        f"size: {n_new:,} newcomers × {n_vol:,} volunteers (synthetic data built in "
        f"{time.perf_counter() - start:.1f} s, RSS {peak_rss_mib():.0f} MiB)"
    )
    queue = sorted(newcomers, key=lambda p: p.id)
    vols = sorted(volunteers, key=lambda p: p.id)
    totals = {}
    for mode in modes:
        rounds, cpu = [], []
        for _ in range(runs):
            start = time.process_time()
            rounds.append(
                solver.run_round(newcomers, volunteers, PROGRAMME, grid, TODAY, max_candidates=mode)
            )
            cpu.append(time.process_time() - start)
        label = "exact round" if mode is None else f"round with max_candidates={mode}"
        report_round(label, rounds, volunteers)
        print(f"  CPU time of the whole round (median): {statistics.median(cpu):.2f} s")
        totals[mode] = rounds[-1].stats["total_score"]
        compare(queue, vols, grid, mode, runs)
    if None in totals and len(totals) > 1:
        for mode, value in totals.items():
            if mode is not None:
                loss = 100 * (totals[None] - value) / totals[None]
                print(f"max_candidates={mode} loses {loss:.4f} % of the exact total score")
    print(f"peak RSS {peak_rss_mib():,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stress", action="store_true", help="50,000 × 20,000, one run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--newcomers", type=int)
    parser.add_argument("--volunteers", type=int)
    parser.add_argument(
        "--max-candidates", type=int, default=100, help="also run a capped round (0: skip)"
    )
    parser.add_argument(
        "--no-exact", action="store_true", help="skip the exact round (needs ~13 GB at stress)"
    )
    args = parser.parse_args()
    n_new, n_vol, runs = (50_000, 20_000, 1) if args.stress else (10_000, 3_000, args.runs)
    modes: list[int | None] = [] if args.no_exact else [None]
    if args.max_candidates:
        modes.append(args.max_candidates)
    bench(args.newcomers or n_new, args.volunteers or n_vol, runs, args.seed, modes)


if __name__ == "__main__":
    main()
