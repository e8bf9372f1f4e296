"""Merging two records of the same person: everything moves to the survivor, nothing is lost."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from caseapp.audit import services as audit
from caseapp.core.errors import ValidationFailed
from caseapp.core.signals import declare_merge_handled, person_merged, unhandled_person_references
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people.models import Person, PersonMerge

# The merge itself answers for these: it marks the removed record and keeps what it removed.
declare_merge_handled(
    "persons.merged_into_id",
    "person_merges.survivor_id",
    "person_merges.removed_id",
    by=__name__,
)

# Fields the administrator chooses between (survivor "a" or removed "b").
MERGE_FIELDS = [
    "given_name",
    "family_name",
    "original_name",
    "birth",
    "birth_place",
    "father_name",
    "mother_name",
    "azr_number",
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


def is_empty(value) -> bool:
    return value in (None, "", [], (None, None, None))


def preferred_choice(a: Person, b: Person, name: str) -> str:
    """The record whose value a field keeps unless chosen otherwise: "a", or "b" when only
    "b" has one, so a value on one record only is never lost by default."""
    return "b" if is_empty(_value(a, name)) and not is_empty(_value(b, name)) else "a"


def snapshot(person: Person) -> dict:
    out = {}
    for name in MERGE_FIELDS:
        value = _value(person, name)
        out[name] = value.isoformat() if isinstance(value, date) else value
    out["external_id"] = person.external_id
    out["case_number"] = person.case.case_number if person.case else None
    return out


def merge_people(actor, survivor: Person, removed: Person, choices: dict[str, str]) -> Person:
    """Move everything of `removed` to `survivor` and keep the removed record's original values.

    Every package moves its own rows in its `person_merged` receiver (caseapp.core.signals),
    inside this transaction; what each moved is summed into the audit entry of the merge.
    """
    if survivor.id == removed.id or removed.merged_into_id or survivor.merged_into_id:
        raise ValidationFailed({"b": _("Choose two different records that are not merged yet.")})
    if survivor.office_id != removed.office_id and not getattr(actor, "is_admin", False):
        raise ValidationFailed({"b": _("Both persons must belong to the same office.")})
    unhandled = unhandled_person_references(db.metadata)
    if unhandled:  # a receiver is not connected: refuse rather than leave rows behind
        raise RuntimeError(f"no merge receiver for {', '.join(unhandled)}")
    original = snapshot(removed)
    chosen = {}
    for name in MERGE_FIELDS:
        if choices.get(name, preferred_choice(survivor, removed, name)) == "b":
            value = _value(removed, name)
            if name == "birth":
                survivor.birth_year, survivor.birth_month, survivor.birth_day = value
            else:
                setattr(survivor, name, value)
            chosen[name] = "b"
    db.session.flush()
    moved: dict[str, int] = {}
    for _receiver, counts in person_merged.send(survivor, removed=removed, actor=actor):
        for kind, count in (counts or {}).items():
            if count:
                moved[kind] = moved.get(kind, 0) + count
    # Records merged into `removed` earlier now point at the survivor (one level, as the
    # lookups through merged_into_id expect).
    earlier = db.session.execute(
        update(Person).where(Person.merged_into_id == removed.id).values(merged_into_id=survivor.id)
    )
    if earlier.rowcount:
        moved["merged_records"] = earlier.rowcount
    if removed.external_id and not survivor.external_id:
        external_id, removed.external_id = removed.external_id, None
        db.session.flush()
        survivor.external_id = external_id
    removed.merged_into_id = survivor.id
    db.session.flush()
    db.session.expire(survivor)
    db.session.expire(removed)
    db.session.add(
        PersonMerge(
            survivor_id=survivor.id,
            removed_id=removed.id,
            removed_values=original,
            chosen=chosen,
            merged_by_id=getattr(actor, "id", None),
        )
    )
    # Details read "field: old → new"; a count moved to the survivor reads "kind: None → n".
    audit.record(
        actor,
        "merge",
        "person",
        survivor.id,
        office_id=survivor.office_id,
        details={"removed": [removed.id, None]} | {k: [None, n] for k, n in sorted(moved.items())},
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
