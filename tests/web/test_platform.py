"""Health check, error pages and the CLI."""

from __future__ import annotations

from sqlalchemy import func, select

from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.offices.models import Office
from caseapp.reports.models import ConsultationBarrier


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"


def test_unexpected_error_shows_translated_page_without_traceback(app):
    from caseapp.app import create_app

    broken = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})

    def explode():
        raise RuntimeError("secret internals")

    explode.access_rule = __import__("caseapp.web.access", fromlist=["x"]).AccessRule(
        roles=frozenset(), public=True
    )
    broken.add_url_rule("/explode", "explode", explode)
    response = broken.test_client().get("/explode?lang=tr")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in page and "Traceback" not in page
    assert '<html lang="tr"' in page


def test_seed_demo_is_idempotent_and_prints_logins(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "admin@lotse.example" in first.output
    # every demo account is listed once, the data-protection officer (a feature's) included
    assert first.output.count("datenschutz@lotse.example") == 1
    assert first.output.count("admin@lotse.example") == 1
    with app.app_context():
        tags_after_first = db.session.scalar(select(func.count(ConsultationBarrier.id)))
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    with app.app_context():
        # The barrier roll-up of the integration report has something to show, once.
        assert tags_after_first > 10
        assert db.session.scalar(select(func.count(ConsultationBarrier.id))) == tags_after_first
        offices = db.session.scalars(select(Office)).all()
        kinds = {o.kind for o in offices}
        assert len(offices) >= 3 and len(kinds) >= 3
        assert len({d.name for o in offices for d in o.districts}) >= 3
        for office in offices:
            if office.kind != "coordination_office":
                staff = [m for m in office_members(office.id) if "caseworker" in m.role_set]
                assert len(staff) >= 2


def office_members(office_id):
    return [u for u in db.session.scalars(select(User)) if office_id in u.office_ids]


def test_users_create_cli(app, make_office):
    make_office(name="Jobcenter Weststadt")
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "cli@lotse.example",
            "--role",
            "caseworker",
            "--office",
            "Jobcenter Weststadt",
            "--password",
            "a long cli password",
        ]
    )
    assert result.exit_code == 0, result.output
    bad = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "cli2@lotse.example",
            "--role",
            "caseworker",
            "--password",
            "short",
        ]
    )
    assert bad.exit_code == 1
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "cli@lotse.example"))
        assert user.role_set == {"caseworker"} and len(user.office_ids) == 1
