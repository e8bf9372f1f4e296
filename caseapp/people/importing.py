"""Importing persons from a spreadsheet (CSV): good rows in, bad rows reported, idempotent.

`read_file` checks the whole file before anything is written (a file over the row limit is
refused as a whole); `apply_rows` writes a list of checked rows and only flushes.
`import_people` does both in the caller's one transaction (the upload page);
`import_runs.run_import` writes a few hundred rows per transaction and can resume (the CLI).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import format_decimal
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
# Columns a file may have; where one is missing, an existing person's value stays as it is.
OPTIONAL_COLUMNS = ["birth_place", "father_name", "mother_name", "azr_number"]
MAX_ROWS = 200_000  # data rows (the header not counted); a longer file is refused as a whole
MAX_CELL = 1_000  # characters in a cell that is not stored as it is (dates, codes, district)
# Cells stored as they are may be as long as their column (external_id 64, e-mail 254 ...).
_STORED_AS_IS = (
    "external_id",
    "given_name",
    "family_name",
    "phone",
    "email",
    "birth_place",
    "father_name",
    "mother_name",
)
# Invisible C0/C1 control characters (NUL included) other than tab and line breaks: PostgreSQL
# refuses NUL and SQLite would store it, so a cell with one is a row error on both.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

Row = tuple[int, dict]  # (row number in the file, the person's fields)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    fatal: str = ""
    resumed_after: int = 0  # data rows an earlier, stopped run of the same file had done
    unlisted_errors: int = 0  # rejected rows of that earlier run not kept in its record
    run_id: int | None = None  # the run record of an import in batches (import_runs)

    @property
    def ok(self) -> bool:
        return not self.fatal

    @property
    def rejected(self) -> int:
        return len(self.errors) + self.unlisted_errors


@dataclass
class ParsedFile:
    """A checked file: the rows to write, the rows refused while reading, or why not at all."""

    rows: list[Row] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    data_rows: int = 0
    fatal: str = ""


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError("encoding") from error


def district_ids() -> dict[str, int]:
    """District names (case-folded) to ids, as the file's district column names them."""
    from caseapp.offices.models import District

    return {d.name.casefold(): d.id for d in db.session.scalars(select(District))}


def _cell_limits() -> dict[str, int]:
    columns = Person.__table__.columns
    return {
        name: (columns[name].type.length if name in _STORED_AS_IS else MAX_CELL)
        for name in COLUMNS + OPTIONAL_COLUMNS
    }


def read_file(raw: bytes, districts: dict[str, int]) -> ParsedFile:
    """Read and check every row; nothing touches the database.

    A file that cannot be read at all, or has more than MAX_ROWS data rows, gets `fatal`
    and no rows, so nothing of it is imported.
    """
    parsed = ParsedFile()
    try:
        text = _decode(raw)
    except ValueError:
        parsed.fatal = _('The file is not UTF-8 encoded. Save it as "CSV UTF-8" and try again.')
        return parsed
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    # A cell may be as long as the file (the module-wide default of 131,072 characters would
    # end the whole read with a traceback); over-long cells are row errors below.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        parsed.fatal = _("Columns missing: %(columns)s", columns=", ".join(missing))
        return parsed
    limits = _cell_limits()
    present = COLUMNS + [c for c in OPTIONAL_COLUMNS if c in header]
    seen: set[str] = set()
    number = 1  # row 1 is the header
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            number += 1
            parsed.errors.append((number, _("This row cannot be read as CSV.")))
            continue
        if not cells:
            continue  # an empty line
        number += 1
        if number - 1 > MAX_ROWS:
            limit = format_decimal(MAX_ROWS)
            return ParsedFile(
                fatal=_(
                    "The file has more than %(limit)s rows. Please split it into files of "
                    "at most %(limit)s rows.",
                    limit=limit,
                )
            )
        if len(cells) > len(header):
            parsed.errors.append((number, _("This row has more cells than the header.")))
            continue
        row = {name: cell.strip() for name, cell in zip(header, cells, strict=False)}
        row = {name: row.get(name, "") for name in present}
        problem = _cell_problem(row, limits)
        if problem:
            parsed.errors.append((number, problem))
            continue
        external_id = row["external_id"]
        if not external_id:
            parsed.errors.append((number, _("external_id is empty.")))
            continue
        if external_id in seen:
            parsed.errors.append(
                (number, _("external_id %(id)s appears twice in the file.", id=external_id))
            )
            continue
        seen.add(external_id)
        try:
            parsed.rows.append((number, _row_to_fields(row, districts)))
        except ValueError as error:
            parsed.errors.append((number, str(error)))
    parsed.data_rows = number - 1
    return parsed


def _cell_problem(row: dict[str, str], limits: dict[str, int]) -> str:
    for name, value in row.items():
        if len(value) > limits[name]:
            return f"{name}: {_('Use at most %(n)d characters.', n=limits[name])}"
        if _CONTROL.search(value):
            return f"{name}: {_('Remove the invisible control characters from this field.')}"
    return ""


def apply_rows(actor, rows: list[Row], *, office_id: int, today: date, report: ImportReport):
    """Create or update the persons of checked rows by external_id; only flushes.

    Rows that break a rule of the person form are added to the report and skipped.
    """
    existing: dict[str, Person] = {}
    ids = sorted(fields["external_id"] for _number, fields in rows)
    for chunk in range(0, len(ids), 1000):
        stmt = select(Person).where(Person.external_id.in_(ids[chunk : chunk + 1000]))
        existing.update({p.external_id: p for p in db.session.scalars(stmt)})

    new_people: list[PersonData] = []
    for number, fields in rows:
        person = existing.get(fields["external_id"])
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
    report.created += bulk_register(actor, new_people, office_id=office_id)


def import_people(actor, raw: bytes, *, office_id: int, today: date) -> ImportReport:
    """Every row is checked; bad rows are reported and skipped, good rows imported in bulk.

    The caller commits once, so a file is imported completely (minus reported rows) or not at
    all. Long files belong to `import_runs.run_import`, which does not hold the database for
    the whole file.
    """
    return import_parsed(actor, read_file(raw, district_ids()), office_id=office_id, today=today)


def import_parsed(actor, parsed: ParsedFile, *, office_id: int, today: date) -> ImportReport:
    """`import_people` for a file already read (the upload page reads it once to choose
    between importing at once and a background job)."""
    report = ImportReport(errors=list(parsed.errors), fatal=parsed.fatal)
    if parsed.fatal:
        return report
    apply_rows(actor, parsed.rows, office_id=office_id, today=today, report=report)
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
    optional = {name: row[name] for name in OPTIONAL_COLUMNS if name in row}
    return optional | {
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
            *OPTIONAL_COLUMNS,
        )
    ) and [entry["code"] for entry in person.languages or []] == [e["code"] for e in data.languages]
