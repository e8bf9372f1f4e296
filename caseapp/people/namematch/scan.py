"""Whole-register duplicate scan and ranking of name-search results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from caseapp.people.namematch.keys import keys_for_tokens, query_tokens
from caseapp.people.namematch.phonetic import token_similarity
from caseapp.people.namematch.scoring import (
    DIFFERENT_DATE,
    DUPLICATE_THRESHOLD,
    TOKEN_MATCH,
    Comparison,
    PersonFacts,
    Prepared,
    birth_evidence,
    compare_prepared,
    name_evidence,
    names_rule_out,
    prepare,
    prepare_cached,
)


def _candidate_pairs(people: list[Prepared], keys_of: list[frozenset[str]]) -> set[int]:
    """Index pairs (encoded i * n + j, i < j) sharing a key, birth years at most one apart."""
    n = len(people)
    buckets: dict[str, list[int]] = defaultdict(list)
    for index, keys in enumerate(keys_of):
        for key in keys:
            buckets[key].append(index)
    years = [p.year for p in people]
    pairs: set[int] = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        dated = sorted((m for m in members if years[m] is not None), key=years.__getitem__)
        for x, i in enumerate(dated):
            limit = years[i] + 1
            for j in dated[x + 1 :]:
                if years[j] > limit:
                    break
                pairs.add(i * n + j if i < j else j * n + i)
        for i in members:
            if years[i] is None:
                pairs.update(i * n + j if i < j else j * n + i for j in members if j != i)
    return pairs


def find_duplicates(
    records: Iterable[PersonFacts], stats: dict[str, int] | None = None
) -> list[tuple[int, int, Comparison]]:
    """Likely duplicate pairs (lower id first), best score first, then by ids.

    Blocking in memory: candidates share a blocking key and have birth years at most one
    apart (farther years are capped below the threshold by `compare`, so skipping them loses
    nothing). Pairs whose full birth dates differ, or whose names cannot match, are ruled
    out before the full comparison. Pass a dict as `stats` to receive the counts of
    records, candidate and scored pairs.
    """
    people = [prepare(r) for r in records]
    keys_of = [
        keys_for_tokens(p.tokens[: p.n_given], p.tokens[p.n_given :], p.original) for p in people
    ]
    candidates = _candidate_pairs(people, keys_of)
    n = len(people)
    found: list[tuple[int, int, Comparison]] = []
    scored = 0
    for code in candidates:
        person, other = people[code // n], people[code % n]
        birth = birth_evidence(person, other)
        if birth[0] <= DIFFERENT_DATE:
            continue  # see `dates_rule_out`
        scored += 1
        names = name_evidence(person, other)
        if names_rule_out(person, other, names):
            continue
        comparison = compare_prepared(person, other, birth, names)
        if comparison.score >= DUPLICATE_THRESHOLD:
            low, high = sorted((person.id, other.id))
            found.append((low, high, comparison))
    if stats is not None:
        stats.update(records=n, candidate_pairs=len(candidates), scored_pairs=scored)
    found.sort(key=lambda item: (-item[2].score, item[0], item[1]))
    return found


def _best(token: str, names: tuple[str, ...]) -> float:
    return max((token_similarity(token, name) for name in names), default=0.0)


def search_score(query: str, facts: PersonFacts) -> float:
    """0..1: how well a free-text name query matches the person's names, in any script.

    Every query word counts by its best match among the person's names (Latin or original
    script); persons whose names the query covers completely, and in the written order,
    rank first.
    """
    tokens = query_tokens(query)
    if not tokens:
        return 0.0
    person: Prepared = prepare_cached(facts)
    names = person.tokens + person.original
    if not names:
        return 0.0
    best = [_best(t, names) for t in tokens]
    covered = sum(1 for name in person.tokens if _best(name, tokens) >= TOKEN_MATCH)
    coverage = covered / len(person.tokens) if person.tokens else 0.0
    in_order = bool(person.tokens) and token_similarity(tokens[0], person.tokens[0]) >= TOKEN_MATCH
    score = 0.85 * sum(best) / len(best) + 0.12 * coverage + 0.03 * in_order
    return round(min(1.0, score), 4)
