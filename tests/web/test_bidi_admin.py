"""Right-to-left in the coordinator's and administrator's pages (issue 12 §1): on Arabic pages
of matching, offices, accounts and the audit log every name, date, address and list item sits
in its own isolate, lists use the Arabic comma and arrows point the way Arabic reads."""

from __future__ import annotations

from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.extensions import db
from tests.factories.bidi import assert_isolated
from tests.factories.matching_web import matching_records


def _arabic(actions, email):
    assert actions.login(email).status_code == 302
    actions.post("/account/language", {"language": "ar"})
    return actions


def _page(actions, url) -> str:
    response = actions.client.get(url)
    assert response.status_code == 200, url
    page = response.get_data(as_text=True)
    assert 'dir="rtl"' in page
    return page


def test_matching_pages_isolate_names_programmes_and_dates_in_arabic(
    app, world, make_user, actions
):
    ids = matching_records(app, world, make_user)
    _arabic(actions, world["coordinator"])
    with app.test_request_context("/?lang=ar"):
        from caseapp.matches.models import Match, MatchRound
        from caseapp.web.bidi import date_filter, datetime_filter

        match = db.session.get(Match, ids["match_id"])
        person, volunteer = match.person.full_name, match.volunteer.name
        since = str(date_filter(app.jinja_env, match.started_on, "medium")).split(">")[1][:-5]
        started = db.session.get(MatchRound, ids["round_id"]).started_at
        round_date = str(datetime_filter(app.jinja_env, started, "short")).split(">")[1][:-5]

    page = _page(actions, "/matching/matches?status=all")
    assert_isolated(page, [person, volunteer, since])
    page = _page(actions, f"/matching/matches/{ids['match_id']}")
    assert_isolated(page, [volunteer, since])
    page = _page(actions, f"/matching/rounds/{ids['round_id']}")
    assert_isolated(page, ["Selam Tesfaye", round_date])
    assert "→" not in page.split("<main", 1)[1]
    page = _page(actions, "/matching/waiting")
    assert_isolated(page, ["Selam Tesfaye"])
    page = _page(actions, "/matching/districts")
    assert_isolated(page, ["Altstadt", "Nordstadt", "Hafen"])


def test_office_account_and_audit_pages_isolate_values_in_arabic(app, world, actions):
    from caseapp.audit import services as audit

    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == world["admin"]))
        admin_id = admin.id
        audit.record(
            admin,
            "update",
            "user",
            admin.id,
            details={"display_name": [None, "Rania Khalil"], "active": [True, False]},
        )
        db.session.commit()
    _arabic(actions, world["admin"])
    page = _page(actions, f"/offices/{world['office_a']}")
    assert_isolated(page, ["Integrationszentrum A"])
    page = _page(actions, "/admin/users/?status=all")
    assert_isolated(page, ["Integrationszentrum A", "cw-a@test.example"])
    page = _page(actions, "/admin/audit/?record_type=user")
    main = page.split("<main", 1)[1]
    assert "→" not in main and "None" not in main and "True" not in main
    assert "display_name" not in main  # the field's label, not its stored key
    assert_isolated(page, ["Rania Khalil"])
    assert "<dd>— ← <bdi>Rania Khalil</bdi></dd>" in main
    # The actor's name leads to their entries; the filter shows whose they are.
    page = _page(actions, f"/admin/audit/?actor={admin_id}")
    assert '<select class="form-select" id="actor" name="actor">' in page
    assert f'<option value="{admin_id}" selected dir="auto">' in page


def test_office_hours_are_left_to_right_islands_joined_by_the_language(app, world, actions):
    from datetime import time

    from caseapp.offices.models import OpeningHours

    with app.app_context():
        db.session.add_all(
            [
                OpeningHours(
                    office_id=world["office_a"], weekday=0, opens=time(8), closes=time(12)
                ),
                OpeningHours(
                    office_id=world["office_a"], weekday=0, opens=time(13, 30), closes=time(16)
                ),
            ]
        )
        db.session.commit()
    _arabic(actions, world["admin"])
    page = _page(actions, f"/offices/{world['office_a']}")
    assert '<bdi dir="ltr">08:00–12:00</bdi>، <bdi dir="ltr">13:30–16:00</bdi>' in page
