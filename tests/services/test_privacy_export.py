"""Subject access export: a marker planted in every kind of record appears in the export,
nothing of another person does, staff names are withheld by default, the export is audited,
and 10,000 consultations are written row by row."""

from __future__ import annotations

import json
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from caseapp.audit.models import AuditEntry
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.people.models import Consultation, Person
from caseapp.privacy import export
from caseapp.privacy.registry import base_type, holdings, is_text, person_clause
from tests.factories.merging import _removed_with_one_row_of_every_kind
from tests.factories.people import _user, register

SCHEMA_FILE = Path(export.__file__).resolve().parents[1] / "export_schema.json"


def _plant(person_ids: list[int], prefix: str) -> dict[str, str]:
    """Put `prefix-kind-column` into every free-text column of every row the persons have;
    returns {marker: kind} for the markers planted (the kinds with rows)."""
    planted = {}
    for h in holdings():
        table = h.sa_table
        for column in h.free_text:
            if column in h.hidden or not is_text(table.c[column]):
                continue
            if h.kind in ("message", "person") and column in (
                "recipient",
                "email",
                "phone",
                "phone_digits",
                "family_name_norm",
            ):
                continue  # these find other rows (contact) or are derived
            # Numbered first, so a marker cut to a short column (postcode) stays unique.
            length = getattr(base_type(table.c[column]), "length", None) or 38
            marker = f"{prefix}-{len(planted):03d}-{h.kind}-{column}".upper()[: min(length, 38)]
            n = db.session.execute(
                update(table).where(person_clause(h, person_ids)).values({column: marker})
            ).rowcount
            if n:
                planted[marker] = h.kind
    db.session.commit()
    return planted


def _json_of(files) -> dict:
    return json.loads(files[0].read_text(encoding="utf-8"))


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


@pytest.fixture
def two_people(ctx, world):
    worker, admin = _user(world["caseworker_a"]), _user(world["admin"])
    # Registered first: the builder pairs it with the person as a possible duplicate.
    other = register(worker, world["office_a"], given_name="Other", family_name="Person")
    rows = _removed_with_one_row_of_every_kind(world, worker, admin)
    return rows["removed"], other, worker


def test_a_marker_in_every_kind_of_record_is_exported_and_nothing_of_another_person(
    two_people, tmp_path
):
    person, other, worker = two_people
    who = export.subjects(None, person)
    planted = _plant(who.person_ids, "mk")
    _plant([other.id], "zz")
    files = export.write_export(worker, person, tmp_path, language="ar")
    text = files[0].read_text(encoding="utf-8")
    missing = [m for m in planted if m not in text]
    assert missing == []
    assert "ZZ-" not in text
    data = _json_of(files)
    assert data["schema"] == "lotse-privacy-export/1"
    jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    # Every kind the builder created rows for is there, with rows.
    for kind in (
        "person",
        "case",
        "consultation",
        "next_step",
        "aid",
        "consent",
        "household_member",
        "referral",
        "referral_event",
        "referral_received",
        "appointment",
        "match_request",
        "match",
        "portal_access",
        "audit",
    ):
        assert data["records"][kind], kind
    # The volunteer appears by first name only, and the code hash never.
    match = data["records"]["match"][0]
    assert "volunteer_id" not in match and match["volunteer_first_name"]
    assert " " not in match["volunteer_first_name"]
    assert "code_hash" not in data["records"]["portal_access"][0]
    # Staff names withheld by default: offices by name, no staff account keys.
    consultation = data["records"]["consultation"][0]
    assert "caseworker_id" not in consultation and "caseworker_name" not in consultation
    assert consultation["office"] == "Integrationszentrum A"
    assert worker.display_name not in text
    # PDFs in the person's language and German; the markers are in the text layer too.
    assert [f.name.rsplit("-", 1)[-1] for f in files[1:]] == ["ar.pdf", "de.pdf"]
    german = _pdf_text(files[2]).replace("\n", "")
    notes = next(m for m, kind in planted.items() if kind == "consultation")
    assert notes in german and "ZZ-" not in german


def test_the_export_is_audited_and_staff_names_are_a_setting(two_people, tmp_path, app):
    person, _other, worker = two_people
    before = db.session.scalar(select(func.count()).where(AuditEntry.action == "privacy_export"))
    app.config["EXPORT_STAFF_NAMES"] = True
    try:
        files = export.write_export(worker, person, tmp_path)
    finally:
        app.config["EXPORT_STAFF_NAMES"] = False
    db.session.commit()
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "privacy_export")
    ).all()
    assert len(entries) > before
    assert {e.record_id for e in entries} >= {person.id}
    assert all(e.actor_id == worker.id and e.purpose == "data_protection" for e in entries)
    consultation = _json_of(files)["records"]["consultation"][0]
    assert consultation["caseworker_name"] == worker.display_name


def test_a_household_export_covers_every_member(two_people, tmp_path):
    person, _other, worker = two_people
    members = {m.person_id for m in person.household.members}
    data = _json_of(export.write_export(worker, person, tmp_path, household=True))
    assert set(data["person_ids"]) >= members
    assert {p["id"] for p in data["records"]["person"]} >= members


def test_another_office_cannot_export(two_people, world, tmp_path):
    from caseapp.core.errors import NotFound

    person, _other, _worker = two_people
    with pytest.raises(NotFound):
        export.write_export(_user(world["caseworker_b"]), person, tmp_path)


def test_cli_writes_the_files(two_people, tmp_path, app):
    person, _other, _worker = two_people
    number = person.case.case_number
    db.session.commit()
    result = CliRunner().invoke(
        app.cli, ["people", "export", "--person", number, "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert any(n.endswith(".json") for n in names) and any(n.endswith("-de.pdf") for n in names)
    assert (
        CliRunner()
        .invoke(app.cli, ["people", "export", "--person", "L00-NOPE", "--out", str(tmp_path)])
        .exit_code
        != 0
    )


def test_ten_thousand_consultations_are_written_row_by_row(ctx, world, tmp_path, app):
    worker = _user(world["caseworker_a"])
    person = register(worker, world["office_a"], given_name="Viele", family_name="Beratungen")
    start = utcnow() - timedelta(days=4000)
    db.session.execute(
        Consultation.__table__.insert(),
        [
            {
                "case_id": person.case.id,
                "office_id": person.office_id,
                "at": start + timedelta(hours=i),
                "duration_minutes": 30,
                "mode": "in_person",
                "need_areas": ["work"],
                "notes": f"Beratung Nummer {i}: "
                + "Unterlagen für den Sprachkurs besprochen, Termin vereinbart. " * 4,
                "created_at": start,
            }
            for i in range(10_000)
        ],
    )
    person_id = person.id
    db.session.commit()
    db.session.expunge_all()
    person = db.session.get(Person, person_id)
    out = tmp_path / "out.json"
    tracemalloc.start()
    with out.open("w", encoding="utf-8") as handle:
        who = export.subjects(None, person)
        counts = export.write_json(
            handle,
            {"case_numbers": who.case_numbers},
            export.collect(who.person_ids, export.Options()),
        )
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert counts["consultation"] == 10_000
    assert out.stat().st_size > 2_000_000
    # About 2.5 MB of notes, never all in memory at once.
    assert peak < 8_000_000, peak
    json.loads(out.read_text(encoding="utf-8"))
    # The whole export (JSON and both PDFs, which show the first entries of a long section
    # and point to the JSON for the rest) completes as well.
    app.config["EXPORT_PDF_MAX_ROWS"] = 100
    started = time.monotonic()
    try:
        files = export.write_export(None, person, tmp_path / "all", language="ar")
    finally:
        app.config["EXPORT_PDF_MAX_ROWS"] = 1000
    print(f"10,000 consultations: full export in {time.monotonic() - started:.1f} s")
    assert [f.suffix for f in files] == [".json", ".pdf", ".pdf"]
