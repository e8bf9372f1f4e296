"""Admins create and change accounts through the UI."""

from __future__ import annotations

from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.extensions import db
from tests.factories.web import Actions


def test_admin_creates_caseworker_who_can_sign_in(app, world, actions):
    actions.login(world["admin"])
    response = actions.post(
        "/admin/users/new",
        {
            "display_name": "Ayşe Demir",
            "email": "Ayse.Demir@Lotse.example",
            "roles": ["caseworker"],
            "offices": [str(world["office_b"])],
            "preferred_language": "tr",
            "password": "sicheres langes Passwort",
        },
    )
    assert response.status_code == 302
    newcomer = Actions(app.test_client())
    assert newcomer.login("ayse.demir@lotse.example", "sicheres langes Passwort").status_code == 302
    page = newcomer.client.get("/home").get_data(as_text=True)
    assert '<html lang="tr"' in page and "Jobcenter B" in page


def test_caseworker_without_office_and_short_staff_password_are_refused(app, world, actions):
    actions.login(world["admin"])
    response = actions.post(
        "/admin/users/new?lang=en",
        {
            "display_name": "Max",
            "email": "max@lotse.example",
            "roles": ["caseworker"],
            "preferred_language": "de",
            "password": "elevenchars",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "A caseworker must belong to at least one office." in page
    assert "Use at least 12 characters." in page
    assert 'value="max@lotse.example"' in page and "elevenchars" not in page


def test_admin_edits_roles_and_offices(app, world, actions):
    actions.login(world["admin"])
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == world["volunteer"]))
        user_id, version = user.id, user.version
    response = actions.post(
        f"/admin/users/{user_id}",
        {
            "display_name": "Karin Vogel",
            "email": world["volunteer"],
            "roles": ["volunteer", "coordinator"],
            "offices": [str(world["office_a"])],
            "preferred_language": "ar",
            "active": "y",
            "version": version,
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.role_set == {"volunteer", "coordinator"}
        assert user.office_ids == {world["office_a"]}
    history = actions.client.get(f"/admin/audit/?record_type=user&record_id={user_id}").get_data(
        as_text=True
    )
    assert "coordinator" in history


def test_stale_account_edit_is_refused(app, world, actions):
    actions.login(world["admin"])
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == world["newcomer"]))
        user_id, version = user.id, user.version
    form = {
        "display_name": "A",
        "email": world["newcomer"],
        "roles": ["newcomer"],
        "preferred_language": "ar",
        "active": "y",
        "version": version,
    }
    assert actions.post(f"/admin/users/{user_id}", form).status_code == 302
    stale = actions.post(f"/admin/users/{user_id}", dict(form, display_name="B"))
    assert stale.status_code == 409
    # Both versions side by side, in the form's words, and a way back to the current version.
    page = stale.get_data(as_text=True)
    assert "<bdi>A</bdi>" in page and "<bdi>B</bdi>" in page and "العربية" in page
    assert f"/admin/users/{user_id}" in page


def test_admin_resets_password(app, world, actions):
    actions.login(world["admin"])
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == world["volunteer"]))
    assert (
        actions.post(
            f"/admin/users/{user_id}/password", {"password": "neues Passwort 2026"}
        ).status_code
        == 302
    )
    assert (
        Actions(app.test_client()).login(world["volunteer"], "neues Passwort 2026").status_code
        == 302
    )


def test_user_list_filters(app, world, actions):
    actions.login(world["admin"])
    page = actions.client.get("/admin/users/?role=caseworker").get_data(as_text=True)
    assert "cw-a@test.example" in page and "vol@test.example" not in page
    page = actions.client.get(f"/admin/users/?office={world['office_b']}").get_data(as_text=True)
    assert "cw-b@test.example" in page and "cw-a@test.example" not in page
