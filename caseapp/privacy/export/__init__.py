"""Subject access export (GDPR art. 15/20): everything Lotse holds about a person or a
household, as JSON (machine-readable) and PDF (the person's language and a German copy).

    files = export.write_export(actor, person, out_dir, household=False)

Every export is audited ("privacy_export" on each person it covers), in the caller's
transaction; the CLI and the views commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from caseapp.audit import services as audit
from caseapp.auth import scope
from caseapp.core.clock import local_today, utcnow
from caseapp.core.errors import NotFound
from caseapp.extensions import db
from caseapp.people.models import Case, HouseholdMember, Person
from caseapp.portal.access import newcomer_language
from caseapp.privacy.export.collect import Options, collect
from caseapp.privacy.export.writers import SCHEMA, PdfWriter, write_json

__all__ = [
    "SCHEMA",
    "Options",
    "Subjects",
    "collect",
    "find_by_case_number",
    "subjects",
    "write_export",
    "write_json",
]


@dataclass(frozen=True)
class Subjects:
    """Whom an export covers: the persons, with the records merged into them."""

    main: Person
    person_ids: list[int]
    case_numbers: list[str]


def find_by_case_number(case_number: str) -> Person | None:
    case = db.session.scalar(select(Case).where(Case.case_number == case_number.strip().upper()))
    return case.person if case is not None else None


def subjects(actor, person: Person, *, household: bool = False) -> Subjects:
    """The person (or their household), if the actor may export it; NotFound otherwise."""
    if not scope.can_see_for_data_protection(actor, person.office_id):
        raise NotFound()
    ids = [person.id]
    if household and person.household is not None:
        ids = sorted(
            db.session.scalars(
                select(HouseholdMember.person_id).where(
                    HouseholdMember.household_id == person.household.id
                )
            )
        )
    merged = db.session.scalars(select(Person.id).where(Person.merged_into_id.in_(ids))).all()
    ids = sorted(set(ids) | set(merged))
    numbers = db.session.scalars(
        select(Case.case_number).where(Case.person_id.in_(ids)).order_by(Case.case_number)
    ).all()
    return Subjects(person, ids, list(numbers))


def _audit(actor, who: Subjects, formats: list[str]) -> None:
    for person_id in who.person_ids:
        office_id = db.session.scalar(select(Person.office_id).where(Person.id == person_id))
        audit.record(
            actor,
            "privacy_export",
            "person",
            person_id,
            office_id=office_id,
            purpose="data_protection",
            details={"formats": [None, formats]},
        )


def write_export(
    actor, person: Person, out_dir: Path, *, household: bool = False, language: str | None = None
) -> list[Path]:
    """Write the JSON and the PDFs into `out_dir`; returns their paths."""
    who = subjects(actor, person, household=household)
    language = language or newcomer_language(person)
    options = Options(staff_names=bool(current_app.config.get("EXPORT_STAFF_NAMES")))
    header = {
        "generated_at": utcnow().isoformat(),
        "language": language,
        "staff_names": options.staff_names,
        "case_numbers": who.case_numbers,
        "person_ids": who.person_ids,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"lotse-{who.case_numbers[0] if who.case_numbers else person.id}-{local_today()}"
    files = [out_dir / f"{stem}.json"]
    with files[0].open("w", encoding="utf-8") as out:
        write_json(out, header, collect(who.person_ids, options))
    for lang in dict.fromkeys([language, "de"]):
        path = out_dir / f"{stem}-{lang}.pdf"
        writer = PdfWriter(lang, max_rows=int(current_app.config.get("EXPORT_PDF_MAX_ROWS", 1000)))
        path.write_bytes(writer.write(header, collect(who.person_ids, options)))
        files.append(path)
    _audit(actor, who, ["json", *(p.suffix.lstrip(".") for p in files[1:])])
    return files
