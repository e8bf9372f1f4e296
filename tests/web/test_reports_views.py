"""Dashboards, CSV exports and the yearly report through the test client: who sees what,
suppression in what leaves, the differencing attack, formula cells, right to left."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from caseapp.extensions import db
from caseapp.offices.models import District, Office
from caseapp.people.models import AidKind, Case, CaseStatusChange, Person
from tests.factories import reports_world

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def small_world(app):
    with app.app_context():
        return reports_world.build()


@pytest.fixture
def login(actions, make_user):
    def sign_in(*roles, offices=(), language="de"):
        email = make_user(*roles, offices=offices, language=language)
        assert actions.login(email).status_code == 302
        return actions.client

    return sign_in


def rows_of(response) -> list[dict]:
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:]), delimiter=";"))


def value(rows, key: str) -> str:
    hits = [r["Wert"] for r in rows if r["Schlüssel"] == key]
    assert len(hits) == 1, (key, hits)
    return hits[0]


# --- who sees what ---------------------------------------------------------------------------


def test_caseworker_sees_own_office_and_not_another(small_world, login):
    client = login("caseworker", offices=[small_world["a"]])
    page = client.get("/reports/casework?period=2026")
    assert page.status_code == 200
    assert "Integrationszentrum A" in page.get_data(as_text=True)
    # Office B's dashboard does not exist for this caseworker; nor does the city's.
    assert client.get(f"/reports/casework?area=office:{small_world['b']}").status_code == 404
    assert client.get("/reports/casework?area=city").status_code == 404
    assert client.get(f"/reports/casework?area=district:{small_world['north']}").status_code == 404
    url = f"/reports/casework/registrations.csv?area=office:{small_world['b']}"
    assert client.get(url).status_code == 404
    # Volunteering is not casework; the yearly report needs the reports permission.
    assert client.get("/reports/volunteering").status_code == 403
    assert client.get("/reports/yearly.pdf?year=2026").status_code == 403


def test_coordinator_sees_volunteers_and_matching_across_the_city(small_world, login):
    client = login("coordinator")
    assert client.get("/reports/volunteering?area=city").status_code == 200
    page = client.get(f"/reports/matching?area=district:{small_world['south']}")
    assert page.status_code == 200
    assert client.get(f"/reports/matching?area=office:{small_world['a']}").status_code == 404
    assert client.get("/reports/casework").status_code == 403
    index = client.get("/reports").get_data(as_text=True)
    assert "/reports/volunteering" in index and "/reports/casework" not in index
    assert "/reports/yearly.pdf" not in index


def test_reports_permission_sees_everything_and_the_yearly_report(small_world, login):
    client = login("reports")
    index = client.get("/reports").get_data(as_text=True)
    for section in ("casework", "aid", "referrals", "appointments", "volunteering", "matching"):
        assert f"/reports/{section}" in index
        assert client.get(f"/reports/{section}?period=2026-Q1").status_code == 200
    assert "/reports/yearly.pdf" in index
    for area in ("city", f"office:{small_world['b']}", "district:none"):
        assert client.get(f"/reports/casework?area={area}").status_code == 200
    csv_response = client.get("/reports/yearly.csv?year=2026")
    assert csv_response.status_code == 200
    assert "integration-report-2026.csv" in csv_response.headers["Content-Disposition"]


def test_volunteers_newcomers_and_strangers_see_no_reports(small_world, login, client):
    assert client.get("/reports/casework").status_code == 302  # to the sign-in page
    volunteer = login("volunteer")
    assert volunteer.get("/reports").status_code == 403
    assert volunteer.get("/reports/volunteering").status_code == 403


def test_only_fixed_periods_and_recent_years(small_world, login):
    client = login("reports")
    for bad in ("2026-01-01", "2026-13", "2019", "all", "2026-Q0", "1" * 30):
        assert client.get(f"/reports/casework?period={bad}").status_code == 404, bad
    assert client.get("/reports/nowhere").status_code == 404
    assert client.get("/reports/yearly.pdf?year=1999").status_code == 404
    assert client.get("/reports/yearly.pdf?year=2026&lang=xx").status_code == 404
    assert client.get("/reports/casework/aid_count.csv").status_code == 404  # wrong section


def test_exports_are_audited(app, small_world, login):
    from sqlalchemy import select

    from caseapp.audit.models import AuditEntry

    client = login("reports")
    client.get("/reports/casework/registrations.csv?period=2026")
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export_report"))
        assert entry.details["report"] == [None, "table:registrations"]


# --- what leaves is suppressed ---------------------------------------------------------------


def test_page_and_csv_show_the_same_suppressed_figures(small_world, login):
    client = login("reports")
    page = client.get("/reports/casework?period=2026&area=city").get_data(as_text=True)
    rows = rows_of(client.get("/reports/casework/registrations_sex.csv?period=2026&area=city"))
    assert rows[0].keys() >= {"Schlüssel", "Kennzahl", "Wert", "Wert (Zahl)"}
    # Two women, two men, one not stated: all small, all hidden; the total of 5 is shown.
    assert value(rows, "registrations_sex/sex:f/count|city|2026") == "<5"
    assert value(rows, "registrations_sex/all/count|city|2026") == "5"
    assert [r["Wert (Zahl)"] for r in rows if r["Wert"] == "<5"] == [""] * sum(
        r["Wert"] == "<5" for r in rows
    )
    assert "&lt;5" in page and ">2<" not in page


def test_csv_cells_cannot_become_formulas(app, small_world, login):
    with app.app_context():
        db.session.add(AidKind(name_de='=HYPERLINK("http://evil.example","Klick")'))
        db.session.commit()
    client = login("reports")
    response = client.get("/reports/aid/aid_count.csv?period=2026&area=city")
    text = response.data.decode("utf-8")
    assert "'=HYPERLINK" in text
    for row in csv.reader(io.StringIO(text[1:]), delimiter=";"):
        assert all(not cell.startswith(("=", "+", "-", "@")) for cell in row)


def _registrations(app, counts):
    """Registrations in January 2026: {(office, district): n} with office/district names."""
    with app.app_context():
        offices, districts = {}, {}
        n = 0
        for (office, district), count in counts.items():
            if office not in offices:
                offices[office] = Office(name=office, kind="integration_centre")
                db.session.add(offices[office])
            if district and district not in districts:
                districts[district] = District(name=district)
                db.session.add(districts[district])
            db.session.flush()
            for _i in range(count):
                n += 1
                created = datetime(2026, 1, 10, 10, tzinfo=BERLIN)
                person = Person(
                    office_id=offices[office].id,
                    given_name=f"G{n}",
                    family_name="Test",
                    district_id=districts[district].id if district else None,
                    created_at=created,
                )
                db.session.add(person)
                db.session.flush()
                case = Case(
                    case_number=f"D-{n}",
                    person_id=person.id,
                    office_id=offices[office].id,
                    created_at=created,
                )
                db.session.add(case)
                db.session.flush()
                db.session.add(CaseStatusChange(case_id=case.id, to_status="open", at=created))
        db.session.commit()
        return (
            {k: o.id for k, o in offices.items()},
            {k: d.id for k, d in districts.items()},
        )


def test_the_differencing_attack_isolates_nobody(app, login):
    """The city's new registrations minus those of every district would give the one person
    without a district; the city minus office Nord gives office Süd's single registration.
    Every filter shows a slice of one suppressed cube, so at least two figures of each such
    subtraction are hidden and the difference stays unknown."""
    offices, districts = _registrations(
        app,
        {
            ("Stelle Nord", "Nord"): 9,
            ("Stelle Nord", "Süd"): 6,
            ("Stelle Nord", None): 1,  # the person to protect
            ("Stelle Süd", "Süd"): 1,  # and this one
        },
    )
    client = login("reports")

    def total(area):
        url = f"/reports/casework/registrations.csv?period=2026-01&area={area}"
        return value(rows_of(client.get(url)), f"registrations/all/count|{area}|2026-01")

    city = total("city")
    by_district = [total(f"district:{d}") for d in districts.values()] + [total("district:none")]
    by_office = [total(f"office:{o}") for o in offices.values()]
    assert city == "17"
    assert by_district.count("<5") >= 2, by_district  # not only the one without a district
    assert by_office.count("<5") >= 2 or city == "<5", by_office
    # The same by period: January is shown in the quarter's page as well, never alone.
    quarter = rows_of(client.get("/reports/casework/registrations.csv?period=2026-Q1&area=city"))
    january = value(quarter, "registrations/all/count|city|2026-01")
    assert january == city


# --- right to left ----------------------------------------------------------------------------


def test_arabic_dashboard_is_right_to_left_with_numbers_left_to_right(small_world, login):
    client = login("reports", language="ar")
    page = client.get("/reports/casework?period=2026&area=city").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "<svg" in page and 'direction="rtl"' in page  # labels right to left
    assert '<bdi dir="ltr">5</bdi>' in page  # numbers stay left to right
    assert "<script" not in page.split("<main", 1)[1]  # charts need no script


def test_yearly_pdf_download_opens_and_has_the_sections(small_world, login):
    from pypdf import PdfReader

    client = login("reports")
    response = client.get("/reports/yearly.pdf?year=2026&lang=de")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "2026" in text and "2025" in text
