"""Creating and changing offices and districts (admin actions, audited)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from sqlalchemy import func, select

from caseapp.audit import services as audit
from caseapp.core.clock import utcnow
from caseapp.core.errors import StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.offices.kinds import OfficeKind
from caseapp.offices.models import District, Office, OpeningHours


@dataclass
class OfficeData:
    name: str
    kind: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    languages: list[str] = field(default_factory=list)
    district_ids: list[int] = field(default_factory=list)
    notes: str = ""
    active: bool = True
    # weekday (Monday = 0) -> list of (opens, closes)
    hours: dict[int, list[tuple[time, time]]] = field(default_factory=dict)


def _snapshot(office: Office) -> dict:
    return {
        "name": office.name,
        "kind": office.kind,
        "street": office.street,
        "postcode": office.postcode,
        "city": office.city,
        "phone": office.phone,
        "email": office.email,
        "website": office.website,
        "languages": list(office.languages or []),
        "districts": sorted(d.name for d in office.districts),
        "notes": office.notes,
        "active": office.active,
        "hours": sorted(
            f"{h.weekday}:{h.opens:%H:%M}-{h.closes:%H:%M}" for h in office.opening_hours
        ),
    }


def _validate(data: OfficeData, office_id: int | None) -> None:
    errors: dict[str, str] = {}
    if data.kind not in set(OfficeKind):
        errors["kind"] = _("Choose one of the offered kinds.")
    clash = db.session.scalar(
        select(Office.id).where(
            func.lower(Office.name) == data.name.lower(), Office.id != (office_id or 0)
        )
    )
    if clash:
        errors["name"] = _("An office with this name already exists.")
    if errors:
        raise ValidationFailed(errors)


def _apply(office: Office, data: OfficeData) -> None:
    # Query before changing anything: an autoflush mid-way would write the row twice.
    districts = list(
        db.session.scalars(select(District).where(District.id.in_(data.district_ids or [0])))
    )
    for attr in (
        "name",
        "kind",
        "street",
        "postcode",
        "city",
        "phone",
        "email",
        "website",
        "notes",
        "active",
    ):
        setattr(office, attr, getattr(data, attr))
    office.languages = sorted(set(data.languages))
    office.districts = districts
    wanted = {(day, o, c) for day, ranges in data.hours.items() for o, c in ranges}
    current = {(h.weekday, h.opens, h.closes): h for h in office.opening_hours}
    for key, row in current.items():
        if key not in wanted:
            office.opening_hours.remove(row)
    for day, opens, closes in sorted(wanted - set(current)):
        office.opening_hours.append(OpeningHours(weekday=day, opens=opens, closes=closes))


def create_office(actor, data: OfficeData) -> Office:
    _validate(data, None)
    office = Office(name=data.name, kind=data.kind)
    db.session.add(office)
    _apply(office, data)
    db.session.flush()
    audit.record(
        actor,
        "create",
        "office",
        office.id,
        office_id=office.id,
        details=audit.diff({}, _snapshot(office)),
    )
    return office


def update_office(actor, office: Office, data: OfficeData, loaded_version: int | None) -> Office:
    if loaded_version != office.version:
        raise StaleVersion(office)
    _validate(data, office.id)
    before = _snapshot(office)
    _apply(office, data)
    changes = audit.diff(before, _snapshot(office))
    if changes:
        # Changes to districts or hours alone touch no office column; this UPDATE bumps the version.
        office.updated_at = utcnow()
        db.session.flush()
        audit.record(actor, "update", "office", office.id, office_id=office.id, details=changes)
    return office


def create_district(actor, name: str) -> District:
    name = name.strip()
    if db.session.scalar(select(District.id).where(func.lower(District.name) == name.lower())):
        raise ValidationFailed({"name": _("A district with this name already exists.")})
    district = District(name=name)
    db.session.add(district)
    db.session.flush()
    audit.record(actor, "create", "district", district.id, details={"name": [None, name]})
    return district
