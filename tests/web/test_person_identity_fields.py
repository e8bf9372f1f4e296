"""The papers' identity details (place of birth, parents' names, AZR number) through the pages
and the API: registered, shown, edited, imported, merged; a bad AZR number loses nothing typed."""

from __future__ import annotations

import html
import io
import re

from sqlalchemy import select

from caseapp.extensions import db
from caseapp.people.models import Person
from tests.factories.api import api_records, bearer
from tests.factories.people import _user, register
from tests.factories.people_web import _person_id, _register
from tests.factories.web import Actions

PAPERS = {
    "birth_place": "Aleppo",
    "father_name": "Abdullah Al-Hassan",
    "mother_name": "خديجة",
    "azr_number": "1234 5678 9012",
}


def _caseworker(app, world) -> Actions:
    actions = Actions(app.test_client())
    actions.login(world["caseworker_a"])
    return actions


def _stored(app, person_id: int) -> tuple:
    with app.app_context():
        p = db.session.get(Person, person_id)
        return p.birth_place, p.father_name, p.mother_name, p.azr_number


def _input(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page)
    assert match, name
    return match.group(0)


def test_registered_details_are_stored_with_the_azr_number_as_digits_and_shown(app, world):
    actions = _caseworker(app, world)
    response = _register(actions, **PAPERS)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    person_id = _person_id(response)
    assert _stored(app, person_id) == ("Aleppo", "Abdullah Al-Hassan", "خديجة", "123456789012")
    page = actions.client.get(f"/people/{person_id}?lang=en").get_data(as_text=True)
    for label in ("Place of birth", "Father's name", "Mother's name", "AZR number"):
        assert label in html.unescape(page), label
    assert "Aleppo" in page and "Abdullah Al-Hassan" in page and "خديجة" in page
    assert "123456789012" in page


def test_a_person_without_them_shows_no_empty_rows(app, world):
    actions = _caseworker(app, world)
    person_id = _person_id(_register(actions))
    page = actions.client.get(f"/people/{person_id}?lang=en").get_data(as_text=True)
    assert "Place of birth" not in page and "AZR number" not in page


def test_the_form_labels_and_describes_the_fields(app, world):
    page = _caseworker(app, world).client.get("/people/new?lang=en").get_data(as_text=True)
    assert "Identity details" in page
    for name in PAPERS:
        assert f'<label class="form-label" for="{name}"' in page, name
    assert 'aria-describedby="azr_number-help"' in _input(page, "azr_number")
    assert "12 digits, on letters from the immigration office." in page
    assert 'dir="ltr"' in _input(page, "azr_number")
    for name in ("birth_place", "father_name", "mother_name"):
        assert 'dir="auto"' in _input(page, name), name


def test_edit_prefills_changes_and_empties_the_details(app, world):
    actions = _caseworker(app, world)
    person_id = _person_id(_register(actions, **PAPERS))
    form = actions.client.get(f"/people/{person_id}/edit").get_data(as_text=True)
    assert 'value="Aleppo"' in _input(form, "birth_place")
    assert 'value="123456789012"' in _input(form, "azr_number")
    assert 'value="خديجة"' in _input(form, "mother_name")
    with app.app_context():
        version = db.session.get(Person, person_id).version
    base = {
        "given_name": "Mohammed",
        "family_name": "Al-Hassan",
        "birth_date": "1988-03-14",
        "sex": "m",
        "version": str(version),
        **PAPERS,
    }
    changed = dict(base, birth_place="Damaskus", azr_number="٩٨٧٦٥٤٣٢١٠٩٨", father_name="")
    response = actions.post(f"/people/{person_id}/edit", changed)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _stored(app, person_id) == ("Damaskus", "", "خديجة", "987654321098")
    page = actions.client.get(f"/people/{person_id}?lang=en").get_data(as_text=True)
    assert "Damaskus" in page and "Father's name" not in html.unescape(page)


def test_a_bad_azr_number_is_explained_and_nothing_typed_is_lost(app, world):
    actions = _caseworker(app, world)
    typed = dict(PAPERS, azr_number="1234 5678 90")
    response = _register(actions, **typed)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    message = "An AZR number has 12 digits. Spaces between them are fine."
    assert f'<div id="azr_number-error" class="invalid-feedback d-block">{message}</div>' in page
    field = _input(page, "azr_number")
    assert 'value="1234 5678 90"' in field and 'aria-invalid="true"' in field
    assert "azr_number-error" in field
    assert f'href="#azr_number">AZR number: {message}</a>' in page  # the summary links to it
    assert 'value="Aleppo"' in page and 'value="Abdullah Al-Hassan"' in page
    assert 'value="خديجة"' in page and 'value="Mohammed"' in page
    with app.app_context():
        assert db.session.scalar(select(Person.id)) is None


def test_the_azr_message_is_translated(app, world):
    actions = _caseworker(app, world)
    form = {
        "given_name": "Mohammed",
        "family_name": "Al-Hassan",
        "birth_date": "1988",
        "sex": "m",
        "azr_number": "12345-678901",
    }
    english = actions.post("/people/new?lang=en", form).get_data(as_text=True)
    german = actions.post("/people/new?lang=de", form).get_data(as_text=True)
    assert "An AZR number has 12 digits." in english
    error = re.search(r'<div id="azr_number-error"[^>]*>([^<]+)</div>', german)
    assert error and 'value="12345-678901"' in german
    if "AZR-Nummer" in error.group(1):  # once the catalogs have the new strings
        assert "An AZR number" not in error.group(1)


def test_a_name_like_a_formula_is_refused_as_in_the_other_name_fields(app, world):
    response = _register(_caseworker(app, world), father_name="=HYPERLINK(1)")
    assert response.status_code == 400
    assert 'id="father_name-error"' in response.get_data(as_text=True)


# --- import -----------------------------------------------------------------------------

HEADER = (
    "external_id;given_name;family_name;birth_date;sex;nationality;languages;district;phone;email"
)


def _import(app, world, text: str) -> str:
    admin = Actions(app.test_client())
    admin.login(world["admin"])
    response = admin.post(
        "/people/import?lang=en",
        {"office": str(world["office_a"]), "file": (io.BytesIO(text.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    return response.get_data(as_text=True)


def _by_external_id(app, external_id: str) -> tuple | None:
    with app.app_context():
        p = db.session.scalar(select(Person).where(Person.external_id == external_id))
        return None if p is None else (p.birth_place, p.father_name, p.mother_name, p.azr_number)


def test_import_reads_the_optional_columns_and_refuses_a_bad_azr_number(app, world):
    page = _import(
        app,
        world,
        f"{HEADER};birth_place;father_name;mother_name;azr_number\n"
        "A1;Rania;Khalil;1990;f;SY;ar;;;;Aleppo;Ibrahim Khalil;Samira;1234 5678 9012\n"
        "A2;Yonas;Haile;1985;m;ER;ti;;;;Asmara;;;\n"
        "A3;Zahra;Ahmadi;1992;f;AF;fa;;;;Kabul;;;12345\n",
    )
    assert "2 persons added" in page and "1 row rejected" in page
    assert "azr_number: An AZR number has 12 digits. Spaces between them are fine." in page
    assert _by_external_id(app, "A1") == ("Aleppo", "Ibrahim Khalil", "Samira", "123456789012")
    assert _by_external_id(app, "A2") == ("Asmara", "", "", "")
    assert _by_external_id(app, "A3") is None
    # A file without the columns leaves what the persons have.
    again = _import(app, world, f"{HEADER}\nA1;Rania;Khalil;1990;f;SY;ar;;;\n")
    assert "1 row unchanged" in again or "unchanged" in again
    assert _by_external_id(app, "A1") == ("Aleppo", "Ibrahim Khalil", "Samira", "123456789012")


def test_the_import_page_names_the_optional_columns(app, world):
    admin = Actions(app.test_client())
    admin.login(world["admin"])
    page = admin.client.get("/people/import?lang=en").get_data(as_text=True)
    assert "birth_place,father_name,mother_name,azr_number" in page


# --- merge ------------------------------------------------------------------------------


def _two_records(app, world) -> tuple[int, int]:
    with app.app_context():
        worker = _user(world["caseworker_a"])
        a = register(worker, world["office_a"], father_name="Abdullah", azr_number="111111111111")
        b = register(
            worker,
            world["office_a"],
            given_name="Muhammad",
            birth_place="Aleppo",
            mother_name="Khadija",
            azr_number="222222222222",
        )
        return a.id, b.id


def test_merge_keeps_a_value_only_one_record_has(app, world):
    a, b = _two_records(app, world)
    admin = Actions(app.test_client())
    admin.login(world["admin"])
    page = admin.client.get(f"/people/merge?a={a}&b={b}&lang=en").get_data(as_text=True)
    assert "Place of birth" in page and "AZR number" in page
    # Where only B has a value, B's is chosen already; otherwise A's.
    assert re.search(r'id="birth_place-b" value="b" checked', page)
    assert re.search(r'id="azr_number-a" value="a" checked', page)
    assert re.search(r'id="father_name-a" value="a" checked', page)
    merged = admin.post(f"/people/merge?a={a}&b={b}", {"survivor": "a"})
    assert merged.status_code == 302
    assert _stored(app, a) == ("Aleppo", "Abdullah", "Khadija", "111111111111")


def test_merge_follows_the_administrators_choice(app, world):
    a, b = _two_records(app, world)
    admin = Actions(app.test_client())
    admin.login(world["admin"])
    choices = {"survivor": "b", "azr_number": "a", "birth_place": "a", "father_name": "a"}
    assert admin.post(f"/people/merge?a={a}&b={b}", choices).status_code == 302
    with app.app_context():
        assert db.session.get(Person, a).merged_into_id == b
    # B stays; A's AZR number and father were chosen, and A's empty place of birth.
    assert _stored(app, b) == ("", "Abdullah", "Khadija", "111111111111")


# --- API --------------------------------------------------------------------------------


def test_api_registers_and_answers_the_details(app, client, world):
    records = api_records(app, world)
    secret = records["tokens"]["cw_a"]
    body = {"given_name": "Samer", "family_name": "Darwish", "birth_date": "1979", **PAPERS}
    created = client.post(
        "/api/v1/persons", json={**body, "confirm_new": True}, headers=bearer(secret)
    )
    assert created.status_code == 201, created.get_json()
    answer = client.get(created.headers["Location"], headers=bearer(secret)).get_json()
    assert {k: answer[k] for k in PAPERS} == dict(PAPERS, azr_number="123456789012")
    bad = client.post(
        "/api/v1/persons",
        json={**body, "azr_number": "ABC", "confirm_new": True},
        headers=bearer(secret, **{"Accept-Language": "en"}),
    )
    assert bad.status_code == 400
    assert bad.get_json()["errors"]["azr_number"] == [
        "An AZR number has 12 digits. Spaces between them are fine."
    ]
    spec = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for name in ("PersonCreate", "Person"):
        assert set(PAPERS) <= set(spec[name]["properties"]), name
