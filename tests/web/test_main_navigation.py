"""The main menu is rendered once per worker for each language and set of roles
(web/nav.py main_navigation): what one role or language sees never shows for another."""

from __future__ import annotations


def _menu(html: str) -> str:
    start = html.index('<ul class="navbar-nav me-auto">')
    return html[start : html.index("</ul>", start)]


def test_the_menu_follows_the_roles_and_language_of_the_reader(app, world, actions):
    assert actions.login(world["caseworker_a"]).status_code == 302
    caseworker = _menu(actions.client.get("/home").get_data(as_text=True))
    assert "Personen und Fälle" in caseworker and "/people/" in caseworker
    assert "Benutzerkonten" not in caseworker and "/users/" not in caseworker
    arabic = _menu(actions.client.get("/home?lang=ar").get_data(as_text=True))
    assert "Personen und Fälle" not in arabic and "/people/" in arabic
    actions.client.get("/home?lang=de")
    actions.logout()

    assert actions.login(world["volunteer"]).status_code == 302
    volunteer = _menu(actions.client.get("/home").get_data(as_text=True))
    assert "/people/" not in volunteer and "/volunteer/me" in volunteer
    actions.logout()

    assert actions.login(world["admin"]).status_code == 302
    admin = _menu(actions.client.get("/home").get_data(as_text=True))
    assert "/users/" in admin and "/audit/" in admin
    actions.logout()

    assert actions.login(world["caseworker_a"]).status_code == 302
    assert _menu(actions.client.get("/home").get_data(as_text=True)) == caseworker
    assert len(app.extensions["lotse_main_navigation"]) >= 4  # one per language and roles
