"""Validation of person data by allow-list: ISO codes, dates, scripts (pure apart from gettext)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from babel import Locale

from caseapp.core.csvsafe import starts_like_formula
from caseapp.core.errors import ValidationFailed
from caseapp.i18n import _, ascii_digits
from caseapp.people.vocab import LANGUAGE_LEVELS, RESIDENCE_STATUS, SEX

_PHONE = re.compile(r"^\+?[0-9 ()/-]{4,30}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
AZR_DIGITS = re.compile(r"[0-9]{12}")

# Identity details as the papers give them (any script): place of birth, parents' names.
PAPER_FIELDS = ("birth_place", "father_name", "mother_name")


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    return frozenset(c for c in Locale("en").territories if len(c) == 2 and c.isalpha())


@lru_cache(maxsize=1)
def language_codes() -> frozenset[str]:
    return frozenset(c for c in Locale("en").languages if len(c) == 2 and c.isalpha())


_PLAIN_LATIN = re.compile(r"^[A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF '.\-]*$")


def is_latin(text: str) -> bool:
    """Letters must be Latin (with diacritics); spaces, hyphens and apostrophes are fine."""
    if _PLAIN_LATIN.match(text):  # fast path for nearly every name
        return True
    for ch in text:
        if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN"):
            return False
    return True


@dataclass
class PersonData:
    given_name: str
    family_name: str
    original_name: str = ""
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    sex: str = ""
    nationalities: list[str] = field(default_factory=list)
    languages: list[dict] = field(default_factory=list)  # [{"code": "ar", "level": "native"}]
    interpreter_language: str = ""
    phone: str = ""
    email: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    district_id: int | None = None
    residence_status: str = ""
    residence_valid_until: date | None = None
    arrived_germany_on: date | None = None
    arrived_municipality_on: date | None = None
    external_id: str | None = None
    birth_place: str = ""
    father_name: str = ""
    mother_name: str = ""
    azr_number: str = ""

    def __post_init__(self):
        # Stored as digits only, whichever way it came in (form, CSV file, API).
        self.azr_number = normalise_azr(self.azr_number)


def normalise_azr(text: str | None) -> str:
    """The AZR number (Ausländerzentralregister, the Central Register of Foreigners) as stored:
    letters print it in groups ("1234 5678 9012") and phones may type Arabic-Indic digits."""
    return "".join(ascii_digits(text or "").split())


def parse_birth(text: str) -> tuple[int | None, int | None, int | None]:
    """`YYYY-MM-DD`, `DD.MM.YYYY` or `YYYY`; raises ValueError otherwise."""
    text = (text or "").strip()
    if not text:
        return None, None, None
    if re.fullmatch(r"\d{4}", text):
        return int(text), None, None
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text) or None
    if m:
        y, mo, d = (int(x) for x in m.groups())
    else:
        m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
        if not m:
            raise ValueError(text)
        d, mo, y = (int(x) for x in m.groups())
    date(y, mo, d)  # raises ValueError on 31.02.
    return y, mo, d


def format_birth(year, month, day) -> str:
    if year and month and day:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return str(year) if year else ""


def validate_person(data: PersonData, today: date) -> None:
    """Per-field reasons (ValidationFailed) why `data` cannot be saved as a person."""
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    for name in ("given_name", "family_name", "original_name"):
        if starts_like_formula(getattr(data, name)):
            add(name, _("A name cannot start with =, +, - or @."))
    for name in ("given_name", "family_name"):
        value = getattr(data, name)
        if name in errors:
            continue
        if not value.strip():
            add(name, _("Please enter a name; spaces alone are not a name."))
        elif not is_latin(value):
            add(
                name,
                _("Use Latin letters as in the passport; the original script has its own field."),
            )
        elif len(value) > 120:
            add(name, _("Use at most %(n)d characters.", n=120))
    if len(data.original_name) > 240:
        add("original_name", _("Use at most %(n)d characters.", n=240))
    for name in PAPER_FIELDS:
        value = getattr(data, name)
        if starts_like_formula(value):
            add(name, _("A name cannot start with =, +, - or @."))
        elif len(value) > 120:
            add(name, _("Use at most %(n)d characters.", n=120))
    if data.azr_number and not AZR_DIGITS.fullmatch(data.azr_number):
        add("azr_number", _("An AZR number has 12 digits. Spaces between them are fine."))
    if data.birth_year is not None:
        if data.birth_year < 1900:
            add("birth_date", _("The birth date is too far in the past."))
        else:
            known = date(data.birth_year, data.birth_month or 1, data.birth_day or 1)
            if known > today or data.birth_year > today.year:
                add("birth_date", _("The birth date cannot be in the future."))
    if data.sex not in SEX:
        add("sex", _("Choose one of the offered values."))
    bad = [c for c in data.nationalities if c not in country_codes()]
    if bad:
        add("nationalities", _("Unknown country code: %(codes)s", codes=", ".join(bad)))
    for entry in data.languages:
        if entry.get("code") not in language_codes():
            add("languages", _("Unknown language code: %(codes)s", codes=entry.get("code", "")))
        elif entry.get("level") not in LANGUAGE_LEVELS:
            add("languages", _("Choose a level from A1 to C2 or native."))
    if data.interpreter_language and data.interpreter_language not in language_codes():
        add(
            "interpreter_language",
            _("Unknown language code: %(codes)s", codes=data.interpreter_language),
        )
    if data.phone and not _PHONE.match(data.phone):
        add("phone", _("Use digits, spaces and + ( ) / - only."))
    if data.email and not _EMAIL.match(data.email):
        add("email", _("Enter a valid e-mail address."))
    if data.residence_status and data.residence_status not in RESIDENCE_STATUS:
        add("residence_status", _("Choose one of the offered values."))
    for name in ("arrived_germany_on", "arrived_municipality_on"):
        value = getattr(data, name)
        if value and value > today:
            add(name, _("This date cannot be in the future."))
    if (
        data.arrived_germany_on
        and data.arrived_municipality_on
        and data.arrived_municipality_on < data.arrived_germany_on
    ):
        add(
            "arrived_municipality_on",
            _("Arrival in the municipality cannot be before arrival in Germany."),
        )
    if errors:
        raise ValidationFailed(errors)
