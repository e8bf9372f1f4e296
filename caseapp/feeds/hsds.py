"""The public service directory as Open Referral HSDS 3.0 objects and as a CSV data package.

Only what the public directory shows: active services of active offices (partners without
an account included), their names and descriptions, languages, districts and hours, the
office's public address and contact. Never an office's internal notes nor a partner's
address for referrals. Identifiers are UUIDs derived from the installation's base URL and
the row, so they stay the same from one read to the next.

Names and descriptions: `name`/`description` are in the requested language (German when
no translation was entered); `translations` (an extension field) lists every language in
which one exists.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from uuid import NAMESPACE_URL, uuid5

from flask_babel import force_locale
from sqlalchemy import Select, func, select

from caseapp.core.csvsafe import safe_row
from caseapp.extensions import db
from caseapp.i18n import language_name
from caseapp.offices.kinds import OFFICE_KIND_LABELS
from caseapp.offices.models import Office
from caseapp.referrals.models import Service

HSDS_VERSION = "3.0"
LANGUAGES = ("de", "ar", "tr")
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class Ids:
    """Stable UUIDs per installation (the namespace is the base URL)."""

    def __init__(self, base_url: str):
        self.namespace = uuid5(NAMESPACE_URL, base_url or "lotse")

    def __call__(self, kind: str, key) -> str:
        return str(uuid5(self.namespace, f"{kind}:{key}"))


def public_services() -> Select:
    return (
        select(Service)
        .join(Office, Office.id == Service.office_id)
        .where(Service.active.is_(True), Office.active.is_(True))
        .order_by(Service.id)
    )


def public_offices() -> Select:
    """Active offices that offer at least one active service."""
    offering = select(Service.office_id).where(Service.active.is_(True))
    return (
        select(Office).where(Office.active.is_(True), Office.id.in_(offering)).order_by(Office.id)
    )


def count(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


def _translations(row, fields: tuple[str, ...]) -> dict:
    out = {}
    for language in LANGUAGES:
        values = {f: getattr(row, f"{f}_{language}", "") or "" for f in fields}
        if values.get("name"):
            out[language] = values
    return out


def _kind(office: Office, language: str) -> str:
    label = OFFICE_KIND_LABELS.get(office.kind)
    if label is None:
        return ""
    with force_locale(language):
        return str(label)


def _office_schedules(ids: Ids, office: Office, **link) -> list[dict]:
    key = ":".join(f"{k}={v}" for k, v in sorted(link.items()))
    return [
        {
            "id": ids("hours", f"{h.id}:{key}"),
            **link,
            "freq": "WEEKLY",
            "byday": BYDAY[h.weekday],
            "opens_at": f"{h.opens:%H:%M}",
            "closes_at": f"{h.closes:%H:%M}",
            "notes": "Europe/Berlin",
        }
        for h in office.opening_hours
    ]


def address(ids: Ids, office: Office) -> list[dict]:
    if not (office.street and office.city):
        return []
    return [
        {
            "id": ids("address", office.id),
            "location_id": ids("location", office.id),
            "address_1": office.street,
            "city": office.city,
            "state_province": "",
            "postal_code": office.postcode,
            "country": "DE",
            "address_type": "physical",
        }
    ]


def location(ids: Ids, office: Office, language: str) -> dict:
    location_id = ids("location", office.id)
    return {
        "id": location_id,
        "location_type": "physical",
        "organization_id": ids("organization", office.id),
        "name": office.name,
        "addresss": address(ids, office),
        "languages": [
            {
                "id": ids("location-language", f"{office.id}:{code}"),
                "location_id": location_id,
                "name": language_name(code, language),
                "code": code,
            }
            for code in office.languages or []
        ],
        "schedules": _office_schedules(ids, office, location_id=location_id),
    }


def organization(ids: Ids, office: Office, language: str, *, full: bool = True) -> dict:
    data = {
        "id": ids("organization", office.id),
        "name": office.name,
        "description": _kind(office, language),
    }
    if office.email:
        data["email"] = office.email
    if office.website:
        data["website"] = office.website
    if full:
        data["locations"] = [location(ids, office, language)]
    return data


def service_at_location(ids: Ids, service: Service, language: str, *, full: bool = True) -> dict:
    office = service.office
    sal_id = ids("service-at-location", service.id)
    data = {
        "id": sal_id,
        "service_id": ids("service", service.id),
        "location_id": ids("location", office.id),
        # The office's hours apply where the service names none of its own.
        "schedules": []
        if service.hours_text
        else _office_schedules(ids, office, service_at_location_id=sal_id),
    }
    if full:
        data["location"] = location(ids, office, language)
    return data


def service(ids: Ids, row: Service, language: str, *, url: str = "", full: bool = True) -> dict:
    service_id = ids("service", row.id)
    data = {
        "id": service_id,
        "organization_id": ids("organization", row.office_id),
        "name": row.name(language),
        "description": row.description(language),
        "status": "active",
        "translations": _translations(row, ("name", "description")),
    }
    if url:
        data["url"] = url
    if row.office.email:
        data["email"] = row.office.email
    if row.eligibility:
        data["eligibility_description"] = row.eligibility
    if not full:
        return data
    data["languages"] = [
        {
            "id": ids("service-language", f"{row.id}:{code}"),
            "service_id": service_id,
            "name": language_name(code, language),
            "code": code,
        }
        for code in row.languages
    ]
    data["service_areas"] = [
        {"id": ids("service-area", f"{row.id}:{d.id}"), "service_id": service_id, "name": d.name}
        for d in row.districts
    ]
    data["schedules"] = (
        [
            {
                "id": ids("service-hours", row.id),
                "service_id": service_id,
                "description": row.hours_text,
            }
        ]
        if row.hours_text
        else []
    )
    data["service_at_locations"] = [service_at_location(ids, row, language)]
    data["organization"] = organization(ids, row.office, language, full=False)
    return data


def page(items: list, total: int, page_number: int, size: int) -> dict:
    """The HSDS API's page object."""
    total_pages = max((total + size - 1) // size, 1)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": size,
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": not items,
        "contents": items,
    }


# --- the CSV data package ----------------------------------------------------------------

TABLES = {
    "organizations": ("id", "name", "description", "email", "website"),
    "services": (
        "id",
        "organization_id",
        "name",
        "description",
        "status",
        "url",
        "email",
        "eligibility_description",
        "name_ar",
        "name_tr",
        "description_ar",
        "description_tr",
    ),
    "locations": ("id", "location_type", "organization_id", "name"),
    "addresses": (
        "id",
        "location_id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ),
    "service_at_locations": ("id", "service_id", "location_id"),
    "schedules": (
        "id",
        "service_id",
        "location_id",
        "service_at_location_id",
        "freq",
        "byday",
        "opens_at",
        "closes_at",
        "description",
        "notes",
    ),
    "languages": ("id", "service_id", "location_id", "name", "code"),
    "service_areas": ("id", "service_id", "name"),
}


def _rows(ids: Ids, language: str, url_for_service) -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    for office in db.session.scalars(public_offices()):
        tables["organizations"].append(organization(ids, office, language, full=False))
        loc = location(ids, office, language)
        tables["locations"].append(loc)
        tables["addresses"] += loc["addresss"]
        tables["languages"] += loc["languages"]
        tables["schedules"] += loc["schedules"]
    for row in db.session.scalars(public_services()):
        data = service(ids, row, language, url=url_for_service(row))
        flat = dict(data)
        for other in ("ar", "tr"):
            names = data["translations"].get(other, {})
            flat[f"name_{other}"] = names.get("name", "")
            flat[f"description_{other}"] = names.get("description", "")
        tables["services"].append(flat)
        tables["languages"] += data["languages"]
        tables["service_areas"] += data["service_areas"]
        tables["schedules"] += data["schedules"]
        for sal in data["service_at_locations"]:
            tables["service_at_locations"].append(sal)
            tables["schedules"] += sal["schedules"]
    return tables


def datapackage_zip(ids: Ids, language: str, url_for_service, title: str) -> bytes:
    """A Frictionless tabular data package: datapackage.json and one CSV per HSDS table."""
    tables = _rows(ids, language, url_for_service)
    buffer = io.BytesIO()
    resources = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, columns in TABLES.items():
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(columns)
            for row in tables[name]:
                writer.writerow(safe_row(row.get(c, "") for c in columns))
            archive.writestr(f"{name}.csv", text.getvalue())
            resources.append(
                {
                    "name": name,
                    "path": f"{name}.csv",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "profile": "tabular-data-resource",
                    "schema": {
                        "fields": [{"name": c, "type": "string"} for c in columns],
                        "primaryKey": "id",
                    },
                }
            )
        package = {
            "name": "lotse-service-directory",
            "title": title,
            "profile": "tabular-data-package",
            "description": f"Open Referral HSDS {HSDS_VERSION}",
            "resources": resources,
        }
        archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
    return buffer.getvalue()
