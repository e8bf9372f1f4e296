"""Admins manage offices through the UI: validation, double submission, concurrent edits."""

from __future__ import annotations

from sqlalchemy import func, select

from caseapp.extensions import db
from caseapp.offices.models import District, Office
from tests.factories.web import Actions


def _form(**overrides):
    data = {
        "name": "Gesundheitsamt Nordstadt",
        "kind": "health_office",
        "street": "Am Markt 1",
        "postcode": "58762",
        "city": "Altena",
        "phone": "+49 2352 1234",
        "email": "ga@altena.example",
        "website": "https://altena.example/ga",
        "languages": ["ar", "de"],
        "active": "y",
        "hours_0": "08:00-12:00",
        "hours_3": "08:00-12:00, 14:00-18:00",
        "notes": "Eingang B",
    }
    data.update(overrides)
    return data


def test_admin_creates_office_with_hours_and_sees_it(app, world, actions):
    actions.login(world["admin"])
    response = actions.post("/offices/new?lang=en", _form())
    assert response.status_code == 302
    detail = actions.client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "Gesundheitsamt Nordstadt" in detail and "Health office" in detail
    assert "Thursday" in detail and "2:00" in detail  # Babel formats the hours
    assert "Arabic" in detail


def test_bad_input_keeps_typed_values_and_explains_each_field(app, world, actions):
    actions.login(world["admin"])
    response = actions.post(
        "/offices/new?lang=en",
        _form(
            name="   ",
            postcode="123",
            email="not-an-email",
            website="ftp:/x",
            hours_1="9 to 5",
            notes="x" * 10_000,
            street="Straße der Einheit 5",
        ),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "A German postcode has five digits." in page
    assert "Enter a valid e-mail address." in page
    assert "Write times like 08:00-12:00, 13:30-16:00." in page or "08:00" in page
    assert 'value="Straße der Einheit 5"' in page  # nothing typed is lost
    with app.app_context():
        assert db.session.scalar(select(func.count(Office.id))) == 2  # only the fixture offices


def test_hours_errors_are_reported_on_the_day(app, world, actions):
    actions.login(world["admin"])
    response = actions.post("/offices/new?lang=en", _form(hours_1="12:00-08:00"))
    assert response.status_code == 400
    assert "The closing time must be after the opening time." in response.get_data(as_text=True)


def test_double_submission_creates_one_office(app, world, actions):
    actions.login(world["admin"])
    form = _form(submission_id="6f1d7c9e-3b7a-4c1e-9a51-2f7c8e0d4b11")
    first = actions.post("/offices/new", form)
    second = actions.post("/offices/new", form)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(Office.id)).where(Office.name == "Gesundheitsamt Nordstadt")
            )
            == 1
        )


def test_concurrent_edit_shows_changed_meanwhile(app, world):
    first, second = Actions(app.test_client()), Actions(app.test_client())
    first.login(world["admin"])
    second.login(world["admin"])
    office = world["office_a"]
    with app.app_context():
        version = db.session.get(Office, office).version
    ok = first.post(
        f"/offices/{office}/edit", _form(name="Integrationszentrum Mitte", version=version)
    )
    assert ok.status_code == 302
    clash = second.post(
        f"/offices/{office}/edit?lang=en", _form(name="Integrationszentrum Süd", version=version)
    )
    assert clash.status_code == 409
    page = clash.get_data(as_text=True)
    assert "Integrationszentrum Mitte" in page and "Integrationszentrum Süd" in page
    assert f"/offices/{office}/edit" in page  # edit the current version again
    with app.app_context():
        assert db.session.get(Office, office).name == "Integrationszentrum Mitte"


def test_districts_are_managed_and_offered_on_the_office_form(app, world, actions):
    actions.login(world["admin"])
    assert actions.post("/offices/districts", {"name": "Hafenviertel"}).status_code == 302
    duplicate = actions.post("/offices/districts?lang=en", {"name": "hafenviertel"})
    assert duplicate.status_code == 400
    assert "A district with this name already exists." in duplicate.get_data(as_text=True)
    with app.app_context():
        district_id = db.session.scalar(select(District.id))
    assert "Hafenviertel" in actions.client.get("/offices/new").get_data(as_text=True)
    response = actions.post("/offices/new", _form(districts=[str(district_id)]))
    assert response.status_code == 302


def test_office_list_sorts_searches_and_has_empty_state(app, world, actions):
    actions.login(world["caseworker_a"])
    page = actions.client.get("/offices/?sort=-name").get_data(as_text=True)
    assert page.index("Jobcenter B") < page.index("Integrationszentrum A")
    empty = actions.client.get("/offices/?q=zzz&lang=en").get_data(as_text=True)
    assert "No office matches your search." in empty


def test_xss_in_office_fields_renders_inert(app, world, actions):
    actions.login(world["admin"])
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>مرحبا'
    response = actions.post("/offices/new", _form(name="Büro " + payload[:60], notes=payload))
    assert response.status_code == 302
    page = actions.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
