"""What the duplicate engine reads of a person: the columns, the facts and evidence built from
them (the stored scan and the registration hint alike), and `among`, the id filter both use."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from sqlalchemy import Connection, Integer, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY

from caseapp.extensions import db
from caseapp.people import namematch
from caseapp.people.models import Person
from caseapp.people.namematch import evidence as ev
from caseapp.people.namematch.script import tokenise

_STREET_SUFFIX = re.compile(r"(str)(?:asse|\.)?(?=\d|$)")


@lru_cache(maxsize=131072)  # the scan loads a person again in each batch with their keys
def _address(street: str, postcode: str) -> str:
    """Street, house number and postcode, compared as one: "Lennestraße 5" = "Lennestr. 5"."""
    text = unicodedata.normalize("NFKD", (street or "").casefold().replace("ß", "ss"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _STREET_SUFFIX.sub("strasse", re.sub(r"[^\w.]+|_", "", text)).replace(".", "")
    code = "".join((postcode or "").split())
    return f"{text}|{code}" if text else ""


def _digits(value: str) -> str:
    return "".join(c for c in value or "" if c.isdigit())


@lru_cache(maxsize=131072)
def _first_name(name: str) -> str:
    tokens = tokenise(name or "")
    return tokens[0] if tokens else ""


@lru_cache(maxsize=16384)
def _place(place: str) -> tuple[str, ...]:
    return tokenise(place or "")


def evidence_of(
    *,
    phone_digits: str,
    email: str,
    street: str,
    postcode: str,
    nationalities,
    arrived,
    azr_number: str = "",
    birth_place: str = "",
    father_name: str = "",
    mother_name: str = "",
) -> ev.Evidence:
    """A person's evidence as the duplicate engine compares it (household aside)."""
    return ev.Evidence(
        phone=phone_digits if len(phone_digits or "") >= 6 else "",
        email=(email or "").strip().lower(),
        address=_address(street, postcode),
        nationalities=frozenset(nationalities or ()),
        arrived=arrived.toordinal() if arrived else None,
        # Stored as digits already (PersonData normalises): checked, not rebuilt (the scan
        # builds a million persons' evidence many times over).
        azr=azr_number
        if not azr_number or (azr_number.isascii() and azr_number.isdigit())
        else _digits(azr_number),
        birth_place=_place(birth_place) if birth_place else (),
        father=_first_name(father_name) if father_name else "",
        mother=_first_name(mother_name) if mother_name else "",
    )


# Evidence other packages hold about persons (appointments: who attended when). People import
# none of them: each registers a source, as the case file's sections do. A source takes a
# connection and a chunk of person ids and returns {person id: {Evidence field: value}}.
EvidenceSource = Callable[[Connection, list[int]], dict[int, dict]]
_SOURCES: list[EvidenceSource] = []


def register_evidence(source: EvidenceSource) -> EvidenceSource:
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def more_evidence(conn: Connection, ids: list[int]) -> dict[int, dict]:
    """What the registered sources know about these persons, merged per person."""
    out: dict[int, dict] = {}
    for source in _SOURCES:
        for pid, fields in source(conn, ids).items():
            out.setdefault(pid, {}).update(fields)
    return out


# What person_facts reads of a person: the comparison needs no ORM objects.
FACT_COLUMNS = (
    Person.id,
    Person.given_name,
    Person.family_name,
    Person.original_name,
    Person.birth_year,
    Person.birth_month,
    Person.birth_day,
    Person.sex,
    Person.phone_digits,
    Person.email,
    Person.street,
    Person.postcode,
    Person.nationalities,
    Person.arrived_germany_on,
    Person.azr_number,
    Person.birth_place,
    Person.father_name,
    Person.mother_name,
)
# Names, birth date and sex: what person_facts reads without the evidence.
NAME_COLUMNS = FACT_COLUMNS[:8]


def person_facts(person, *, evidence: bool = True) -> namematch.PersonFacts:
    """A person, or a row of FACT_COLUMNS, as the duplicate engine compares it; without
    `evidence`, from a row of NAME_COLUMNS (names, birth date and sex only)."""
    return namematch.PersonFacts(
        id=person.id,
        given_name=person.given_name,
        family_name=person.family_name,
        original_name=person.original_name or "",
        birth_year=person.birth_year,
        birth_month=person.birth_month,
        birth_day=person.birth_day,
        sex=person.sex or "",
        evidence=evidence_of(
            phone_digits=person.phone_digits,
            email=person.email,
            street=person.street,
            postcode=person.postcode,
            nationalities=person.nationalities,
            arrived=person.arrived_germany_on,
            azr_number=person.azr_number,
            birth_place=person.birth_place,
            father_name=person.father_name,
            mother_name=person.mother_name,
        )
        if evidence
        else None,
    )


def among(column, ids):
    """`column IN ids`; on PostgreSQL `= ANY(array)`: one parameter, not thousands to render
    and parse (at a million persons a quarter of the scan's time)."""
    if db.engine.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    return column.in_(ids)
