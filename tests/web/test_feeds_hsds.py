"""The public service directory as Open Referral HSDS 3.0, validated against the published
schema files (tests/data/hsds, CC BY-SA 4.0), and as a CSV data package."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, time
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from caseapp.extensions import db
from caseapp.offices.models import District, Office, OpeningHours

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "hsds"
BASE = "file:///hsds/"
NOTES_MARKER = "MARKER-INTERNAL-NOTE-7f3"
PARTNER_MAIL_MARKER = "referrals-only@partner-marker.example"


def _validator(name: str) -> Draft202012Validator:
    registry = Registry().with_resources(
        (
            BASE + path.name,
            Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012),
        )
        for path in SCHEMAS.glob("*.json")
    )
    return Draft202012Validator(
        {"$ref": BASE + f"{name}.json"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def _check(name: str, instance) -> None:
    errors = sorted(_validator(name).iter_errors(instance), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]


@pytest.fixture
def directory(app, make_office):
    from caseapp.referrals import directory as services

    office_id = make_office(
        name="Integrationszentrum Mitte",
        street="Marktplatz 3",
        postcode="58762",
        city="Altena",
        email="info@iz-mitte.example",
        website="https://iz-mitte.example",
        languages=["de", "ar"],
        notes=NOTES_MARKER,
    )
    hidden_office = make_office(name="Geschlossenes Amt", active=False)
    with app.test_request_context():
        district = District(name="Nette")
        db.session.add(district)
        db.session.add(OpeningHours(office_id=office_id, weekday=0, opens=time(9), closes=time(12)))
        db.session.flush()
        main = services.create_service(
            None,
            services.ServiceData(
                office_id=office_id,
                name_de="Sprachkursberatung",
                name_ar="استشارة دورات اللغة",
                name_tr="Dil kursu danışmanlığı",
                description_de="Beratung zu Integrationskursen",
                need_areas=["language"],
                languages=["de", "ar", "tr"],
                district_ids=[district.id],
            ),
            date(2026, 11, 1),
        )
        german_only = services.create_service(
            None,
            services.ServiceData(
                office_id=office_id,
                name_de="Wohnungssuche",
                need_areas=["housing"],
                hours_text="Di 14-16 Uhr",
            ),
            date(2026, 11, 1),
        )
        services.create_service(
            None,
            services.ServiceData(
                office_id=hidden_office, name_de="Unsichtbar", need_areas=["housing"]
            ),
            date(2026, 11, 1),
        )
        db.session.commit()
        return {"office_id": office_id, "main": main.id, "german_only": german_only.id}


def _partner(app, world, office_name="Beratungsstelle Partner"):
    from caseapp.partners.services import PartnerData, register_partner

    with app.test_request_context():
        register_partner(
            None,
            PartnerData(
                name=office_name,
                kind="migration_counselling",
                email=PARTNER_MAIL_MARKER,
                service_name_de="Partnerberatung",
                need_areas=["work"],
            ),
            date(2026, 11, 1),
        )
        db.session.commit()


def test_hsds_feed_validates_and_holds_only_public_directory_data(app, world, directory):
    _partner(app, world)
    client = app.test_client()
    info = client.get("/directory/hsds/")
    assert info.status_code == 200 and info.get_json()["version"] == "3.0"

    listing = client.get("/directory/hsds/services?full=true&lang=de")
    assert listing.status_code == 200
    data = listing.get_json()
    assert data["total_items"] == 3 and data["page_number"] == 1 and data["first_page"]
    names = {s["name"] for s in data["contents"]}
    assert names == {"Sprachkursberatung", "Wohnungssuche", "Partnerberatung"}
    for item in data["contents"]:
        _check("service", item)
    everything = json.dumps(data, ensure_ascii=False)
    everything += client.get("/directory/hsds/organizations").get_data(as_text=True)
    everything += client.get("/directory/hsds/service_at_locations").get_data(as_text=True)
    assert NOTES_MARKER not in everything and PARTNER_MAIL_MARKER not in everything
    assert "Unsichtbar" not in everything and "Geschlossenes Amt" not in everything

    main = next(s for s in data["contents"] if s["name"] == "Sprachkursberatung")
    # Names in every language that exists; the German-only service has German only.
    assert main["translations"]["ar"]["name"] == "استشارة دورات اللغة"
    assert main["translations"]["tr"]["name"] == "Dil kursu danışmanlığı"
    german = next(s for s in data["contents"] if s["name"] == "Wohnungssuche")
    assert set(german["translations"]) == {"de"}
    assert german["schedules"][0]["description"] == "Di 14-16 Uhr"
    assert {lang["code"] for lang in main["languages"]} == {"de", "ar", "tr"}
    assert [a["name"] for a in main["service_areas"]] == ["Nette"]
    sal = main["service_at_locations"][0]
    assert sal["schedules"][0]["byday"] == "MO" and sal["schedules"][0]["opens_at"] == "09:00"
    assert sal["location"]["addresss"][0]["postal_code"] == "58762"

    detail = client.get(f"/directory/hsds/services/{main['id']}?lang=ar")
    assert detail.status_code == 200 and detail.headers["Content-Language"] == "ar"
    assert detail.get_json()["name"] == "استشارة دورات اللغة"
    _check("service", detail.get_json())
    # The German-only service falls back to German in Arabic.
    assert client.get(f"/directory/hsds/services/{german['id']}?lang=ar").get_json()["name"] == (
        "Wohnungssuche"
    )

    organizations = client.get("/directory/hsds/organizations").get_json()
    assert organizations["total_items"] == 2
    for item in organizations["contents"]:
        _check("organization", item)
    org = client.get(f"/directory/hsds/organizations/{main['organization_id']}")
    assert org.status_code == 200
    _check("organization", org.get_json())

    sals = client.get("/directory/hsds/service_at_locations").get_json()
    for item in sals["contents"]:
        _check("service_at_location", item)
    one = client.get(f"/directory/hsds/service_at_locations/{sal['id']}")
    _check("service_at_location", one.get_json())


def test_unknown_ids_and_paging(app, world, directory):
    client = app.test_client()
    assert client.get("/directory/hsds/services/not-a-uuid").status_code == 404
    assert (
        client.get("/directory/hsds/organizations/00000000-0000-0000-0000-000000000000").status_code
        == 404
    )
    first = client.get("/directory/hsds/services?per_page=1").get_json()
    second = client.get("/directory/hsds/services?per_page=1&page=2").get_json()
    assert first["total_pages"] == 2 and not first["last_page"] and second["last_page"]
    assert first["contents"][0]["id"] != second["contents"][0]["id"]
    # Identifiers stay the same from one read to the next.
    assert client.get("/directory/hsds/services?per_page=1").get_json() == first


def test_csv_data_package(app, world, directory):
    response = app.test_client().get("/directory/hsds/datapackage.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    package = json.loads(archive.read("datapackage.json"))
    paths = {r["path"] for r in package["resources"]}
    assert {"organizations.csv", "services.csv", "locations.csv", "schedules.csv"} <= paths
    assert paths == set(archive.namelist()) - {"datapackage.json"}
    for resource in package["resources"]:
        rows = list(csv.DictReader(io.StringIO(archive.read(resource["path"]).decode())))
        assert list(rows[0].keys()) if rows else True
        assert [f["name"] for f in resource["schema"]["fields"]] == next(
            csv.reader(io.StringIO(archive.read(resource["path"]).decode()))
        )
    services = list(csv.DictReader(io.StringIO(archive.read("services.csv").decode())))
    main = next(s for s in services if s["name"] == "Sprachkursberatung")
    assert main["name_ar"] == "استشارة دورات اللغة" and main["name_tr"] == "Dil kursu danışmanlığı"
    assert NOTES_MARKER not in response.data.decode("utf-8", "replace")


def test_inactive_office_and_its_services_are_not_published(app, world, directory):
    with app.app_context():
        db.session.get(Office, directory["office_id"]).active = False
        db.session.commit()
    data = app.test_client().get("/directory/hsds/services").get_json()
    assert data["total_items"] == 0 and data["empty"]
