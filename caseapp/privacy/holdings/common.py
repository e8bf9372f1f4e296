"""Helpers shared by the holding declarations."""

from __future__ import annotations

from sqlalchemy import select

from caseapp.extensions import db


def _t(name: str):
    return db.metadata.tables[name]


def _ids_of(table: str, person_ids: list[int]):
    return select(_t(table).c.id).where(_t(table).c.person_id.in_(person_ids))


CLOSED = "closed_case"
PERSON_TEXT = (
    "given_name",
    "family_name",
    "family_name_norm",
    "original_name",
    "phone",
    "phone_digits",
    "email",
    "street",
    "postcode",
    "city",
    # Identity details as on the papers, and the AZR number: they identify the person.
    "birth_place",
    "father_name",
    "mother_name",
    "azr_number",
)
