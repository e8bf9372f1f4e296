"""The registration form's live hint weighs what is typed beyond the names (issue 20): the
same AZR number shows the existing record whatever the spelling, another one rules it out."""

from __future__ import annotations

import html
import re

from tests.factories.people import _user, register
from tests.factories.web import Actions


def _hint(app, world, **typed):
    actions = Actions(app.test_client())
    actions.login(world["caseworker_a"])
    form = actions.client.get("/people/new").get_data(as_text=True)
    url = re.search(r'data-candidates-url="([^"]+)"', form).group(1)
    response = actions.post(url + "?lang=en", typed)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_the_live_hint_finds_the_record_with_the_same_azr_number(app, world):
    with app.app_context():
        person = register(
            _user(world["caseworker_a"]),
            world["office_a"],
            given_name="Abdulrahman",
            family_name="Al-Dschasim",
            birth_year=1979,
            birth_month=None,
            birth_day=None,
            azr_number="123456789012",
        )
        person_id = person.id
    # A spelling the name rules cannot bridge: found by the number, listed for a look.
    page = _hint(app, world, given_name="Abdel", family_name="Jasem", azr_number="1234 5678 9012")
    assert f"/people/{person_id}" in page and "same AZR number" in page
    # The same name and year: a namesake until the number says more.
    same_name = {"given_name": "Abdulrahman", "family_name": "Al-Dschasim", "birth_date": "1979"}
    assert f"/people/{person_id}" in _hint(app, world, **same_name)
    # Another AZR number: two persons, not shown.
    assert f"/people/{person_id}" not in _hint(app, world, **same_name, azr_number="999999999999")
    # A number still being typed says nothing yet.
    assert f"/people/{person_id}" in _hint(app, world, **same_name, azr_number="99999")


def test_the_live_hint_sends_the_papers_and_contacts(app):
    from pathlib import Path

    script = (Path(app.static_folder) / "js" / "candidates.js").read_text(encoding="utf-8")
    for name in ("azr_number", "birth_place", "father_name", "mother_name", "phone", "sex"):
        assert f'"{name}"' in script, name


def test_the_review_page_and_the_hint_show_what_speaks_against_apart(app, world):
    same = {"given_name": "Layla", "family_name": "Nasser", "birth_year": 1992,
            "birth_month": 9, "birth_day": 21, "phone": "0171 5550077", "sex": "f"}  # fmt: skip
    with app.app_context():
        worker = _user(world["caseworker_a"])
        register(worker, world["office_a"], birth_place="Aleppo", **same)
        register(worker, world["office_a"], birth_place="Kabul", **same)
    admin = Actions(app.test_client())
    admin.login(world["admin"])
    page = html.unescape(admin.client.get("/people/duplicates?lang=en").get_data(as_text=True))
    why = page[page.index("same phone number") :]
    assert why.index("Against:") < why.index("different place of birth")
    assert "same date of birth" in page[: page.index("Against:")]
    hint = _hint(app, world, given_name="Layla", family_name="Nasser", birth_date="21.09.1992",
                 phone="0171 5550077", birth_place="Kabul")  # fmt: skip
    assert "Against:" in hint and "different place of birth" in hint
