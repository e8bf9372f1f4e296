"""Importing persons from a spreadsheet (CSV): good rows in, bad rows reported, idempotent."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select

from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people.models import Person
from caseapp.people.services import _as_data, bulk_register, update_person
from caseapp.people.validation import PersonData, parse_birth, validate_person

COLUMNS = [
    "external_id",
    "given_name",
    "family_name",
    "birth_date",
    "sex",
    "nationality",
    "languages",
    "district",
    "phone",
    "email",
]
MAX_ROWS = 200_000


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    fatal: str = ""

    @property
    def ok(self) -> bool:
        return not self.fatal


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError("encoding") from error


def import_people(actor, raw: bytes, *, office_id: int, today: date) -> ImportReport:
    """Every row is checked; bad rows are reported and skipped, good rows imported in bulk.

    The caller commits once, so a file is imported completely (minus reported rows) or not at all.
    """
    report = ImportReport()
    try:
        text = _decode(raw)
    except ValueError:
        report.fatal = _('The file is not UTF-8 encoded. Save it as "CSV UTF-8" and try again.')
        return report
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        report.fatal = _("Columns missing: %(columns)s", columns=", ".join(missing))
        return report
    reader.fieldnames = header
    from caseapp.offices.models import District

    districts = {d.name.casefold(): d.id for d in db.session.scalars(select(District))}
    parsed: dict[str, tuple[int, dict]] = {}
    for number, row in enumerate(reader, start=2):  # row 1 is the header
        if number > MAX_ROWS:
            report.errors.append((number, _("Too many rows; the rest was not read.")))
            break
        if None in row:  # more cells than columns
            report.errors.append((number, _("This row has more cells than the header.")))
            continue
        row = {k: (v or "").strip() for k, v in row.items()}
        external_id = row["external_id"]
        if not external_id:
            report.errors.append((number, _("external_id is empty.")))
            continue
        if external_id in parsed:
            report.errors.append(
                (number, _("external_id %(id)s appears twice in the file.", id=external_id))
            )
            continue
        try:
            parsed[external_id] = (number, _row_to_fields(row, districts))
        except ValueError as error:
            report.errors.append((number, str(error)))

    existing: dict[str, Person] = {}
    ids = sorted(parsed)
    for chunk in range(0, len(ids), 1000):
        stmt = select(Person).where(Person.external_id.in_(ids[chunk : chunk + 1000]))
        existing.update({p.external_id: p for p in db.session.scalars(stmt)})

    new_people: list[PersonData] = []
    for external_id, (number, fields) in parsed.items():
        person = existing.get(external_id)
        # Columns the file does not have (address, residence status, ...) stay as they are.
        data = PersonData(**fields) if person is None else replace(_as_data(person), **fields)
        try:
            validate_person(data, today)
            if person is None:
                new_people.append(data)
            elif _same(person, data):
                report.unchanged += 1
            else:
                update_person(actor, person, data, person.version, today)
                report.updated += 1
        except ValidationFailed as error:
            reasons = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.errors.items())
            report.errors.append((number, reasons))
    report.created = bulk_register(actor, new_people, office_id=office_id)
    report.errors.sort()
    return report


def _row_to_fields(row: dict, districts: dict) -> dict:
    try:
        year, month, day = parse_birth(row["birth_date"])
    except ValueError:
        raise ValueError(_("birth_date must be YYYY-MM-DD or YYYY.")) from None
    district_id = None
    if row["district"]:
        district_id = districts.get(row["district"].casefold())
        if district_id is None:
            raise ValueError(_("Unknown district: %(name)s", name=row["district"]))
    sex = row["sex"].lower()[:1] if row["sex"] else ""
    sex = {"w": "f", "d": "x"}.get(sex, sex)
    languages = [
        {"code": code.strip().lower(), "level": "native"}
        for code in row["languages"].split(";")
        if code.strip()
    ]
    nationalities = [c.strip().upper() for c in row["nationality"].split(";") if c.strip()]
    return {
        "given_name": row["given_name"],
        "family_name": row["family_name"],
        "birth_year": year,
        "birth_month": month,
        "birth_day": day,
        "sex": sex,
        "nationalities": nationalities,
        "languages": languages,
        "phone": row["phone"],
        "email": row["email"],
        "district_id": district_id,
        "external_id": row["external_id"],
    }


def _same(person: Person, data: PersonData) -> bool:
    return all(
        getattr(person, k) == getattr(data, k)
        for k in (
            "given_name",
            "family_name",
            "birth_year",
            "birth_month",
            "birth_day",
            "sex",
            "nationalities",
            "phone",
            "email",
            "district_id",
        )
    ) and [entry["code"] for entry in person.languages or []] == [e["code"] for e in data.languages]
