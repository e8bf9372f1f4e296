"""The search box: index keys of a person's names and the ranking of hits with reasons (pure).

Every word of every name is stored twice: as written (normalised, "w:rania") for exact and
prefix lookups, and as its transliteration skeleton ("s:rn") for spelling variants in any
script. A query word matches a person when one of the person's keys is the word, starts with
it, or shares its skeleton; `explain` then says how well and why.
"""

from __future__ import annotations

from functools import lru_cache

from caseapp.people.namematch.phonetic import token_similarity, token_skeletons
from caseapp.people.namematch.query import Query
from caseapp.people.namematch.scoring import TOKEN_MATCH, PersonFacts
from caseapp.people.namematch.script import is_arabic, normalise, tokenise

WORD = "w:"
SOUND = "s:"
MAX_KEY = 64
MIN_PREFIX = 2  # one letter would match a twentieth of the register
MIN_SOUND = 3  # skeletons of shorter words ("al", "li") match far too many names
# Below this a query word does not describe the person's name at all (Rana for Rania).
WORD_MATCH = 0.6


def _words(given: str, family: str, original: str) -> tuple[set[str], set[str]]:
    """(Latin words, original-script words): as written and as tokenised (compounds joined)."""
    latin = set(normalise(given).split()) | set(normalise(family).split())
    latin |= set(tokenise(given)) | set(tokenise(family))
    script = set(normalise(original).split()) | set(tokenise(original))
    return {w for w in latin if w}, {w for w in script if w}


def search_keys(given_name: str, family_name: str, original_name: str = "") -> set[str]:
    """Keys to store for a person so that the search box finds them by any word of any name."""
    latin, script = _words(given_name, family_name, original_name)
    keys = set()
    for word in latin | script:
        keys.add(WORD + word[: MAX_KEY - len(WORD)])
        if len(word) >= MIN_SOUND:
            keys.update(SOUND + s[: MAX_KEY - len(SOUND)] for s in token_skeletons(word))
    return keys


def word_keys(word: str) -> tuple[str, str, tuple[str, ...]]:
    """For one query word: the exact key, the prefix to look up ("" if too short), skeleton keys."""
    exact = WORD + word[: MAX_KEY - len(WORD)]
    prefix = exact if len(word) >= MIN_PREFIX else ""
    sounds = (
        tuple(SOUND + s[: MAX_KEY - len(SOUND)] for s in token_skeletons(word))
        if len(word) >= MIN_SOUND
        else ()
    )
    return exact, prefix, sounds


def prefix_end(prefix: str) -> str:
    """The smallest string after every string starting with `prefix` (for a range lookup)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _best(word: str, names: tuple[tuple[str, str], ...]) -> tuple[float, str]:
    """How well one query word matches the person's words ((word, field) pairs; field is
    "family", "given" or "script"), and the reason."""
    best, reason = 0.0, ""
    for name, field in names:
        if name == word:
            return 1.0, "name_exact"
        if len(word) >= MIN_PREFIX and name.startswith(word):
            score, why = 0.75 + 0.2 * len(word) / len(name), "name_start"
        else:
            sim = token_similarity(word, name)
            if sim < TOKEN_MATCH:
                continue
            score = 0.95 * sim
            if field == "script" or is_arabic(word):
                why = "arabic_spelling"
            else:
                why = "variant_family" if field == "family" else "variant_given"
        if score > best:
            best, reason = score, why
    return best, reason


@lru_cache(maxsize=65536)
def _person_words(
    given: str, family: str, original: str
) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """A person's words as `explain` compares them, (word, field) with field "family",
    "given" (a word in both is the given name's) or "script", and the name's tokens in
    order; names repeat, so each is split once per worker."""
    latin: dict[str, str] = {}
    for field, text in (("family", family), ("given", given)):
        for word in set(normalise(text).split()) | set(tokenise(text)):
            latin[word] = field
    _unused, script = _words("", "", original)
    names = (*latin.items(), *((word, "script") for word in script))
    return names, tokenise(given) + tokenise(family)


def explain(query: Query, person: PersonFacts) -> tuple[float, tuple[str, ...]]:
    """0..1 and the reasons a person is a hit for the query's names and birth date.

    0 when a query word matches none of the person's names (the index found them through a
    skeleton shared by a different name: Rana for Rania). Names covered in full, in the
    typed order, rank first.
    """
    reasons: list[str] = []
    if query.names:
        names, tokens = _person_words(person.given_name, person.family_name, person.original_name)
        bests = []
        for word in query.names:
            score, why = _best(word, names)
            if score < WORD_MATCH:
                return 0.0, ()
            bests.append(score)
            if why not in reasons:
                reasons.append(why)
        covered = sum(
            1
            for t in tokens
            if any(t == w or token_similarity(t, w) >= TOKEN_MATCH for w in query.names)
        )
        coverage = covered / len(tokens) if tokens else 0.0
        in_order = bool(tokens) and (
            tokens[0] == query.names[0]
            or token_similarity(tokens[0], query.names[0]) >= TOKEN_MATCH
        )
        score = 0.85 * sum(bests) / len(bests) + 0.12 * coverage + 0.03 * in_order
    else:
        score = 0.9
    if query.birth_year:
        if query.birth_day and (person.birth_month, person.birth_day) == (
            query.birth_month,
            query.birth_day,
        ):
            reasons.append("same_birth_date")
        elif person.birth_year == query.birth_year:
            reasons.append("same_birth_year")
    return round(min(1.0, score), 4), tuple(reasons)
