"""The papers' identity details in the services: checked and normalised, kept by a merge,
in the data-subject export, and emptied by anonymisation (they identify the person)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.people import merging
from caseapp.people.models import Person, PersonMerge
from caseapp.people.validation import normalise_azr, validate_person
from caseapp.privacy import export
from caseapp.privacy.export.labels import FIELDS
from caseapp.privacy.retention import anonymise
from tests.factories.people import TODAY, _data, _user, register

SCHEMA_FILE = Path(export.__file__).resolve().parents[1] / "export_schema.json"
PAPERS = {
    "birth_place": "Charkiw",
    "father_name": "Petro Kovalenko",
    "mother_name": "Halyna",
    "azr_number": "123456789012",
}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1234 5678 9012", "123456789012"),
        (" 123456789012 ", "123456789012"),
        ("١٢٣٤٥٦٧٨٩٠١٢", "123456789012"),  # Arabic-Indic digits from a phone keyboard
        ("1234\u00a05678\u00a09012", "123456789012"),
        ("", ""),
    ],
)
def test_the_azr_number_is_kept_as_digits(typed, stored):
    assert normalise_azr(typed) == stored
    data = _data(azr_number=typed)
    assert data.azr_number == stored
    validate_person(data, TODAY)


@pytest.mark.parametrize(
    "typed", ["12345678901", "1234567890123", "12345678901X", "1234-5678-9012"]
)
def test_anything_but_twelve_digits_is_refused(ctx, typed):
    with pytest.raises(ValidationFailed) as error:
        validate_person(_data(azr_number=typed), TODAY)
    assert list(error.value.errors) == ["azr_number"]


def test_the_names_on_the_papers_follow_the_rules_of_the_other_names(ctx):
    with pytest.raises(ValidationFailed) as error:
        validate_person(_data(mother_name="@cmd", birth_place="x" * 121), TODAY)
    assert set(error.value.errors) == {"mother_name", "birth_place"}
    validate_person(_data(father_name="عبد الله", mother_name="Гали́на"), TODAY)  # any script


def test_a_merge_without_choices_keeps_what_only_the_removed_record_has(cw_a, world):
    admin = _user(world["admin"])
    survivor = register(cw_a, world["office_a"], father_name="Petro")
    removed = register(cw_a, world["office_a"], given_name="Muhammad", **PAPERS)
    merging.merge_people(admin, survivor, removed, {})
    db.session.commit()
    kept = db.session.get(Person, survivor.id)
    # The survivor's own father stays; the rest only the removed record had.
    assert (kept.birth_place, kept.father_name, kept.mother_name, kept.azr_number) == (
        "Charkiw",
        "Petro",
        "Halyna",
        "123456789012",
    )


def test_the_removed_values_are_kept_in_the_merge_history(cw_a, world):
    admin = _user(world["admin"])
    survivor = register(cw_a, world["office_a"], azr_number="111111111111")
    removed = register(cw_a, world["office_a"], given_name="Muhammad", **PAPERS)
    merging.merge_people(admin, survivor, removed, {"azr_number": "a"})
    db.session.commit()
    history = db.session.scalar(select(PersonMerge))
    assert history.removed_values["azr_number"] == "123456789012"
    assert db.session.get(Person, survivor.id).azr_number == "111111111111"


def test_the_export_has_them_with_readable_labels(cw_a, world, tmp_path):
    person = register(cw_a, world["office_a"], **PAPERS)
    files = export.write_export(cw_a, person, tmp_path, language="de")
    data = json.loads(files[0].read_text(encoding="utf-8"))
    row = data["records"]["person"][0]
    assert {k: row[k] for k in PAPERS} == PAPERS
    described = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["$defs"]["person"]
    assert set(PAPERS) <= set(described["properties"])
    assert set(PAPERS) <= set(FIELDS)  # the PDF's labels


def test_anonymisation_empties_them(cw_a, world):
    person = register(cw_a, world["office_a"], **PAPERS)
    other = register(cw_a, world["office_a"], given_name="Olena", **PAPERS)
    anonymise.anonymise_person(person.id, rule="erasure")
    db.session.commit()
    gone, kept = db.session.get(Person, person.id), db.session.get(Person, other.id)
    assert (gone.birth_place, gone.father_name, gone.mother_name, gone.azr_number) == ("",) * 4
    assert kept.azr_number == "123456789012" and kept.birth_place == "Charkiw"


def test_replace_keeps_the_number_normalised():
    data = replace(_data(), azr_number="9876 5432 1098")
    assert data.azr_number == "987654321098"
