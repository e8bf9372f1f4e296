"""Review tiers: precision and recall per tier on the labelled pairs and the duplicate generator.

Run:  .venv/bin/python benchmarks/tiers.py [--persons 100000] [--seed 7]
      [--runs names,evidence,papers] [--register 100000]
1. The labelled pairs (tests/data): how many true and false pairs fall into each tier.
2. The duplicate benchmark's generator (benchmarks/bench_duplicates.py, ~2 % injected
   variant duplicates), with the evidence a register also holds — phone, e-mail, address,
   nationality, arrival date, and (run "papers") the place of birth, the parents' names and
   the AZR number — drawn with the rates below (assumptions, stated in docs/benchmarks.md),
   or names and dates only (run "names"). Per tier: pairs,
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
from caseapp.people.namematch.script import tokenise

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
# The papers (assumptions, like the rates above): how often a record carries the place of
# birth, the father's and mother's names and the AZR number; a second registration of the
# same person repeats what it records (the same place or parent, at times in another
# spelling) or leaves it out — it never records another mother or another AZR number.
PAPERS_HAS = {"birth_place": 0.6, "father": 0.3, "mother": 0.3, "azr": 0.25}
PAPERS_REPEATED = {"birth_place": 0.9, "father": 0.9, "mother": 0.9, "azr": 0.9}
# Places of birth by origin, most frequent first (weights 1/rank: the first is a quarter to
# a third of an origin's persons, as Aleppo and Damascus are among Syrians); "a|b" are two
# spellings of one place, the second used for one repeat in ten (Halab does not look like
# Aleppo to the rules: a repeat in that spelling counts against the pair).
PLACES = {
    "syrian_iraqi": "Aleppo|Halab, Damaskus|Damascus, Homs, Hama, Idlib, Deir ez-Zor|Deir al-Zour, "
    "Raqqa|Rakka, Latakia|Lattakia, Daraa|Deraa, Mossul|Mosul, Bagdad|Baghdad, Erbil|Arbil, "
    "Kirkuk, Basra, Tartus, Qamishli|Kamischli",
    "afghan": "Kabul, Herat, Mazar-i-Sharif|Masar-e Scharif, Kandahar, Ghazni|Gasni, Jalalabad|"
    "Dschalalabad, Kundus|Kunduz, Baghlan, Balkh, Parwan",
    "kurdish": "Qamishli|Kamischli, Afrin, Kobane|Kobani, Hasakah|Al-Hasaka, Duhok|Dohuk, Erbil|"
    "Arbil, Sulaimaniya|Sulaymaniyah, Diyarbakir|Diyarbakır, Sindschar|Sinjar",
    "turkish": "Istanbul|İstanbul, Ankara, Izmir|İzmir, Gaziantep, Konya, Diyarbakir|Diyarbakır, "
    "Sanliurfa|Şanlıurfa, Adana, Kayseri, Trabzon, Samsun, Mersin",
    "ukrainian": "Kyjiw|Kiew, Charkiw|Kharkiv, Odesa|Odessa, Dnipro, Saporischschja|Zaporizhzhia, "
    "Lwiw|Lviv, Mariupol, Cherson|Kherson, Mykolajiw|Mykolaiv, Poltawa|Poltava, Sumy",
    "eritrean": "Asmara, Keren, Massawa|Mitsiwa, Mendefera, Barentu, Dekemhare, Adi Keyh",
}


class PapersMaker:
    """Place of birth, parents and AZR number, with a random stream of its own: the other
    evidence is drawn exactly as without the papers, so the two runs compare."""

    def __init__(self, seed: int, gen: Generator):
        self.rng = random.Random(f"papers-{seed}")
        self.gen = gen
        self.azr = 100_000_000_000

    def _spelled(self, entry: str, variant: float) -> str:
        spellings = entry.split("|")
        if len(spellings) > 1 and self.rng.random() < variant:
            return self.rng.choice(spellings[1:])
        return spellings[0]

    def _pick(self, table) -> str:
        names, weights = table
        return self.rng.choices(names, weights)[0]

    def new(self, origin: str, father_entry: str) -> dict:
        rng, has = self.rng, PAPERS_HAS
        places = [p.strip() for p in PLACES[origin].split(",")]
        out = {"birth_place": "", "father": "", "mother": "", "azr": ""}
        if rng.random() < has["birth_place"]:
            out["birth_place"] = rng.choices(places, [1 / r for r in range(1, len(places) + 1)])[0]
        _share, male, female, _family, _p = self.gen.tables[origin]
        if rng.random() < has["father"]:
            out["father"] = father_entry or self._pick(male)
        if rng.random() < has["mother"]:
            out["mother"] = self._pick(female)
        if rng.random() < has["azr"]:
            self.azr += rng.randrange(1, 1000)
            out["azr"] = str(self.azr)
        return out

    def again(self, first: dict) -> dict:
        """A second registration: what the first recorded, repeated or left out."""
        return {
            name: value if value and self.rng.random() < PAPERS_REPEATED[name] else ""
            for name, value in first.items()
        }

    def written(self, papers: dict) -> dict:
        """As a caseworker writes it down: a parent's name in one of its spellings (three in
        ten), the place of birth in its other spelling one time in ten."""
        return {
            "birth_place": self._spelled(papers["birth_place"], 0.1),
            "father": self._spelled(papers["father"], 0.3),
            "mother": self._spelled(papers["mother"], 0.3),
            "azr": papers["azr"],
        }

    @staticmethod
    def evidence(written: dict, evidence: Evidence) -> Evidence:
        """What duplicate_facts.evidence_of makes of the written values."""
        parent = {k: tokenise(written[k]) for k in ("father", "mother")}
        return replace(
            evidence,
            azr=written["azr"],
            birth_place=tokenise(written["birth_place"]),
            father=parent["father"][0] if parent["father"] else "",
            mother=parent["mother"][0] if parent["mother"] else "",
        )


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


def generated(
    persons: int,
    seed: int,
    with_evidence: bool,
    share: float = 0.02,
    with_papers: bool = False,
    papers_out: dict | None = None,
):
    """The generator's register and its injected pairs; with the evidence (and the papers),
    the written values of the papers per person in `papers_out` (for the database)."""
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
        papers_of: dict[int, dict] = {}
        papers = PapersMaker(seed, gen)
        for p in people:
            if p.id in first_of:
                evidence = maker.again(by_id[first_of[p.id]].evidence)
                if with_papers:
                    papers_of[p.id] = papers.again(papers_of[first_of[p.id]])
            else:
                origin = _origin(gen, entries[p.id - 1])
                evidence = maker.new(maker.rng.choice(NATIONALITIES[origin]))
                if with_papers:
                    papers_of[p.id] = papers.new(origin, entries[p.id - 1].split("#")[1])
            if with_papers:
                written = papers.written(papers_of[p.id])
                evidence = papers.evidence(written, evidence)
                if papers_out is not None:
                    papers_out[p.id] = written
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
    parser.add_argument(
        "--runs",
        default="names,evidence,papers",
        help="names: names, dates and sex only; evidence: with phone, e-mail, address, "
        "nationality, arrival; papers: and place of birth, parents, AZR number",
    )
    parser.add_argument("--evidence-only", action="store_true", help="as --runs evidence")
    parser.add_argument("--register", type=int, default=0, help="bench_people persons (0: skip)")
    args = parser.parse_args()
    if args.evidence_only:
        args.runs = "evidence"
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}"
    )
    labelled()
    labels = {
        "names": "names, dates and sex only",
        "evidence": "with phone, e-mail, address, nationality, arrival",
        "papers": "with phone, e-mail, address, nationality, arrival, place of birth, parents, AZR",
    }
    for run in args.runs.split(","):
        people, truth = generated(
            args.persons, args.seed, run != "names", with_papers=run == "papers"
        )
        stats: dict[str, int] = {}
        start = time.perf_counter()
        pairs = review_pairs(people, stats=stats)
        seconds = time.perf_counter() - start
        listed = sum(1 for _a, _b, c in pairs if c.tier in TIERS[:2])
        same = same_person_pairs(truth)
        print(
            f"\nGenerator, {len(people):,} persons, {len(truth):,} injected duplicates "
            f"({len(same):,} pairs of records of one person), {labels[run]}: scan {seconds:.1f} s "
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
