"""What a search box query asks for: a case number, a phone number, a birth date, names (pure)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from caseapp.people.namematch.script import normalise

MAX_QUERY = 200  # characters looked at; a pasted page of text is cut, not refused
MAX_NAME_TOKENS = 5
# Case numbers: L + two-digit year + six letters/digits without 0/O and 1/I (L26-4YQ3R6).
CASE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_CASE_NUMBER = re.compile(rf"L?(\d\d)([{CASE_ALPHABET}]{{6}})")
_CASE_BODY = re.compile(rf"[{CASE_ALPHABET}]{{6}}")
# Arabic-Indic and Persian digits, typed on Arabic and Dari keyboards.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Direction marks, zero-width characters and the byte order mark: invisible, never a name.
_INVISIBLE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_YEAR = re.compile(r"(19|20)\d\d")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})\.(\d{1,2})\.(\d{4})")
_PHONE = re.compile(r"\+?[\d ()/.\-]{6,}")


@dataclass(frozen=True)
class Query:
    """A search box query taken apart. `names` are normalised name words, in typed order."""

    text: str
    names: tuple[str, ...] = ()
    case_number: str = ""  # a full case number, "L26-4YQ3R6"
    case_body: str = ""  # six characters that may be a case number without its year
    phone: str = ""  # digits as typed (the service turns them into its phone key)
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    hint: str = ""  # "empty", "too_short" or "" (a reason why nothing can be looked up)

    @property
    def birth(self) -> tuple[int | None, int | None, int | None]:
        return self.birth_year, self.birth_month, self.birth_day

    @property
    def searchable(self) -> bool:
        return bool(self.names or self.case_number or self.case_body or self.phone) or bool(
            self.birth_year
        )


def clean(text: str) -> str:
    """The query as the user meant it: NFKC, invisible marks gone, Western digits, one space."""
    text = unicodedata.normalize("NFKC", (text or "")[: MAX_QUERY * 2])
    text = _INVISIBLE.sub("", text).translate(_DIGITS)
    return " ".join(text.split())[:MAX_QUERY]


def _date(match: re.Match) -> tuple[int, int, int] | None:
    y, mo, d = (match.group(1), match.group(2), match.group(3))
    if y is None:
        d, mo, y = match.group(4), match.group(5), match.group(6)
    try:
        date(int(y), int(mo), int(d))
    except ValueError:
        return None
    return int(y), int(mo), int(d)


def parse_query(text: str) -> Query:
    """Take a free-text query apart; never raises, whatever is typed."""
    cleaned = clean(text)
    if not cleaned:
        return Query(text="", hint="empty")
    compact = re.sub(r"[\s\-_./]", "", cleaned).upper()
    number = _CASE_NUMBER.fullmatch(compact)
    if number and (compact[0] == "L" or not number.group(2).isdigit()):
        return Query(text=cleaned, case_number=f"L{number.group(1)}-{number.group(2)}")
    digits = re.sub(r"\D", "", cleaned)
    if _PHONE.fullmatch(cleaned) and len(digits) >= 6 and not _DATE.fullmatch(cleaned):
        return Query(text=cleaned, phone=cleaned)
    year = month = day = None
    rest = cleaned
    found = _DATE.search(rest)
    if found and _date(found):
        year, month, day = _date(found)
        rest = rest[: found.start()] + " " + rest[found.end() :]
    else:
        for word in rest.split():
            if _YEAR.fullmatch(word):
                year = int(word)
                rest = rest.replace(word, " ", 1)
                break
    body = _CASE_BODY.fullmatch(compact) if " " not in cleaned and year is None else None
    if body and any(c.isdigit() for c in compact):
        return Query(text=cleaned, case_body=body.group())  # "4YQ3R6" is no name
    names = tuple(normalise(rest).split())[:MAX_NAME_TOKENS]
    query = Query(
        text=cleaned,
        names=names,
        case_body=body.group() if body else "",
        birth_year=year,
        birth_month=month,
        birth_day=day,
    )
    if not query.searchable:
        return Query(text=cleaned, hint="empty")
    if names and not year and not query.case_body and max(len(n) for n in names) < 2:
        return Query(text=cleaned, hint="too_short")
    return query
