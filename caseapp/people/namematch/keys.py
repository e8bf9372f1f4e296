"""Blocking keys: short strings two records must share to be compared at all (pure)."""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations

from caseapp.people.namematch.phonetic import token_skeletons
from caseapp.people.namematch.script import tokenise

_MAX_TOKENS = 5
_MAX_SKELETON = 18
_MIN_TYPO_LENGTH = 3


def _pair(a: str, b: str) -> str:
    a, b = a[:_MAX_SKELETON], b[:_MAX_SKELETON]
    return f"n:{a}|{b}" if a <= b else f"n:{b}|{a}"


def _neighbours(skeleton: str) -> set[str]:
    """Skeletons one consonant away: deletions, or for three consonants a wildcard ("h?n").

    Deleting from a three-consonant skeleton leaves two letters ("hs"), shared by too many
    names; substitutions are the common typing error there, insertions make it four long.
    """
    if len(skeleton) == _MIN_TYPO_LENGTH:
        return {skeleton[:i] + "?" + skeleton[i + 1 :] for i in range(len(skeleton))}
    if len(skeleton) > _MIN_TYPO_LENGTH:
        return {skeleton[:i] + skeleton[i + 1 :] for i in range(len(skeleton))}
    return set()


def _typo_keys(anchor: str, other: str) -> set[str]:
    keys = {_pair(anchor, d) for d in _neighbours(other)}
    keys.update(_pair(d, other) for d in _neighbours(anchor))
    return keys


def _skeletons(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Per token the skeletons of its readings (most tokens have one)."""
    return [s for s in (token_skeletons(t) for t in tokens) if s]


def _pair_keys(skeletons: list[tuple[str, ...]]) -> set[str]:
    if len(skeletons) == 1:
        return {f"n:{s[:_MAX_SKELETON]}" for s in skeletons[0]}
    return {
        _pair(a, b) for xs, ys in combinations(skeletons[:_MAX_TOKENS], 2) for a in xs for b in ys
    }


def _typo_keys_all(xs: tuple[str, ...], ys: tuple[str, ...]) -> set[str]:
    return {key for x in xs for y in ys for key in _typo_keys(x, y)}


@lru_cache(maxsize=65536)
def keys_for_tokens(
    given: tuple[str, ...], family: tuple[str, ...], original: tuple[str, ...] = ()
) -> frozenset[str]:
    names = _skeletons(given[:3] + family[:2])
    keys = _pair_keys(names)
    if names:
        first, family_skeletons = names[0], _skeletons(family[:2])
        partners = family_skeletons or names[1:]
        for partner in partners:
            keys |= _typo_keys_all(first, partner)
        if len(given) >= 2:
            joined = token_skeletons("".join(given[:2]))
            keys.update(_pair(j, f) for j in joined for fs in family_skeletons for f in fs)
            if not family_skeletons:
                keys.update(f"n:{j[:_MAX_SKELETON]}" for j in joined)
        if len(family) >= 2:  # Ait Ali / Aitali, Tesfa Mariam / Tesfamariam
            joined = token_skeletons("".join(family[:2]))
            keys.update(_pair(j, f) for j in joined for f in first)
    if original:
        keys |= _pair_keys(_skeletons(original[:3] + original[3:][-1:]))
    return frozenset(keys)


def blocking_keys(given_name: str, family_name: str, original_name: str = "") -> set[str]:
    """Keys to store for a person; records sharing none are never compared.

    Design (recall first, without keys that return a tenth of the table):

    * Keys are built from token *skeletons*, so every transliteration variant of a name gives
      the same key (Mohammed, Muhammad, محمد → "mhmt").
    * A single name is never a key: Mohammed alone would put ~10 % of all Syrian and Afghan
      records into one bucket. Every key combines two names as an unordered pair
      ("n:hsn|mhmt"), which also covers swapped given and family names and, because all pairs
      of up to five names are used, a missing middle name.
    * Neighbouring given names are joined once more (Ahmad Shah / Ahmadshah).
    * One-letter typos: the pair of the first name and each family name also appears with one
      consonant of either side deleted (Barakat/Barakar: "n:brk|hmz"), or for three-consonant
      skeletons replaced by "?" (Hasan/Hasam: "n:hs?|mhmt"). Two-consonant skeletons
      (Ali → "al") get neither, they would match half the alphabet.
    * The name in original script gives its own pairs in the same key space, so records whose
      Latin renderings differ, or a query typed in Arabic, still meet.
    * A person with a single name gets the single-name key "n:<skeleton>"; it is the only key
      a one-word query can produce, so one-word searches find only such persons — search a
      single family name through the name columns instead.

    Keys are at most 40 characters (skeletons are cut to 18).
    """
    return set(
        keys_for_tokens(tokenise(given_name), tokenise(family_name), tokenise(original_name))
    )


def query_tokens(query: str) -> tuple[str, ...]:
    """Tokens of a free-text name query; "Family, Given" is turned round to "Given Family"."""
    if "," in query:
        family, _, given = query.partition(",")
        query = f"{given} {family}"
    return tokenise(query)


def query_keys(query: str) -> set[str]:
    """Keys for a free-text name query, in the same key space as `blocking_keys`.

    The query's field boundaries are unknown, so every pair gets the typo keys and every
    neighbouring pair is joined once.
    """
    tokens = query_tokens(query)[:_MAX_TOKENS]
    skeletons = _skeletons(tokens)
    keys = _pair_keys(skeletons) if skeletons else set()
    for a, b in combinations(skeletons, 2):
        keys |= _typo_keys_all(a, b)
    for i in range(len(tokens) - 1):
        joined = token_skeletons(tokens[i] + tokens[i + 1])
        others = skeletons[:i] + skeletons[i + 2 :]
        keys.update(_pair(j, o) for j in joined for os in others for o in os)
        if not others:
            keys.update(f"n:{j[:_MAX_SKELETON]}" for j in joined)
    return keys
