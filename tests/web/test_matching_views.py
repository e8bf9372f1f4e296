"""The matching workflow through the browser client: coordinator, caseworker, volunteer, portal."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from caseapp.extensions import db
from caseapp.matches.models import Match, MatchProposal, MatchRequest, MatchRound
from caseapp.volunteers.models import HoursEntry
from tests.factories.matching import TODAY, build
from tests.factories.matching_web import (
    matching_records,
)


def _coordinator(actions, world):
    assert actions.login(world["coordinator"]).status_code == 302


def test_coordinator_runs_a_round_and_reads_explanations(app, world, make_user, actions):
    ids = build(app, world, make_user)
    _coordinator(actions, world)
    page = actions.client.get("/matching/").get_data(as_text=True)
    assert "Willkommensbotschafter" in page and "Start a round" not in page  # German UI
    response = actions.post(f"/matching/programmes/{ids['programme_id']}/run", {})
    assert response.status_code == 302
    page = actions.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Amal Haddad" in page and "Emre Yıldız" in page
    assert "wartete 41 Tage" in page or "41 Tage" in page
    assert "Selam Tesfaye" in page  # unmatched, with the reason
    assert "Tigrinya" in page
    # Coordinators do not get links into case files.
    assert f"/people/{ids['people']['amal']}" not in page


def test_round_page_in_arabic_explains_in_arabic(app, world, make_user, actions):
    ids = build(app, world, make_user)
    _coordinator(actions, world)
    location = actions.post(f"/matching/programmes/{ids['programme_id']}/run", {}).headers[
        "Location"
    ]
    page = actions.client.get(location + "?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert "التغرينية" in page  # Tigrinya, named in Arabic
    assert "waited" not in page and "both speak" not in page


def test_accept_reject_lock_through_the_ui(app, world, make_user, actions):
    ids = build(app, world, make_user)
    _coordinator(actions, world)
    actions.post(f"/matching/programmes/{ids['programme_id']}/run", {})
    with app.app_context():
        amal = db.session.scalar(
            select(MatchProposal.id).where(MatchProposal.request_id == ids["requests"]["amal"])
        )
        emre = db.session.scalar(
            select(MatchProposal.id).where(MatchProposal.request_id == ids["requests"]["emre"])
        )
    response = actions.post(f"/matching/proposals/{emre}/lock", {"locked": "1"})
    assert response.status_code == 302
    # Rejecting needs a reason: the form comes back with the error.
    response = actions.post(f"/matching/proposals/{emre}/reject", {"reason": ""})
    assert response.status_code == 400
    response = actions.post(
        f"/matching/proposals/{amal}/accept", {"agreed_contact": "über das Büro"}
    )
    assert response.status_code == 302 and "/matching/matches/" in response.headers["Location"]
    page = actions.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "über das Büro" in page and "aktiv" in page
    response = actions.post(f"/matching/proposals/{emre}/reject", {"reason": "passt nicht"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(MatchProposal, emre).status == "rejected"
        assert db.session.get(MatchProposal, amal).status == "accepted"


def test_end_match_form_confirms_and_validates(app, world, make_user, actions):
    records = matching_records(app, world, make_user)
    _coordinator(actions, world)
    match_id = records["match_id"]
    page = actions.client.get(f"/matching/matches/{match_id}/end").get_data(as_text=True)
    assert "Grund" in page
    with app.app_context():
        version = db.session.get(Match, match_id).version
    response = actions.post(
        f"/matching/matches/{match_id}/end", {"reason": "other", "note": "", "version": version}
    )
    assert response.status_code == 400
    response = actions.post(
        f"/matching/matches/{match_id}/end",
        {"reason": "moved_away", "note": "", "version": version, "do_not_rematch": "y"},
    )
    assert response.status_code == 302
    with app.app_context():
        match = db.session.get(Match, match_id)
        assert match.status == "ended" and match.do_not_rematch
        assert db.session.get(MatchRequest, match.request_id).status == "waiting"
    # A stale form is refused with both versions side by side, and nothing is overwritten.
    response = actions.post(
        f"/matching/matches/{match_id}/contact",
        {"agreed_contact": "0170 999 stale", "version": version},
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "0170 999 stale" in page and "weggezogen" in page
    assert f"/matching/matches/{match_id}" in page  # back to the match as it is now
    with app.app_context():
        assert db.session.get(Match, match_id).agreed_contact == ""
    # Ending it again from a stale form: the reason saved meanwhile beside the one chosen.
    response = actions.post(
        f"/matching/matches/{match_id}/end",
        {"reason": "no_contact", "note": "", "version": version},
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "weggezogen" in page and "kein Kontakt" in page
    with app.app_context():
        assert db.session.get(Match, match_id).end_reason == "moved_away"


def test_waiting_list_filters_and_explains(app, world, make_user, actions):
    ids = build(app, world, make_user)
    _coordinator(actions, world)
    actions.post(f"/matching/programmes/{ids['programme_id']}/run", {})
    page = actions.client.get("/matching/waiting?language=ti").get_data(as_text=True)
    assert "Selam" in page and "Emre" not in page
    assert "41 Tage" in page
    page = actions.client.get(f"/matching/waiting?district={ids['districts']['nord']}").get_data(
        as_text=True
    )
    assert "Emre" in page and "Selam" not in page
    page = actions.client.get("/matching/waiting?gender=female").get_data(as_text=True)
    assert "Niemand wartet" in page or "Selam" not in page


def test_caseworker_adds_a_person_to_a_waiting_list_from_the_case_file(
    app, world, make_user, actions
):
    ids = build(app, world, make_user)
    from tests.factories.volunteers import make_programme

    with app.test_request_context():
        mentor = make_programme(kind="mentor", name_de="Mentoring")
        db.session.commit()
    actions.login(world["caseworker_a"])
    person = ids["people"]["amal"]
    page = actions.client.get(f"/people/{person}").get_data(as_text=True)
    assert "Willkommensbotschafter" in page and f"/matching/people/{person}/request" in page
    response = actions.post(
        f"/matching/people/{person}/request",
        {
            "programme": mentor,
            "waiting_since": (TODAY + timedelta(days=400)).isoformat(),
            "interests": "Schach",
        },
    )
    assert response.status_code == 400
    assert "Schach" in response.get_data(as_text=True)  # nothing typed is lost
    response = actions.post(
        f"/matching/people/{person}/request",
        {
            "programme": mentor,
            "waiting_since": TODAY.isoformat(),
            "availability": ["1-evening"],
            "gender_preference": "female",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(MatchRequest).where(MatchRequest.programme_id == mentor))
        assert row.availability == ["1-evening"] and row.gender_preference == "female"
    confirm = actions.client.get(f"/matching/requests/{row.id}/withdraw").get_data(as_text=True)
    assert "Von der Warteliste nehmen" in confirm
    with app.app_context():
        assert db.session.get(MatchRequest, row.id).status == "waiting"  # GET changes nothing
    response = actions.post(f"/matching/requests/{row.id}/withdraw", {})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(MatchRequest, row.id).status == "withdrawn"
    # Another office's caseworker cannot see or add the person.
    actions.logout()
    actions.login(world["caseworker_b"])
    assert actions.client.get(f"/matching/people/{person}/request").status_code == 404


def test_volunteer_sees_first_name_and_logs_a_check_in(app, world, make_user, actions):
    records = matching_records(app, world, make_user)
    with app.app_context():
        match = db.session.get(Match, records["match_id"])
        match.agreed_contact = "0170 555"
        db.session.commit()
        volunteer_email = match.volunteer.email
        given, family = match.person.given_name, match.person.family_name
    actions.login(volunteer_email)
    page = actions.client.get("/volunteer/me").get_data(as_text=True)
    assert given in page and family not in page and "0170 555" in page
    response = actions.post(
        "/volunteer/hours",
        {
            "programme": records["programme_id"],
            "match": records["match_id"],
            "day": TODAY.isoformat(),
            "minutes": "90",
            "activity": "Zusammen zur Ausländerbehörde",
            "submission_id": "x1",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(HoursEntry))
        assert entry.match_id == records["match_id"]
    actions.logout()
    _coordinator(actions, world)
    page = actions.client.get(f"/matching/matches/{records['match_id']}").get_data(as_text=True)
    assert "Zusammen zur Ausländerbehörde" in page


def test_case_timeline_and_portal_show_the_match(app, world, make_user, actions):
    records = matching_records(app, world, make_user)
    with app.app_context():
        match = db.session.get(Match, records["match_id"])
        match.volunteer.user.display_name = "Karin Vogel"
        person_id, volunteer_name = match.person_id, "Karin Vogel"
        from caseapp.auth.models import User
        from caseapp.portal.models import PortalAccess

        newcomer = db.session.scalar(select(User).where(User.email == world["newcomer"]))
        db.session.add(PortalAccess(person_id=person_id, user_id=newcomer.id))
        db.session.commit()
    actions.login(world["caseworker_a"])
    page = actions.client.get(f"/people/{person_id}").get_data(as_text=True)
    assert "Ehrenamtliche Begleitung" in page and volunteer_name in page
    actions.logout()
    actions.login(world["newcomer"])
    page = actions.client.get("/portal/?lang=ar").get_data(as_text=True)
    assert "Karin" in page and "Vogel" not in page
    assert "Willkommensbotschafter" in page or "سفراء الترحيب" in page


SENSITIVE = {
    "residence": "MARKER-RESIDENCE-4410",
    "street": "MARKER-STREET-8812",
    "original": "MARKER-ORIGINAL-NAME-3390",
    "note": "MARKER-CONSULTATION-7781",
    "family": "Markerfamily",
    "volunteer_phone": "+49 999 000 MARKER",
}


def test_least_data_on_every_matching_page_per_role(app, world, make_user, actions):
    """Markers in sensitive fields never reach volunteers, coordinators or the newcomer."""
    from caseapp.auth.models import User
    from caseapp.people import casework
    from caseapp.people.models import Person
    from caseapp.portal.models import PortalAccess
    from caseapp.volunteers.models import Volunteer

    records = matching_records(app, world, make_user)
    with app.test_request_context():
        match = db.session.get(Match, records["match_id"])
        person = db.session.get(Person, match.person_id)
        person.residence_status = SENSITIVE["residence"]
        person.street = SENSITIVE["street"]
        person.original_name = SENSITIVE["original"]
        person.family_name = SENSITIVE["family"]
        from datetime import UTC, datetime

        casework.log_consultation(
            None,
            person.case,
            casework.ConsultationData(
                at=datetime(2026, 11, 20, 9, tzinfo=UTC),
                duration_minutes=10,
                mode="phone",
                notes=SENSITIVE["note"],
            ),
            office_id=world["office_a"],
        )
        volunteer = db.session.get(Volunteer, match.volunteer_id)
        volunteer.phone = SENSITIVE["volunteer_phone"]
        volunteer_email = volunteer.email
        given_name = person.given_name
        newcomer = db.session.scalar(select(User).where(User.email == world["newcomer"]))
        db.session.add(PortalAccess(person_id=person.id, user_id=newcomer.id))
        db.session.commit()
        match_id, round_id = match.id, records["round_id"]

    pages = {
        volunteer_email: ["/home", "/volunteer/me", "/volunteer/hours", "/volunteer/profile"],
        world["coordinator"]: [
            "/home",
            "/matching/",
            f"/matching/rounds/{round_id}",
            f"/matching/rounds/{round_id}?status=accepted",
            "/matching/waiting",
            "/matching/matches?status=all",
            f"/matching/matches/{match_id}",
        ],
        world["newcomer"]: ["/portal/", "/portal/?lang=ar", "/portal/contact"],
    }
    forbidden = {
        volunteer_email: ["residence", "street", "original", "note", "family"],
        world["coordinator"]: ["residence", "street", "original", "note"],
        world["newcomer"]: ["volunteer_phone", "volunteer_email"],
    }
    markers = {**SENSITIVE, "volunteer_email": volunteer_email}
    for email, urls in pages.items():
        client = app.test_client()
        from tests.factories.web import Actions

        visitor = Actions(client)
        visitor.login(email)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (email, url, response.status_code)
            page = response.get_data(as_text=True)
            for key in forbidden[email]:
                assert markers[key] not in page, (email, url, key)
    # The pages do show what each side needs.
    client = app.test_client()
    Actions(client).login(volunteer_email)
    assert given_name in client.get("/volunteer/me").get_data(as_text=True)


def test_double_clicks_run_one_round_and_make_one_match(app, world, make_user, actions):
    ids = build(app, world, make_user)
    _coordinator(actions, world)
    url = f"/matching/programmes/{ids['programme_id']}/run"
    first = actions.post(url, {"submission_id": "7d4c0e7e-1a52-4f1b-9f43-0c1b1c0b5a11"})
    second = actions.post(url, {"submission_id": "7d4c0e7e-1a52-4f1b-9f43-0c1b1c0b5a11"})
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count(MatchRound.id))) == 1
        proposal = db.session.scalar(
            select(MatchProposal.id).where(MatchProposal.request_id == ids["requests"]["amal"])
        )
    token = {"submission_id": "0b6f3d1a-5a0e-4e43-8d36-2f5f3c1e9a22", "agreed_contact": ""}
    first = actions.post(f"/matching/proposals/{proposal}/accept", token)
    second = actions.post(f"/matching/proposals/{proposal}/accept", token)
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Match.id))) == 1


def test_accept_all_on_a_page_after_confirmation_skips_invalid_pairs(
    app, world, make_user, actions
):
    from caseapp.volunteers.models import Volunteer

    ids = build(app, world, make_user)
    _coordinator(actions, world)
    location = actions.post(f"/matching/programmes/{ids['programme_id']}/run", {}).headers[
        "Location"
    ]
    round_id = int(location.rstrip("/").split("/")[-1])
    confirm = actions.client.get(f"/matching/rounds/{round_id}/accept-page")
    page = confirm.get_data(as_text=True)
    assert "Amal Haddad" in page and "Emre Yıldız" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Match.id))) == 0  # GET changed nothing
        proposal_ids = db.session.scalars(
            select(MatchProposal.id).where(MatchProposal.round_id == round_id)
        ).all()
        db.session.get(Volunteer, ids["v1"]).user.active = False  # Amal's volunteer left
        db.session.commit()
    form = {
        "proposal": [str(i) for i in proposal_ids],
        "submission_id": "5e8f1c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
    }
    response = actions.post(f"/matching/rounds/{round_id}/accept-page", form)
    assert response.status_code == 302
    page = actions.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 Vermittlung wurde vereinbart." in page or "1 Vermittlung" in page
    assert "Amal" in page  # named among the refused
    again = actions.post(f"/matching/rounds/{round_id}/accept-page", form)
    assert again.headers["Location"] == response.headers["Location"]
    with app.app_context():
        matches = db.session.scalars(select(Match)).all()
        assert [m.volunteer_id for m in matches] == [ids["v2"]]
        statuses = {
            p.request_id: p.status
            for p in db.session.scalars(
                select(MatchProposal).where(MatchProposal.round_id == round_id)
            )
        }
        assert statuses[ids["requests"]["amal"]] == "proposed"  # still there to reject


def test_kuemmerer_round_page_shows_the_household(app, world, make_user, actions):
    from caseapp.auth.models import User
    from caseapp.matches import services
    from caseapp.people import casework
    from caseapp.people.models import Person

    ids = build(app, world, make_user, kind="kuemmerer")
    with app.test_request_context():
        worker = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        for key in ("amal", "selam"):
            services.withdraw_request(None, db.session.get(MatchRequest, ids["requests"][key]))
        selam = db.session.get(Person, ids["people"]["selam"])
        amal = db.session.get(Person, ids["people"]["amal"])
        casework.link_household(worker, amal, selam, role="spouse", other_role="head")
        services.create_request(
            None,
            selam,
            services.RequestData(programme_id=ids["programme_id"], waiting_since=TODAY),
            TODAY,
        )
        db.session.commit()
    _coordinator(actions, world)
    location = actions.post(f"/matching/programmes/{ids['programme_id']}/run", {}).headers[
        "Location"
    ]
    page = actions.client.get(location).get_data(as_text=True)
    assert "Selam Tesfaye" in page and "Haushalt mit 2 Personen" in page
    waiting = actions.client.get("/matching/waiting").get_data(as_text=True)
    assert "Haushalt mit 2 Personen" in waiting or "Selam" not in waiting


def test_volunteer_pausing_or_ending_takes_their_matches_along(app, world, make_user, actions):
    from caseapp.volunteers.models import Application

    records = matching_records(app, world, make_user)
    with app.app_context():
        match = db.session.get(Match, records["match_id"])
        email, volunteer_id = match.volunteer.email, match.volunteer_id
        application_id = db.session.scalar(
            select(Application.id).where(
                Application.volunteer_id == volunteer_id,
                Application.programme_id == records["programme_id"],
            )
        )
    actions.login(email)
    page = actions.client.get(f"/volunteer/programmes/{application_id}/pause").get_data(
        as_text=True
    )
    assert 'method="post"' in page  # a confirmation first
    actions.post(f"/volunteer/programmes/{application_id}/pause", {})
    with app.app_context():
        assert db.session.get(Match, records["match_id"]).status == "paused"
    actions.post(f"/volunteer/programmes/{application_id}/end", {})
    with app.app_context():
        match = db.session.get(Match, records["match_id"])
        assert match.status == "ended" and match.end_reason == "volunteer_stopped"
        assert db.session.get(MatchRequest, match.request_id).status == "waiting"


def test_thank_you_page_counts_newcomers_accompanied_this_year(app, world, make_user, actions):
    matching_records(app, world, make_user)
    _coordinator(actions, world)
    page = actions.client.get(f"/coordination/volunteers/thanks?year={TODAY.year}").get_data(
        as_text=True
    )
    assert "1 neu zugewanderte Person begleitet" in page
    earlier = actions.client.get(f"/coordination/volunteers/thanks?year={TODAY.year - 1}").get_data(
        as_text=True
    )
    assert "begleitet" not in earlier


def test_a_large_round_runs_as_a_job_with_a_progress_page_then_the_round(
    app, world, make_user, actions, monkeypatch
):
    ids = build(app, world, make_user)
    _coordinator(actions, world)
    # Every round counts as large here: the button hands it to the background worker.
    monkeypatch.setitem(app.config, "MATCHING_INLINE_PAIRS", 0)
    url = f"/matching/programmes/{ids['programme_id']}/run"
    token = {"submission_id": "5f0c8a5e-2a51-4a6e-9d0a-6f4f2b7d1c33"}
    response = actions.post(url, token)
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    # A double click finds the same job.
    assert actions.post(url, token).headers["Location"] == response.headers["Location"]
    job_page = actions.client.get(response.headers["Location"] + "?lang=en")
    text = job_page.get_data(as_text=True)
    assert "Matching round" in text
    result = actions.client.get(response.headers["Location"] + "/result")
    assert result.status_code == 302 and "/matching/rounds/" in result.headers["Location"]
    page = actions.client.get(result.headers["Location"]).get_data(as_text=True)
    assert "Amal Haddad" in page and "Selam Tesfaye" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(MatchRound.id))) == 1


def test_round_size_decides_pruning(app, world, make_user):
    from caseapp.matches import services

    assert services.candidates_cap(10_000 * 3_000) is None  # exact
    assert services.candidates_cap(50_000 * 20_000) == services.rounds.PRUNED_CANDIDATES
    ids = build(app, world, make_user)
    with app.app_context():
        from caseapp.volunteers.models import Programme

        programme = db.session.get(Programme, ids["programme_id"])
        waiting = db.session.scalar(
            select(func.count(MatchRequest.id)).where(
                MatchRequest.programme_id == programme.id, MatchRequest.status == "waiting"
            )
        )
        assert waiting > 0 and services.round_size(programme) % waiting == 0
