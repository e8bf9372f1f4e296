"""Merging two records of the same person: everything moves to the survivor, nothing is lost."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from caseapp.appointments.models import Appointment
from caseapp.audit import services as audit
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people import namematch
from caseapp.people.models import (
    AidEntry,
    CaseNeed,
    CaseStatusChange,
    CaseVulnerability,
    Consent,
    Consultation,
    HouseholdMember,
    NextStep,
    Person,
    PersonMerge,
)
from caseapp.people.services import _write_keys

# Fields the administrator chooses between (survivor "a" or removed "b").
MERGE_FIELDS = [
    "given_name",
    "family_name",
    "original_name",
    "birth",
    "sex",
    "nationalities",
    "languages",
    "interpreter_language",
    "phone",
    "email",
    "street",
    "postcode",
    "city",
    "district_id",
    "residence_status",
    "residence_valid_until",
    "arrived_germany_on",
    "arrived_municipality_on",
]


def _value(person: Person, name: str):
    if name == "birth":
        return (person.birth_year, person.birth_month, person.birth_day)
    return getattr(person, name)


def snapshot(person: Person) -> dict:
    out = {}
    for name in MERGE_FIELDS:
        value = _value(person, name)
        out[name] = value.isoformat() if isinstance(value, date) else value
    out["external_id"] = person.external_id
    out["case_number"] = person.case.case_number if person.case else None
    return out


def duplicate_pairs(limit: int | None = None) -> list[tuple[int, int, namematch.Comparison]]:
    """Likely duplicate pairs across the whole database (administrators)."""
    rows = db.session.execute(
        select(
            Person.id,
            Person.given_name,
            Person.family_name,
            Person.original_name,
            Person.birth_year,
            Person.birth_month,
            Person.birth_day,
            Person.sex,
        ).where(Person.merged_into_id.is_(None))
    )
    records = (
        namematch.PersonFacts(
            id=r[0],
            given_name=r[1],
            family_name=r[2],
            original_name=r[3] or "",
            birth_year=r[4],
            birth_month=r[5],
            birth_day=r[6],
            sex=r[7] or "",
        )
        for r in rows
    )
    pairs = namematch.find_duplicates(records)
    return pairs[:limit] if limit else pairs


def merge_people(actor, survivor: Person, removed: Person, choices: dict[str, str]) -> Person:
    """Move every consultation, aid entry, appointment, household link and consent of
    `removed` to `survivor`; keep the removed record's original values."""
    if survivor.id == removed.id or removed.merged_into_id or survivor.merged_into_id:
        raise ValidationFailed({"b": _("Choose two different records that are not merged yet.")})
    if survivor.office_id != removed.office_id and not getattr(actor, "is_admin", False):
        raise ValidationFailed({"b": _("Both persons must belong to the same office.")})
    original = snapshot(removed)
    chosen = {}
    for name in MERGE_FIELDS:
        if choices.get(name) == "b":
            value = _value(removed, name)
            if name == "birth":
                survivor.birth_year, survivor.birth_month, survivor.birth_day = value
            else:
                setattr(survivor, name, value)
            chosen[name] = "b"
    keep_case, drop_case = survivor.case, removed.case
    if keep_case and drop_case:
        for model in (Consultation, AidEntry, NextStep, CaseStatusChange):
            db.session.execute(
                update(model).where(model.case_id == drop_case.id).values(case_id=keep_case.id)
            )
        for need in drop_case.need_areas:
            if need not in keep_case.need_areas:
                keep_case.need_rows.append(CaseNeed(need=need))
        for flag in drop_case.vulnerabilities:
            if flag not in keep_case.vulnerabilities:
                keep_case.vulnerability_rows.append(CaseVulnerability(flag=flag))
        drop_case.status = "closed"
        drop_case.closed_reason = "merged"
    db.session.execute(
        update(AidEntry).where(AidEntry.person_id == removed.id).values(person_id=survivor.id)
    )
    db.session.execute(
        update(Consent).where(Consent.person_id == removed.id).values(person_id=survivor.id)
    )
    db.session.execute(
        update(Appointment).where(Appointment.person_id == removed.id).values(person_id=survivor.id)
    )
    if removed.membership is not None:
        if survivor.membership is None:
            db.session.execute(
                update(HouseholdMember)
                .where(HouseholdMember.person_id == removed.id)
                .values(person_id=survivor.id)
            )
        else:
            db.session.delete(removed.membership)
    if removed.external_id and not survivor.external_id:
        external_id, removed.external_id = removed.external_id, None
        db.session.flush()
        survivor.external_id = external_id
    removed.merged_into_id = survivor.id
    db.session.flush()
    db.session.expire(survivor)
    _write_keys(survivor)
    db.session.add(
        PersonMerge(
            survivor_id=survivor.id,
            removed_id=removed.id,
            removed_values=original,
            chosen=chosen,
            merged_by_id=getattr(actor, "id", None),
        )
    )
    audit.record(
        actor,
        "merge",
        "person",
        survivor.id,
        office_id=survivor.office_id,
        details={"removed": [removed.id, None]},
    )
    audit.record(
        actor,
        "merged_into",
        "person",
        removed.id,
        office_id=removed.office_id,
        details={"survivor": [None, survivor.id]},
    )
    return survivor
