"""Registering, reading and changing one person; every read and change is audited."""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict
from datetime import date

from sqlalchemy import Select, delete, select

from caseapp.audit import services as audit
from caseapp.auth import scope
from caseapp.core.clock import utcnow
from caseapp.core.errors import NotFound, StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people import namematch
from caseapp.people.models import (
    Case,
    CaseStatusChange,
    Person,
    PersonNameKey,
)
from caseapp.people.validation import PersonData, validate_person

CASE_NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def _scope(stmt: Select, actor) -> Select:
    stmt = stmt.where(Person.merged_into_id.is_(None))
    return scope.scoped(stmt, Person.office_id, actor)


def new_case_number() -> str:
    """Human-readable and unique, random so it says nothing and cannot be guessed."""
    while True:
        body = "".join(secrets.choice(CASE_NUMBER_ALPHABET) for _ in range(6))
        number = f"L{utcnow():%y}-{body}"
        if not db.session.scalar(select(Case.id).where(Case.case_number == number)):
            return number


def _apply(person: Person, data: PersonData) -> None:
    for name, value in asdict(data).items():
        if name == "external_id" and value is None:
            continue
        setattr(person, name, value)
    person.family_name_norm = namematch.normalise(data.family_name)[:120]
    person.phone_digits = phone_key(data.phone)


def phone_key(phone: str | None) -> str:
    """Digits without the German country code or trunk 0: "+49 171 23", "0171 23" -> "17123"."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0049"):
        digits = digits[4:]
    elif digits.startswith("49") and (phone or "").lstrip().startswith("+"):
        digits = digits[2:]
    return digits.lstrip("0")


def _write_keys(person: Person) -> None:
    from caseapp.people.services.finder import write_search_keys

    db.session.execute(delete(PersonNameKey).where(PersonNameKey.person_id == person.id))
    for key in sorted(
        namematch.blocking_keys(person.given_name, person.family_name, person.original_name or "")
    ):
        db.session.add(PersonNameKey(person_id=person.id, key=key[:40]))
    write_search_keys(person)


def register_person(
    actor, data: PersonData, *, office_id: int, caseworker_id: int | None, today: date
) -> Person:
    """Create the person and their case at the given office."""
    validate_person(data, today)
    if not scope.can_see(actor, office_id):
        raise ValidationFailed({"office": _("You can only register persons for your own offices.")})
    person = Person(office_id=office_id, given_name="", family_name="")
    _apply(person, data)
    db.session.add(person)
    db.session.flush()
    _write_keys(person)
    case = Case(
        case_number=new_case_number(),
        person_id=person.id,
        office_id=office_id,
        caseworker_id=caseworker_id,
        status="open",
    )
    db.session.add(case)
    db.session.flush()
    db.session.add(
        CaseStatusChange(case_id=case.id, to_status="open", by_id=getattr(actor, "id", None))
    )
    audit.record(
        actor, "create", "person", person.id, office_id=office_id, purpose="case_management"
    )
    return person


def get_person(
    actor, person_id: int, *, purpose: str = "case_management", audit_read: bool = True
) -> Person:
    """The person if the actor may see them; every read is audited in the same transaction."""
    person = db.session.scalar(_scope(select(Person).where(Person.id == person_id), actor))
    if person is None:
        raise NotFound()
    if audit_read:
        audit.record(
            actor, "view", "person", person.id, office_id=person.office_id, purpose=purpose
        )
    return person


def update_person(
    actor, person: Person, data: PersonData, loaded_version: int | None, today: date
) -> Person:
    if loaded_version != person.version:
        raise StaleVersion(person)
    validate_person(data, today)
    before = {k: str(v) for k, v in asdict(_as_data(person)).items()}
    _apply(person, data)
    after = {k: str(v) for k, v in asdict(_as_data(person)).items()}
    changes = audit.diff(before, after)
    if changes:
        person.updated_at = utcnow()
        db.session.flush()
        _write_keys(person)
        audit.record(
            actor,
            "update",
            "person",
            person.id,
            office_id=person.office_id,
            details={k: ["…", "…"] for k in changes},
        )  # which fields, not the values
    return person


def _as_data(person: Person) -> PersonData:
    return PersonData(**{k: getattr(person, k) for k in PersonData.__dataclass_fields__})
