"""The words profiles are written in: language levels, weekly time slots and free-text words,
each turned into the small values the scoring compares (ranks, slot numbers, word sets)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

# CEFR levels ranked 1..7; 0 means "does not speak it" (or an unknown level word).
LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2", "native")
NATIVE_RANK = len(LEVELS)
# The volunteer sign-up form records coarse words; adapters may pass them unchanged.
_LEVEL_WORDS = {"basic": 2, "good": 4, "fluent": 5, "muttersprache": 7, "mother tongue": 7}

DAYPARTS = ("morning", "afternoon", "evening")
# Adapters map "available any time" to this set: an empty set means never available.
ALL_SLOTS = frozenset((day, part) for day in range(7) for part in DAYPARTS)


@lru_cache(maxsize=4096)
def level_rank(level: str | None) -> int:
    """1 (A1) .. 7 (native); 0 for a missing or unknown level."""
    if not level:
        return 0
    word = str(level).strip()
    if word.upper() in LEVELS[:-1]:
        return LEVELS.index(word.upper()) + 1
    word = word.casefold()
    return NATIVE_RANK if word == "native" else _LEVEL_WORDS.get(word, 0)


def norm(text: str) -> str:
    return str(text).strip().casefold()


def usable_languages(languages: Mapping[str, str], min_rank: int) -> dict[str, int]:
    """Language code → level rank for the languages spoken at least at min_rank."""
    ranks: dict[str, int] = {}
    for code, level in languages.items():
        rank = level_rank(level)
        if rank >= min_rank:
            key = norm(code)
            ranks[key] = max(rank, ranks.get(key, 0))
    return ranks


# (weekday, daypart) and the sign-up form's "weekday-daypart" → 0..20.
_SLOT_INDEX: dict[Any, int] = {}
for _day in range(7):
    for _i, _part in enumerate(DAYPARTS):
        _SLOT_INDEX[(_day, _part)] = _SLOT_INDEX[f"{_day}-{_part}"] = _day * 3 + _i


def slot_index(slot: Any) -> int | None:
    """0..20 for (weekday, daypart) or "weekday-daypart"; None if malformed."""
    try:
        return _SLOT_INDEX.get(slot)
    except TypeError:  # a list from JSON
        return _SLOT_INDEX.get(tuple(slot))


def slot_indices(availability: Iterable[Any]) -> frozenset[int]:
    try:
        return _slot_indices(availability)  # a round asks for the same profiles many times
    except TypeError:  # not hashable (a list from JSON)
        return _slot_indices.__wrapped__(availability)


@lru_cache(maxsize=65536)
def _slot_indices(availability: Iterable[Any]) -> frozenset[int]:
    return frozenset(i for i in map(slot_index, availability) if i is not None)


def words(items: Iterable[str]) -> frozenset[str]:
    try:
        return _words(items)
    except TypeError:
        return _words.__wrapped__(items)


@lru_cache(maxsize=65536)
def _words(items: Iterable[str]) -> frozenset[str]:
    return frozenset(w for w in map(norm, items) if w)
