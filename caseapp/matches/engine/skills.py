"""Which need areas a volunteer's skills or profession cover (a small explicit table)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

# Need areas (people.vocab.NEED_AREAS) and words in a volunteer's skills or profession that
# cover them. A word matches at the start of a word ("personal" finds "Personalwesen"), words of
# up to three letters only as whole words ("hr", not "hrvatski"), and a leading "*" anywhere in
# the text (German compounds: "*lehrer" finds "Deutschlehrerin").
# fmt: off
NEED_SKILLS: dict[str, tuple[str, ...]] = {
    "work": (
        "hr", "human resources", "recruit", "personal", "job coach", "jobcoach", "career",
        "karriere", "bewerbung", "arbeitsvermittl", "employment", "*berufsberat",
    ),
    "language": (
        "teach", "*lehrer", "tutor", "daf", "language", "sprach", "linguist", "translat",
        "*übersetz", "*dolmetsch", "interpret",
    ),
    "education": (
        "teach", "*lehrer", "educat", "erzieh", "*pädagog", "school", "schul", "tutor",
        "nachhilfe", "lecturer", "dozent", "professor", "*berufsberat",
    ),
    "housing": (
        "real estate", "estate agent", "immobil", "*makler", "property", "hausverwalt",
        "craftsman", "craftsperson", "*handwerk", "carpenter", "tischler", "schreiner",
        "electrician", "elektrik", "plumber", "installateur", "architect", "architekt",
    ),
    "health": (
        "nurse", "nursing", "*pfleg", "doctor", "*arzt", "*ärzt", "physician", "medic",
        "pharma", "apothek", "therap", "health", "gesundheit", "midwife", "hebamme",
        "paramedic", "sanitäter",
    ),
    "family": (
        "social work", "*sozialarbeit", "*sozialpädagog", "erzieh", "childcare", "kita",
        "kinderbetreu", "family", "famili", "midwife", "hebamme",
    ),
    "participation": (
        "sport", "verein", "club", "music", "musik", "community", "culture", "kultur",
        "theater", "theatre", "coach", "trainer",
    ),
    "legal": ("lawyer", "*anwalt", "jurist", "legal", "paralegal", "rechts", "notar"),
    "benefits": (
        "social work", "*sozialarbeit", "accountant", "accounting", "buchhalt", "bookkeep",
        "tax", "steuer", "*verwaltung", "administration", "sachbearbeit", "jobcenter",
    ),
    "protection": (
        "social work", "*sozialarbeit", "counsel", "*beratung", "psycholog", "therap",
        "police", "polizei",
    ),
}
# fmt: on


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    if keyword.startswith("*"):
        return re.compile(re.escape(keyword[1:]))
    if len(keyword) <= 3:
        return re.compile(r"(?<!\w)" + re.escape(keyword) + r"(?!\w)")
    return re.compile(r"(?<!\w)" + re.escape(keyword))


_NEED_PATTERNS = {
    need: tuple(_keyword_pattern(k) for k in words) for need, words in NEED_SKILLS.items()
}


@lru_cache(maxsize=65536)
def skill_covers(need: str, skill: str) -> bool:
    """Whether one skill or profession text covers a need area (see NEED_SKILLS)."""
    text = skill.casefold()
    return any(p.search(text) for p in _NEED_PATTERNS.get(need, ()))


def covering_skill(need: str, skills: Iterable[str]) -> str | None:
    """The first of the volunteer's skills (profession last) that covers the need, if any."""
    return next((s for s in skills if s and skill_covers(need, s)), None)
