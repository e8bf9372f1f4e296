"""Recall and precision of duplicate detection on the labelled pairs, by variant kind.

Run:  .venv/bin/python benchmarks/labelled_sets.py [--markdown]
Reads tests/data/duplicate_pairs.csv (kind "general") and tests/data/variant_pairs.csv
(French-style, Turkish-vowel, compound, Persian, Kurdish, Tigrinya); a pair counts as found
when the two records share a blocking key (the scan compares them at all) and `compare`
calls them a likely duplicate. Pure engine, no database. Prints one row per kind and the
pairs that were misclassified.
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path

from caseapp.people.namematch import PersonFacts, blocking_keys, compare

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
FILES = ("duplicate_pairs.csv", "variant_pairs.csv")


def _birth(text: str):
    parts = [int(p) for p in text.split("-")] if text else []
    return [*parts, None, None, None][:3]


def labelled_pairs():
    """(kind, a, b, label, note) for every row of the labelled files."""
    n = 0
    for name in FILES:
        with (DATA / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                sides = []
                for side in "ab":
                    n += 1
                    sides.append(
                        PersonFacts(
                            n,
                            row[f"{side}_given"],
                            row[f"{side}_family"],
                            row[f"{side}_original"],
                            *_birth(row[f"{side}_birth"]),
                            row[f"{side}_sex"],
                        )
                    )
                yield row.get("kind") or "general", *sides, row["label"] == "1", row["note"]


def found(a: PersonFacts, b: PersonFacts) -> bool:
    shared = blocking_keys(a.given_name, a.family_name, a.original_name) & blocking_keys(
        b.given_name, b.family_name, b.original_name
    )
    return bool(shared) and compare(a, b).likely_duplicate


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses = []
    for kind, a, b, label, note in labelled_pairs():
        predicted = found(a, b)
        for group in (kind, "all"):
            c = counts[group]
            c["pos" if label else "neg"] += 1
            c["tp"] += predicted and label
            c["fp"] += predicted and not label
        if predicted != label:
            misses.append(f"{kind}: {'missed' if label else 'false'}: {note}")
    header = "| kind | positives | negatives | found | false | recall | precision |"
    print(header if args.markdown else header.replace("|", " "))
    if args.markdown:
        print("|---|---:|---:|---:|---:|---:|---:|")
    for kind in sorted(counts, key=lambda k: (k == "all", k)):
        c = counts[kind]
        recall = c["tp"] / c["pos"] if c["pos"] else 1.0
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        line = (
            f"| {kind} | {c['pos']} | {c['neg']} | {c['tp']} | {c['fp']} | "
            f"{recall:.3f} | {precision:.3f} |"
        )
        print(line if args.markdown else line.replace("|", " "))
    print()
    for miss in misses:
        print(miss)


if __name__ == "__main__":
    main()
