"""Review tiers: precision and recall per tier on the labelled pairs and the duplicate generator.

Run:  .venv/bin/python benchmarks/tiers.py [--persons 100000] [--seed 7] [--no-evidence]
      [--evidence-only] [--register 100000]
1. The labelled pairs (tests/data): how many true and false pairs fall into each tier.
2. The duplicate benchmark's generator (benchmarks/bench_duplicates.py, ~2 % injected
   variant duplicates), with the evidence a register also holds — phone, e-mail, address,
   nationality, arrival date — drawn with the rates below (assumptions, stated in
   docs/benchmarks.md), or names and dates only with --no-evidence. Per tier: pairs,
   injected duplicates among them, precision, and the cumulative recall of the injected
   duplicates; listed pairs (first two tiers) per injected duplicate.
3. The case-record benchmark's register (bench_people's persons, no deliberate duplicates):
   the size of the default list (first two tiers) and what supports each pair in it.
Pure engine, in memory.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_duplicates import Generator
from labelled_sets import labelled_pairs

from caseapp.people.namematch import compare
from caseapp.people.namematch.evidence import SUPPORT, TIERS, Evidence
from caseapp.people.namematch.review import clusters, review_pairs

NATIONALITIES = {
    "syrian_iraqi": ["SY", "IQ"],
    "afghan": ["AF"],
    "kurdish": ["SY", "IQ", "TR"],
    "turkish": ["TR"],
    "ukrainian": ["UA"],
    "eritrean": ["ER"],
}
# Evidence rates (assumptions): how often a record has the field, and how often a second
# registration of the same person repeats it.
HAS = {"phone": 0.6, "email": 0.15, "address": 0.7, "arrival": 0.7}
REPEATED = {"phone": 0.5, "email": 0.6, "address": 0.4, "arrival": 0.6, "nationality": 0.95}
ADDRESSES = 20_000  # distinct addresses: unrelated persons share one now and then
START = date(2015, 1, 1).toordinal()


class EvidenceMaker:
    def __init__(self, seed: int):
        self.rng = random.Random(f"evidence-{seed}")

    def new(self, nationality: str) -> Evidence:
        rng = self.rng
        return Evidence(
            phone=str(rng.randrange(10**9, 10**10)) if rng.random() < HAS["phone"] else "",
            email=f"p{rng.randrange(10**12)}@example.org" if rng.random() < HAS["email"] else "",
            address=f"a{rng.randrange(ADDRESSES)}" if rng.random() < HAS["address"] else "",
            nationalities=frozenset({nationality}),
            arrived=START + rng.randrange(3650) if rng.random() < HAS["arrival"] else None,
        )

    def again(self, first: Evidence) -> Evidence:
        rng = self.rng
        fresh = self.new(next(iter(first.nationalities), "SY"))

        def keep(name, old, new):
            return old if old and rng.random() < REPEATED[name] else new

        return Evidence(
            phone=keep("phone", first.phone, fresh.phone),
            email=keep("email", first.email, fresh.email),
            address=keep("address", first.address, fresh.address),
            nationalities=first.nationalities
            if rng.random() < REPEATED["nationality"]
            else frozenset(),
            arrived=keep("arrival", first.arrived, fresh.arrived),
        )


def generated(persons: int, seed: int, with_evidence: bool, share: float = 0.02):
    gen = Generator(seed)
    maker = EvidenceMaker(seed)
    n_dups = int(persons * share)
    people, entries = [], []
    for person_id in range(1, persons - n_dups + 1):
        facts, entry = gen.person(person_id)
        people.append(facts)
        entries.append(entry)
    truth = set()
    for person_id in range(persons - n_dups + 1, persons + 1):
        k = gen.rng.randrange(len(entries))
        people.append(gen.duplicate(people[k], entries[k], person_id))
        entries.append(entries[k])
        truth.add((people[k].id, person_id))
    if with_evidence:
        first_of = {b: a for a, b in truth}
        by_id = {}
        for p in people:
            if p.id in first_of:
                evidence = maker.again(by_id[first_of[p.id]].evidence)
            else:
                origin = _origin(gen, entries[p.id - 1])
                evidence = maker.new(maker.rng.choice(NATIONALITIES[origin]))
            by_id[p.id] = replace(p, evidence=evidence)
        people = [by_id[p.id] for p in people]
    return people, truth


def same_person_pairs(truth: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Every pair of records of one person, (low, high). The generator sometimes copies a
    record that is itself a copy, or copies one record twice: those records are the same
    person too (about 2 % more pairs than injected), and a pair of them is found rightly."""
    groups = clusters((a, b, 1.0) for a, b in truth)
    return {(a, b) for g in groups for i, a in enumerate(g) for b in g[i + 1 :]}


def _origin(gen: Generator, entry: str) -> str:
    given = entry.split("#")[0]
    for origin, (_share, male, female, _family, _p) in gen.tables.items():
        if given in male[0] or given in female[0]:
            return origin
    return "syrian_iraqi"


def tier_table(pairs, truth) -> list[str]:
    """Per tier against every pair of records of one person (`same_person_pairs`), and the
    precision against the injected pairs alone (how earlier rounds counted)."""
    same = same_person_pairs(truth)
    injected = {(min(a, b), max(a, b)) for a, b in truth}
    lines = [
        "| tier | pairs | same person | precision | recall (this tier and above) "
        "| precision (injected pairs only) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    found_so_far = 0
    for tier in TIERS:
        group = {(min(a, b), max(a, b)) for a, b, c in pairs if c.tier == tier}
        hits = len(group & same)
        found_so_far += hits
        precision = hits / len(group) if group else 1.0
        old = len(group & injected) / len(group) if group else 1.0
        lines.append(
            f"| {tier} | {len(group):,} | {hits:,} | {precision:.3f} | "
            f"{found_so_far / len(same):.3f} | {old:.3f} |"
        )
    return lines


def labelled():
    counts = Counter()
    for _kind, a, b, label, _note in labelled_pairs():
        counts[(compare(a, b).tier or "none", label)] += 1
    print("Labelled pairs (names, dates, sex and original script only):")
    print("| tier | same person | different persons | precision |")
    print("|---|---:|---:|---:|")
    for tier in (*TIERS, "none"):
        pos, neg = counts[(tier, True)], counts[(tier, False)]
        precision = pos / (pos + neg) if pos + neg else 1.0
        print(f"| {tier} | {pos} | {neg} | {precision:.3f} |")


def register_list(persons: int):
    """bench_people's register: how long is the default list, and why is each pair on it."""
    os.environ.setdefault("CASEAPP_ENV", "development")
    from bench_people import fake_person

    from caseapp.people.namematch import PersonFacts
    from caseapp.people.services.registration import phone_key

    rng = random.Random(2026)
    people = []
    for i in range(persons):
        row = fake_person(rng, i)
        people.append(
            PersonFacts(
                id=i + 1,
                given_name=row["given_name"],
                family_name=row["family_name"],
                birth_year=row["birth_year"],
                birth_month=row["birth_month"],
                birth_day=row["birth_day"],
                sex=row["sex"],
                evidence=Evidence(
                    phone=phone_key(row["phone"]), nationalities=frozenset(row["nationalities"])
                ),
            )
        )
    start = time.perf_counter()
    pairs = review_pairs(people)
    seconds = time.perf_counter() - start
    tiers = Counter(c.tier for _a, _b, c in pairs)
    listed = [c for _a, _b, c in pairs if c.tier in TIERS[:2]]
    support = Counter(r for c in listed for r in c.reasons if r in SUPPORT)
    only_name = sum(1 for c in listed if not SUPPORT.intersection(c.reasons))
    print(
        f"\nCase-record register ({persons:,} persons, bench_people's generator, no deliberate "
        f"duplicates): scan {seconds:.1f} s; certain {tiers['certain']:,}, possible "
        f"{tiers['possible']:,}, name only {tiers['name_only']:,}; default list "
        f"{len(listed):,} pairs, {only_name} of them without evidence beyond name and year; "
        f"support: {dict(support.most_common())}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-evidence", action="store_true")
    parser.add_argument("--evidence-only", action="store_true", help="skip names-only run")
    parser.add_argument("--register", type=int, default=0, help="bench_people persons (0: skip)")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}"
    )
    labelled()
    runs = (False,) if args.no_evidence else (True,) if args.evidence_only else (False, True)
    for with_evidence in runs:
        people, truth = generated(args.persons, args.seed, with_evidence)
        stats: dict[str, int] = {}
        start = time.perf_counter()
        pairs = review_pairs(people, stats=stats)
        seconds = time.perf_counter() - start
        listed = sum(1 for _a, _b, c in pairs if c.tier in TIERS[:2])
        same = same_person_pairs(truth)
        label = (
            "with phone, e-mail, address, nationality, arrival"
            if with_evidence
            else ("names, dates and sex only")
        )
        print(
            f"\nGenerator, {len(people):,} persons, {len(truth):,} injected duplicates "
            f"({len(same):,} pairs of records of one person), {label}: scan {seconds:.1f} s "
            f"at load {os.getloadavg()[0]:.1f}, {stats['candidate_pairs']:,} candidate pairs, "
            f"{listed / len(same):.2f} listed pairs (first two tiers) per same-person pair"
        )
        print("\n".join(tier_table(pairs, truth)))
    if args.register:
        register_list(args.register)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
