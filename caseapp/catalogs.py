"""Catalog checks: complete, not fuzzy, placeholders and plurals right (tests and CLI)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{(\w*)\}")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")


def _placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


def _tags(text: str) -> list[str]:
    return sorted(TAG.findall(text))


def catalog_problems(code: str, template_ids: set[str] | None = None) -> list[str]:
    """Human-readable problems with one language's catalog (empty list: all good)."""
    path = TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return [f"{code}: {path} is missing"]
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=code)
    problems = []
    seen = set()
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        seen.add(msgid)
        label = f"{code}: {msgid[:60]!r}"
        if message.fuzzy:
            problems.append(f"{label} is fuzzy")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"{label} is untranslated or misses plural forms")
            continue
        if isinstance(message.id, tuple) and len(strings) != catalog.num_plurals:
            problems.append(f"{label} has {len(strings)} plural forms, needs {catalog.num_plurals}")
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = _placeholders(ids[-1])
        for s in strings:
            got = _placeholders(s)
            # A plural form may drop the number (e.g. Arabic dual "two entries"), never add one.
            if isinstance(message.id, tuple):
                if not set(got) <= set(wanted) | set(_placeholders(ids[0])):
                    problems.append(f"{label} uses placeholders {got}, msgid has {wanted}")
            elif got != wanted:
                problems.append(f"{label} uses placeholders {got}, msgid has {wanted}")
            if _tags(s) != _tags(ids[-1]):
                problems.append(f"{label} changes HTML tags")
    if template_ids is not None:
        missing = sorted(template_ids - seen)
        for msgid in missing:
            problems.append(f"{code}: {msgid[:60]!r} is in the code but not in the catalog")
    return problems


def extract_ids() -> set[str]:
    """Extract msgids from the source tree as `pybabel extract` would."""
    from babel.messages.extract import extract_from_dir

    keywords = {"_": None, "_l": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
    method_map = [
        ("caseapp/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    ids: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map=method_map,
        keywords=keywords,
        options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids
