"""The shipped list of languages with their dialects or varieties (data, named in de/ar/tr/en).

A variety code is what interpreters speak and appointments may ask for; each belongs to an
ISO 639-1 language, the code appointments store as `interpreter_language`. A language with
one entry whose code is the language itself (Turkish "tr") has no varieties to tell apart.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "varieties.json"


@cache
def varieties() -> tuple[dict, ...]:
    return tuple(json.loads(_DATA.read_text(encoding="utf-8")))


@cache
def by_code() -> dict[str, dict]:
    return {v["code"]: v for v in varieties()}


def language_of(code: str) -> str:
    entry = by_code().get(code)
    return entry["language"] if entry else code


def name(code: str, language: str) -> str:
    entry = by_code().get(code)
    if entry is None:
        return code
    return entry.get(language) or entry["en"]


def is_variety(code: str) -> bool:
    """Whether the code names a variety of a language that has several (Levantine Arabic)."""
    entry = by_code().get(code)
    return entry is not None and entry["code"] != entry["language"]


def choices(language: str) -> list[tuple[str, str]]:
    """(code, name) of every entry, for the interpreter's languages and an appointment's wish."""
    return sorted(((v["code"], name(v["code"], language)) for v in varieties()), key=lambda c: c[1])


def stored(code: str) -> str:
    """The form kept on an interpreter: "ar:ar-levant" for a variety, "tr:" for a language."""
    lang = language_of(code)
    return f"{lang}:{code if is_variety(code) else ''}"


def parse(value: str) -> tuple[str, str]:
    """("ar", "ar-levant") from "ar:ar-levant"; ("tr", "") from "tr:"."""
    lang, _sep, variety = value.partition(":")
    return lang, variety
