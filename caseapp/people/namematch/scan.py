"""Whole-register duplicate scan and ranking of name-search results."""

from __future__ import annotations

from collections import Counter, defaultdict
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
    prepare,
    prepare_cached,
)


def find_duplicates(
    records: Iterable[PersonFacts], stats: dict[str, int] | None = None
) -> list[tuple[int, int, Comparison]]:
    """Likely duplicate pairs (lower id first), best score first, then by ids.

    Blocking in memory: candidates share a blocking key and have birth years at most one
    apart (farther years are capped below the threshold by `compare`, so skipping them loses
    nothing). Pairs whose full birth dates differ are ruled out before the name comparison.
    Pass a dict as `stats` to receive the counts of records, candidate and scored pairs.
    """
    people = [prepare(r) for r in records]
    keys_of = [
        keys_for_tokens(p.tokens[: p.n_given], p.tokens[p.n_given :], p.original) for p in people
    ]
    counts = Counter(k for keys in keys_of for k in keys)
    # (key, year) buckets: a record with a year looks at year-1..year+1 and the unknown year;
    # a record without a year looks at every year of the key.
    by_year: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    by_key: dict[str, list[int]] = defaultdict(list)
    for index, keys in enumerate(keys_of):
        shared = [k for k in keys if counts[k] > 1]
        keys_of[index] = shared
        year = people[index].year
        for key in shared:
            by_year[key, year].append(index)
            by_key[key].append(index)

    found: list[tuple[int, int, Comparison]] = []
    candidates = scored = 0
    for index, person in enumerate(people):
        year = person.year
        others: set[int] = set()
        for key in keys_of[index]:
            if year is None:
                others.update(by_key[key])
            else:
                for bucket_year in (year - 1, year, year + 1, None):
                    others.update(by_year.get((key, bucket_year), ()))
        others = {j for j in others if j > index}
        candidates += len(others)
        for j in others:
            other = people[j]
            birth = birth_evidence(person, other)
            if birth[0] <= DIFFERENT_DATE:
                continue  # see `dates_rule_out`
            scored += 1
            comparison = compare_prepared(person, other, birth)
            if comparison.score >= DUPLICATE_THRESHOLD:
                low, high = sorted((person.id, other.id))
                found.append((low, high, comparison))
    if stats is not None:
        stats.update(records=len(people), candidate_pairs=candidates, scored_pairs=scored)
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
