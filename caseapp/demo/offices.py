"""Demo districts, offices of different kinds and staff accounts (idempotent)."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.auth.normalise import normalise_email
from caseapp.extensions import db
from caseapp.offices.models import District, Office
from caseapp.offices.services import OfficeData, create_office
from caseapp.users.services import UserData, create_user

DEMO_PASSWORD = "Lotse-Demo-Passwort-2026"  # noqa: S105 - printed for the demo on purpose

DISTRICTS = ["Altstadt", "Weststadt", "Nordstadt", "Oststadt", "Südstadt", "Hafenviertel"]

_MORNINGS = [(time(8, 0), time(12, 0))]
_MORNINGS_AND_THURSDAY = {
    0: _MORNINGS,
    1: _MORNINGS,
    2: _MORNINGS,
    3: [(time(8, 0), time(12, 0)), (time(14, 0), time(18, 0))],
    4: _MORNINGS,
}

OFFICES = [
    {
        "name": "Integrationszentrum Altstadt",
        "kind": "integration_centre",
        "street": "Marktplatz 3",
        "postcode": "58762",
        "city": "Altena",
        "phone": "+49 2352 209-310",
        "email": "integration@altena.example",
        "languages": ["de", "ar", "tr", "en", "fa"],
        "districts": ["Altstadt", "Nordstadt"],
        "hours": _MORNINGS_AND_THURSDAY,
    },
    {
        "name": "Jobcenter Weststadt",
        "kind": "job_centre",
        "street": "Lenneuferstraße 12",
        "postcode": "58762",
        "city": "Altena",
        "phone": "+49 2352 209-400",
        "email": "jobcenter-west@altena.example",
        "languages": ["de", "en", "uk"],
        "districts": ["Weststadt", "Hafenviertel"],
        "hours": {d: [(time(8, 30), time(12, 30))] for d in range(5)},
    },
    {
        "name": "Sozialamt Oststadt",
        "kind": "social_welfare",
        "street": "Rathausplatz 1",
        "postcode": "58762",
        "city": "Altena",
        "phone": "+49 2352 209-200",
        "email": "sozialamt@altena.example",
        "languages": ["de", "tr", "ru"],
        "districts": ["Oststadt", "Südstadt"],
        "hours": {0: _MORNINGS, 2: _MORNINGS, 3: [(time(13, 0), time(17, 30))]},
    },
    {
        "name": "Koordinierungsstelle Ehrenamt",
        "kind": "coordination_office",
        "street": "Kirchstraße 7",
        "postcode": "58762",
        "city": "Altena",
        "phone": "+49 2352 209-500",
        "email": "ehrenamt@altena.example",
        "languages": ["de", "ar", "en"],
        "districts": DISTRICTS,
        "hours": {1: [(time(10, 0), time(16, 0))], 3: [(time(10, 0), time(16, 0))]},
    },
]

# (e-mail, name, roles, office names)
STAFF = [
    ("admin@lotse.example", "Petra Admin", ["admin"], []),
    (
        "koordination@lotse.example",
        "Jonas Weber",
        ["coordinator"],
        ["Koordinierungsstelle Ehrenamt"],
    ),
    ("a.yilmaz@lotse.example", "Aylin Yılmaz", ["caseworker"], ["Integrationszentrum Altstadt"]),
    (
        "m.schneider@lotse.example",
        "Markus Schneider",
        ["caseworker"],
        ["Integrationszentrum Altstadt"],
    ),
    ("s.haddad@lotse.example", "Samira Haddad", ["caseworker"], ["Jobcenter Weststadt"]),
    ("t.becker@lotse.example", "Thomas Becker", ["caseworker"], ["Jobcenter Weststadt"]),
    ("e.kaya@lotse.example", "Emre Kaya", ["caseworker"], ["Sozialamt Oststadt"]),
    ("l.hoffmann@lotse.example", "Lena Hoffmann", ["caseworker"], ["Sozialamt Oststadt"]),
    ("ehrenamt@lotse.example", "Karin Vogel", ["volunteer"], []),
]


def seed_offices() -> list[tuple[str, str, str]]:
    """Create what is missing and return (e-mail, role, office) rows for the login table."""
    for name in DISTRICTS:
        if not db.session.scalar(select(District).where(District.name == name)):
            db.session.add(District(name=name))
    db.session.flush()
    district_ids = {d.name: d.id for d in db.session.scalars(select(District))}

    for spec in OFFICES:
        if db.session.scalar(select(Office).where(Office.name == spec["name"])):
            continue
        create_office(
            None,
            OfficeData(
                name=spec["name"],
                kind=spec["kind"],
                street=spec["street"],
                postcode=spec["postcode"],
                city=spec["city"],
                phone=spec["phone"],
                email=spec["email"],
                languages=spec["languages"],
                district_ids=[district_ids[n] for n in spec["districts"]],
                hours=spec["hours"],
            ),
        )
    db.session.flush()
    office_ids = {o.name: o.id for o in db.session.scalars(select(Office))}

    rows = []
    for email, name, roles, offices in STAFF:
        if not db.session.scalar(select(User).where(User.email == normalise_email(email))):
            create_user(
                None,
                UserData(
                    email=email,
                    display_name=name,
                    roles=roles,
                    office_ids=[office_ids[o] for o in offices],
                    preferred_language="de",
                ),
                DEMO_PASSWORD,
            )
        rows.append((email, ", ".join(roles), ", ".join(offices)))
    return rows
