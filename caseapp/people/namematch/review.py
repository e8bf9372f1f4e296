"""The whole-register review scan, one blocking-key bucket at a time, and clusters (pure).

A bucket holds the persons who share one blocking key. Within it, pairs are formed so that
a bucket of common names does not explode: persons with full (real) birth dates are paired
only with the same date; persons with a vague date (year only, 01.01., none) with everyone
whose year is at most one apart — and in a bucket of a common name only when they also share
a phone number, e-mail address, address or arrival date (records with one AZR number are
compared by a step of their own, whatever their names), because a common name and a year
alone are never listed for review. Each pair is scored once, in the bucket of the smallest
key the two share, so the scan can walk the key index in order, in batches, and resume.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Iterator
from functools import lru_cache

from caseapp.people.namematch.evidence import (
    COMMON_NAME,
    NAME_ONLY,
    TIERS,
    same_azr,
    shares_sure,
    usable_count,
)
from caseapp.people.namematch.keys import _pair, keys_for_tokens
from caseapp.people.namematch.phonetic import phonetic_code, token_skeleton
from caseapp.people.namematch.scoring import (
    DIFFERENT_DATE,
    PLACEHOLDER_DAY,
    Comparison,
    PersonFacts,
    Prepared,
    birth_evidence,
    compare_prepared,
    name_evidence,
    names_rule_out,
    prepare,
)
from caseapp.people.namematch.script import tokenise


def person_keys(p: Prepared) -> frozenset[str]:
    return keys_for_tokens(p.tokens[: p.n_given], p.tokens[p.n_given :], p.original)


def name_key(p: Prepared) -> str:
    """The key of the person's first given and first family name (how the registration hint
    estimates how common a name is, by one indexed count)."""
    given = p.tokens[0] if p.tokens else ""
    family = p.tokens[p.n_given] if len(p.tokens) > p.n_given else ""
    a, b = token_skeleton(given), token_skeleton(family)
    if a and b:
        return _pair(a, b)
    return f"n:{(a or b)[:18]}"


def name_signature(p: Prepared) -> tuple[str, ...]:
    """The person's whole name as phonetic codes, in any order: persons with the same
    signature carry the same name, and they share every blocking key."""
    return _signature(p.tokens)


@lru_cache(maxsize=65536)
def _signature(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(phonetic_code(t) for t in tokens))


@lru_cache(maxsize=65536)
def signature_of(given_name: str, family_name: str) -> tuple[str, ...]:
    """`name_signature` from the name fields (the scan counts names before loading facts)."""
    return _signature(tokenise(given_name or "") + tokenise(family_name or ""))


def _full_date(p: Prepared) -> tuple[int, int, int] | None:
    if p.day is None or (p.month, p.day) == PLACEHOLDER_DAY:
        return None
    return p.year, p.month, p.day  # type: ignore[return-value]


def contacts(p: Prepared) -> tuple[str, ...]:
    """What pairs a common name's vague dates: phone, e-mail, address, arrival (records with
    one AZR number are compared anyway, by the scan's last step)."""
    e = p.evidence
    if e is None:
        return ()
    out = []
    if e.phone:
        out.append("p:" + e.phone)
    if e.email:
        out.append("e:" + e.email)
    if e.address:
        out.append("a:" + e.address)
    if e.arrived:
        out.append(f"d:{e.arrived}")
    return tuple(out)


def bucket_pairs(
    members: list[Prepared],
    *,
    common: int = COMMON_NAME,
    size: int | None = None,
    contacts_of: Callable[[Prepared], tuple[str, ...]] = contacts,
) -> Iterator[tuple[int, int]]:
    """Index pairs (i < j) of one bucket worth comparing (see the module docstring); `size`
    is the whole bucket's when only some of its members are passed; `contacts_of` gives a
    member's contacts (the scan passes one that builds them once per batch)."""
    by_date: dict[tuple, list[int]] = defaultdict(list)
    vague: list[int] = []
    for i, p in enumerate(members):
        full = _full_date(p)
        if full is None:
            vague.append(i)
        else:
            by_date[full].append(i)
    for group in by_date.values():
        for x, i in enumerate(group):
            for j in group[x + 1 :]:
                yield (i, j) if i < j else (j, i)
    if not vague:
        return
    if (size or len(members)) >= common:
        # A common name: only vague pairs that share a contact or arrival are worth a look.
        by_contact: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(members):
            for value in contacts_of(p):
                by_contact[value].append(i)
        seen: set[tuple[int, int]] = set()
        vague_set = set(vague)
        for group in by_contact.values():
            for x, i in enumerate(group):
                for j in group[x + 1 :]:
                    pair = (i, j) if i < j else (j, i)
                    if (i in vague_set or j in vague_set) and pair not in seen:
                        seen.add(pair)
                        yield pair
        return
    years = [p.year for p in members]
    vague_set = set(vague)
    for i in vague:
        for j in range(len(members)):
            if j == i or (j in vague_set and j < i):
                continue  # each vague pair once
            yi, yj = years[i], years[j]
            if yi is None or yj is None or abs(yi - yj) <= 1:
                yield (i, j) if i < j else (j, i)


def assess(a: Prepared, b: Prepared, name_count: int | None = None) -> Comparison | None:
    """The comparison of a candidate pair, or None when dates or names rule it out (unless
    the two share an AZR number: then something is written wrong, worth a look)."""
    birth = birth_evidence(a, b)
    if birth[0] <= DIFFERENT_DATE and not same_azr(a.evidence, b.evidence):
        return None
    names = name_evidence(a, b)
    if names_rule_out(a, b, names):
        if birth[1] == ("same_birth_date",) or shares_sure(a.evidence, b.evidence):
            # Listed only with such evidence: then a typing error in a variant is sought.
            names = name_evidence(a, b, variant_typos=True)
        if names_rule_out(a, b, names) and not same_azr(a.evidence, b.evidence):
            return None
    return compare_prepared(a, b, birth, names, name_count=name_count)


def bucket_candidates(
    key: str,
    members: list[Prepared],
    common_keys: Container[str],
    names: Counter | None = None,
    size: int | None = None,
    keys_of: Callable[[Prepared], frozenset[str]] = person_keys,
    contacts_of: Callable[[Prepared], tuple[str, ...]] = contacts,
) -> Iterator[tuple[Prepared, Prepared, int]]:
    """(a, b, how many persons carry the name) for the pairs this bucket answers for.

    A pair belongs to the smallest key the two share among the keys that are not common
    (buckets of COMMON_NAME and more), or to the smallest of all when every shared key is
    common: there it is compared only with the same date or a shared contact, elsewhere
    always. Persons with the same name share every key, so the bucket counts them all.
    `keys_of` gives a member's keys (the scan passes one that computes them once per batch).
    """
    signatures = names if names is not None else Counter(name_signature(m) for m in members)
    for i, j in bucket_pairs(members, size=size, contacts_of=contacts_of):
        a, b = members[i], members[j]
        shared = keys_of(a) & keys_of(b)
        if not shared:
            continue
        rare = [k for k in shared if k not in common_keys]
        if (min(rare) if rare else min(shared)) != key:
            continue
        yield a, b, max(signatures[name_signature(a)], signatures[name_signature(b)])


def review_pairs(
    records: Iterable[PersonFacts | Prepared], *, stats: dict[str, int] | None = None
) -> list[tuple[int, int, Comparison]]:
    """The whole register in memory (benchmarks, tests): every pair with a tier, best first.

    The database scan (people.services.duplicates) does the same bucket by bucket."""
    people = [r if isinstance(r, Prepared) else prepare(r) for r in records]
    buckets: dict[str, list[int]] = defaultdict(list)
    for index, p in enumerate(people):
        for key in person_keys(p):
            buckets[key].append(index)
    common = {key for key, members in buckets.items() if len(members) >= COMMON_NAME}
    found: list[tuple[int, int, Comparison]] = []
    candidates = 0
    for key, members in buckets.items():
        if len(members) < 2:
            continue
        for a, b, count in bucket_candidates(key, [people[m] for m in members], common):
            candidates += 1
            comparison = assess(a, b, usable_count(count, len(people)))
            if comparison is not None and comparison.tier:
                low, high = sorted((a.id, b.id))
                found.append((low, high, comparison))
    # Records with one AZR number, whatever their names (the stored scan's last step).
    listed = {(low, high) for low, high, _c in found}
    by_number: dict[str, list[Prepared]] = defaultdict(list)
    for p in people:
        if p.evidence is not None and p.evidence.azr:
            by_number[p.evidence.azr].append(p)
    for group in by_number.values():
        for x, a in enumerate(group):
            for b in group[x + 1 :]:
                low, high = sorted((a.id, b.id))
                if (low, high) in listed:
                    continue
                comparison = assess(a, b)
                if comparison is not None and comparison.tier:
                    found.append((low, high, comparison))
    if stats is not None:
        stats.update(records=len(people), candidate_pairs=candidates)
    order = {tier: n for n, tier in enumerate(TIERS)}
    found.sort(key=lambda item: (order[item[2].tier], -item[2].score, item[0], item[1]))
    return found


def clusters(
    pairs: Iterable[tuple[int, int, float]], different: Iterable[tuple[int, int]] = ()
) -> list[list[int]]:
    """Groups of records that are probably one person: A~B and B~C put A, B and C together.

    Pairs join best score first; a join that would put two records someone decided are
    different people into one group is left out (the decision informs the whole cluster).
    Groups of two or more, largest first, each sorted.
    """
    parent: dict[int, int] = {}
    apart: dict[int, set[int]] = defaultdict(set)  # root -> roots it must stay apart from

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    members: dict[int, set[int]] = {}
    for a, b in different:
        ra, rb = root(a), root(b)
        apart[ra].add(rb)
        apart[rb].add(ra)
    for a, b, _score in sorted(pairs, key=lambda p: -p[2]):
        ra, rb = root(a), root(b)
        if ra == rb or rb in apart[ra]:
            continue
        parent[rb] = ra
        for other in apart.pop(rb, set()):
            apart[other].discard(rb)
            apart[other].add(ra)
            apart[ra].add(other)
    for x in list(parent):
        members.setdefault(root(x), set()).add(x)
    groups = [sorted(g) for g in members.values() if len(g) > 1]
    groups.sort(key=lambda g: (-len(g), g[0]))
    return groups


__all__ = [
    "NAME_ONLY",
    "assess",
    "bucket_candidates",
    "bucket_pairs",
    "clusters",
    "name_key",
    "review_pairs",
]
