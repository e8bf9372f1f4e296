"""The public service directory and the management of services by their offices."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from caseapp.extensions import db
from caseapp.offices.models import District
from caseapp.referrals.models import Service
from tests.factories.web import Actions


def _services(app, world):
    from caseapp.referrals import directory

    with app.test_request_context():
        west = District(name="Weststadt")
        north = District(name="Nordstadt")
        db.session.add_all([west, north])
        db.session.flush()
        housing = directory.create_service(
            None,
            directory.ServiceData(
                office_id=world["office_a"],
                name_de="Wohnraumberatung",
                name_ar="استشارات السكن",
                name_tr="Konut danışmanlığı",
                description_de="Hilfe bei der Wohnungssuche",
                need_areas=["housing"],
                district_ids=[west.id],
                languages=["de", "ar"],
            ),
            date(2026, 11, 1),
        )
        work = directory.create_service(
            None,
            directory.ServiceData(
                office_id=world["office_b"],
                name_de="Arbeitsvermittlung",
                need_areas=["work"],
                languages=["de", "tr"],
                capacity="waiting_list",
            ),
            date(2026, 11, 1),
        )
        hidden = directory.create_service(
            None,
            directory.ServiceData(
                office_id=world["office_b"],
                name_de="Alter Dienst",
                need_areas=["work"],
                active=False,
            ),
            date(2026, 11, 1),
        )
        db.session.commit()
        return {
            "west": west.id,
            "north": north.id,
            "housing": housing.id,
            "work": work.id,
            "hidden": hidden.id,
        }


def test_public_directory_search_without_login(app, world, client):
    ids = _services(app, world)
    page = client.get("/directory/").get_data(as_text=True)
    assert "Wohnraumberatung" in page and "Arbeitsvermittlung" in page
    assert "Alter Dienst" not in page
    by_text = client.get("/directory/?q=wohnungssuche").get_data(as_text=True)
    assert "Wohnraumberatung" in by_text and "Arbeitsvermittlung" not in by_text
    by_need = client.get("/directory/?need=work").get_data(as_text=True)
    assert "Arbeitsvermittlung" in by_need and "Wohnraumberatung" not in by_need
    # Districts: a service without districts serves the whole city.
    north = client.get(f"/directory/?district={ids['north']}").get_data(as_text=True)
    assert "Arbeitsvermittlung" in north and "Wohnraumberatung" not in north
    west = client.get(f"/directory/?district={ids['west']}").get_data(as_text=True)
    assert "Wohnraumberatung" in west and "Arbeitsvermittlung" in west
    # lang= filters by a language spoken there and shows the page in that language.
    arabic = client.get("/directory/?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in arabic and "استشارات السكن" in arabic
    assert "Arbeitsvermittlung" not in arabic
    turkish = client.get("/directory/?lang=tr").get_data(as_text=True)
    assert "Arbeitsvermittlung" in turkish and "Konut danışmanlığı" not in turkish
    detail = client.get(f"/directory/{ids['housing']}?lang=de")
    assert detail.status_code == 200 and "Weststadt" in detail.get_data(as_text=True)
    assert client.get(f"/directory/{ids['hidden']}").status_code == 404
    assert client.get("/directory/?district=abc&need=<script>&q=%27%22").status_code == 200


def test_office_members_manage_their_own_services_only(app, world):
    ids = _services(app, world)
    b = Actions(app.test_client())
    b.login(world["caseworker_b"])
    assert b.client.get(f"/referrals/services/{ids['housing']}/edit").status_code == 404
    form = {
        "office": world["office_a"],  # not their office
        "name_de": "Fremder Dienst",
        "need_areas": ["work"],
        "capacity": "accepting",
        "response_days": 5,
        "active": "y",
    }
    refused = b.post("/referrals/services/new?lang=en", form)
    assert refused.status_code == 400
    form["office"] = world["office_b"]
    form["response_days"] = 0
    assert b.post("/referrals/services/new?lang=en", form).status_code == 400
    form["response_days"] = 4
    form["need_areas"] = []
    no_need = b.post("/referrals/services/new?lang=en", form)
    assert "Choose at least one need area" in no_need.get_data(as_text=True)
    form["need_areas"] = ["work", "language"]
    assert b.post("/referrals/services/new", form).status_code == 302
    with app.app_context():
        created = db.session.scalar(select(Service).where(Service.name_de == "Fremder Dienst"))
        assert created.office_id == world["office_b"]
        assert created.need_areas == ["language", "work"]
        version = created.version
    edit = dict(form, capacity="not_accepting", version=version)
    assert b.post(f"/referrals/services/{created.id}/edit", edit).status_code == 302
    stale = b.post(
        f"/referrals/services/{created.id}/edit?lang=en", dict(edit, capacity="waiting_list")
    )
    assert stale.status_code == 409
    # The shared conflict page: what is saved now beside what was typed, and a way back.
    page = stale.get_data(as_text=True)
    assert (
        "Saved meanwhile" in page and "Not accepting referrals" in page and "Waiting list" in page
    )
    assert f'href="/referrals/services/{created.id}/edit"' in page
    with app.app_context():
        changed = db.session.get(Service, created.id)
        assert changed.capacity == "not_accepting" and changed.capacity_set_on is not None
        assert db.session.scalar(select(func.count(Service.id))) == 4


def test_xss_in_service_texts_renders_inert(app, world, client):
    from caseapp.referrals import directory

    with app.test_request_context():
        directory.create_service(
            None,
            directory.ServiceData(
                office_id=world["office_a"],
                name_de="<script>alert('x')</script>",
                description_ar="<img src=x onerror=alert(1)> مرحبا",
                need_areas=["health"],
                languages=["ar"],
            ),
            date(2026, 11, 1),
        )
        db.session.commit()
    page = client.get("/directory/?lang=ar").get_data(as_text=True)
    assert "&lt;img src=x" in page
    assert "<script>alert" not in page and "<img src=x" not in page
