"""Rounds, decisions and the match lifecycle against the real database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from caseapp.auth.models import User
from caseapp.core.errors import StaleVersion
from caseapp.extensions import db
from caseapp.matches import services
from caseapp.matches.models import Match, MatchProposal, MatchRequest, MatchRound, MatchUnmatched
from caseapp.outbox.models import OutboxMessage
from caseapp.people.models import Person
from caseapp.volunteers.models import Programme, Volunteer
from tests.factories.matching import TODAY, build


@pytest.fixture
def setup(app, world, make_user):
    return build(app, world, make_user)


def _run(ids, today=TODAY, **kw):
    programme = db.session.get(Programme, ids["programme_id"])
    outcome = services.run_round(None, programme, today, **kw)
    db.session.commit()
    return outcome


def _proposal(ids, request_key, round_id=None) -> MatchProposal | None:
    stmt = select(MatchProposal).where(MatchProposal.request_id == ids["requests"][request_key])
    if round_id:
        stmt = stmt.where(MatchProposal.round_id == round_id)
    return db.session.scalars(stmt.order_by(MatchProposal.id.desc())).first()


def test_round_stores_best_pairs_with_explanations_and_explains_the_unmatched(app, setup):
    ids = setup
    with app.test_request_context():
        outcome = _run(ids)
        assert outcome.round is not None
        pairs = {
            (p.request_id, p.volunteer_id)
            for p in db.session.scalars(
                select(MatchProposal).where(MatchProposal.round_id == outcome.round.id)
            )
        }
        assert pairs == {(ids["requests"]["amal"], ids["v1"]), (ids["requests"]["emre"], ids["v2"])}
        amal = _proposal(ids, "amal")
        codes = [r["code"] for r in amal.reasons]
        assert "shared_language" in codes and "same_district" in codes and "waited_days" in codes
        waited = next(r for r in amal.reasons if r["code"] == "waited_days")
        assert waited["params"]["days"] == 41
        emre = _proposal(ids, "emre")
        assert (
            any(r["code"] == "neighbouring_district" for r in emre.reasons) is False
        )  # Nordstadt ↔ Nordstadt
        selam = db.session.scalar(
            select(MatchUnmatched).where(MatchUnmatched.request_id == ids["requests"]["selam"])
        )
        assert selam.reason["code"] == "no_candidate_language"
        assert selam.reason["params"]["languages"] == ["ti"]
        assert selam.near_misses and "no_shared_language" in selam.near_misses[0]["failed"]
        assert "arrange_interpreter" in selam.near_misses[0]["fixes"]
        assert outcome.round.stats["matched"] == 2 and outcome.round.stats["unmatched"] == 1
        assert set(outcome.timings) >= {"load", "candidates", "score", "solve", "store", "total"}


def test_dry_run_stores_nothing(app, setup):
    with app.test_request_context():
        outcome = _run(setup, dry_run=True)
        assert outcome.round is None and outcome.result.stats["matched"] == 2
        assert db.session.scalar(select(func.count(MatchRound.id))) == 0
        assert db.session.scalar(select(func.count(MatchProposal.id))) == 0


def test_accept_makes_a_match_and_tells_both_sides_in_their_language(app, setup):
    ids = setup
    with app.test_request_context():
        from caseapp.people import casework

        amal = db.session.get(Person, ids["people"]["amal"])
        amal.email = "amal@example.org"
        amal.phone = "+49 170 5550101"
        casework.record_consent(
            None,
            amal.case,
            purpose="reminders",
            receiving_office_id=None,
            scope="",
            given_on=TODAY,
            form="written",
            today=TODAY,
        )
        volunteer_user = db.session.get(Volunteer, ids["v1"]).user
        volunteer_user.preferred_language = "tr"
        db.session.commit()
        _run(ids)
        match = services.accept(None, _proposal(ids, "amal"), TODAY, "0170 1234567")
        db.session.commit()
        assert match.status == "active"
        assert match.started_on == TODAY and match.planned_end_on == date(2027, 5, 30)
        assert db.session.get(MatchRequest, ids["requests"]["amal"]).status == "matched"
        to_volunteer = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.recipient == volunteer_user.email)
        )
        assert to_volunteer.language == "tr"
        assert "Amal" in to_volunteer.body_text and "Haddad" not in to_volunteer.body_text
        assert "0170 1234567" in to_volunteer.body_text
        to_newcomer = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.recipient == "amal@example.org")
        )
        assert to_newcomer.language == "ar"
        assert volunteer_user.display_name.split()[0] in to_newcomer.body_text
        sms = db.session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "sms"))
        assert sms.recipient == "+49 170 5550101" and sms.language == "ar"
        assert volunteer_user.display_name.split()[0] in sms.body_text and len(sms.body_text) < 300
        # Accepting twice is refused.
        with pytest.raises(services.ValidationFailed):
            services.accept(None, _proposal(ids, "amal"), TODAY)


def test_rejected_pair_is_not_proposed_again(app, setup):
    ids = setup
    with app.test_request_context():
        _run(ids)
        services.reject(None, _proposal(ids, "amal"), "Kennen sich aus der Nachbarschaft, Konflikt")
        db.session.commit()
        second = _run(ids)
        newest = _proposal(ids, "amal", second.round.id)
        assert newest is None or newest.volunteer_id != ids["v1"]
        unmatched = db.session.scalar(
            select(MatchUnmatched).where(
                MatchUnmatched.round_id == second.round.id,
                MatchUnmatched.request_id == ids["requests"]["amal"],
            )
        )
        assert unmatched is not None
        with pytest.raises(services.ValidationFailed):
            services.reject(None, newest or _proposal(ids, "emre", second.round.id), "  ")


def test_locked_pair_stays_and_older_proposals_are_superseded(app, setup):
    ids = setup
    with app.test_request_context():
        first = _run(ids)
        services.set_locked(None, _proposal(ids, "emre"), True)
        db.session.commit()
        second = _run(ids)
        kept = _proposal(ids, "emre", second.round.id)
        assert kept.locked and kept.volunteer_id == ids["v2"]
        statuses = set(
            db.session.scalars(
                select(MatchProposal.status).where(MatchProposal.round_id == first.round.id)
            )
        )
        assert statuses == {"superseded"}
        assert db.session.get(MatchRound, first.round.id).status == "superseded"


def test_proposal_invalid_on_acceptance_is_flagged_not_accepted(app, setup):
    ids = setup
    with app.test_request_context():
        _run(ids)
        db.session.get(Volunteer, ids["v1"]).user.active = False  # deactivated meanwhile
        emre_volunteer = db.session.get(Volunteer, ids["v2"])
        emre_volunteer.capacity = 1
        db.session.commit()
        with pytest.raises(services.ProposalNoLongerValid) as caught:
            services.accept(None, _proposal(ids, "amal"), TODAY)
        assert "inactive" in caught.value.failed
        db.session.rollback()
        # Capacity used up elsewhere between proposal and acceptance.
        other = db.session.get(MatchRequest, ids["requests"]["selam"])
        db.session.add(
            Match(
                request_id=other.id,
                programme_id=ids["programme_id"],
                person_id=other.person_id,
                volunteer_id=ids["v2"],
                started_on=TODAY,
                planned_end_on=TODAY,
            )
        )
        db.session.commit()
        with pytest.raises(services.ProposalNoLongerValid) as caught:
            services.accept(None, _proposal(ids, "emre"), TODAY)
        assert caught.value.failed == ["no_capacity"]


def test_ending_puts_the_newcomer_back_keeping_waiting_time_and_honours_do_not_rematch(app, setup):
    ids = setup
    with app.test_request_context():
        _run(ids)
        match = services.accept(None, _proposal(ids, "amal"), TODAY)
        db.session.commit()
        later = TODAY + timedelta(days=30)
        services.end(None, match, "conflict", later, do_not_rematch=True)
        db.session.commit()
        match_request = db.session.get(MatchRequest, ids["requests"]["amal"])
        assert match_request.status == "waiting"
        # 41 days waited before; the 30 matched days do not count as waiting.
        assert (later - match_request.waiting_since).days == 41
        ended = db.session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.dedupe_key == f"match-{match.id}-ended-volunteer"
            )
        )
        assert ended.language == "de" and "beendet" in ended.subject
        again = _run(ids, today=later)
        newest = _proposal(ids, "amal", again.round.id)
        assert newest is None or newest.volunteer_id != ids["v1"]
        with pytest.raises(services.ValidationFailed):
            services.end(None, match, "completed", later)


def test_completed_match_closes_the_request_and_other_needs_a_note(app, setup):
    ids = setup
    with app.test_request_context():
        _run(ids)
        match = services.accept(None, _proposal(ids, "emre"), TODAY)
        db.session.commit()
        with pytest.raises(services.ValidationFailed) as caught:
            services.end(None, match, "other", TODAY, note=" ")
        assert "note" in caught.value.errors
        with pytest.raises(services.ValidationFailed):
            services.end(None, match, "bored", TODAY)
        services.pause(None, match)
        services.resume(None, match)
        services.end(None, match, "completed", TODAY)
        db.session.commit()
        assert db.session.get(MatchRequest, ids["requests"]["emre"]).status == "done"


def test_a_stale_change_of_a_match_is_refused_and_changes_nothing(app, setup):
    ids = setup
    with app.test_request_context():
        _run(ids)
        match = services.accept(None, _proposal(ids, "amal"), TODAY)
        db.session.commit()
        loaded = match.version
        services.update_contact(None, match, "über das Büro", loaded_version=loaded)
        db.session.commit()
        with pytest.raises(StaleVersion) as caught:
            services.update_contact(None, match, "0170 999", loaded_version=loaded)
        assert caught.value.current is match
        with pytest.raises(StaleVersion):
            services.end(None, match, "completed", TODAY, loaded_version=loaded)
        db.session.rollback()
        match = db.session.get(Match, match.id)
        assert match.agreed_contact == "über das Büro" and match.status == "active"


def test_round_without_trained_volunteers_or_weights_still_completes(app, setup):
    ids = setup
    with app.test_request_context():
        services.save_settings(
            None,
            db.session.get(Programme, ids["programme_id"]),
            dict.fromkeys(
                (
                    "needs_skills",
                    "interests",
                    "age",
                    "language_level",
                    "distance",
                    "waiting_time",
                    "continuity",
                ),
                0,
            ),
            "A2",
        )
        db.session.commit()
        zero = _run(ids)
        assert zero.result.stats["matched"] == 2  # all weights zero: still as many as possible
        for v in db.session.scalars(select(Volunteer)):
            v.applications[0].status = "approved"  # nobody trained
        db.session.commit()
        none = _run(ids)
        assert none.result.stats["matched"] == 0
        reasons = {
            u.reason["code"]
            for u in db.session.scalars(
                select(MatchUnmatched).where(MatchUnmatched.round_id == none.round.id)
            )
        }
        assert reasons == {"no_eligible_volunteer"}


def test_bad_settings_and_duplicate_requests_are_refused(app, setup):
    ids = setup
    with app.test_request_context():
        programme = db.session.get(Programme, ids["programme_id"])
        with pytest.raises(services.ValidationFailed):
            services.save_settings(None, programme, {"age": -1}, "A2")
        with pytest.raises(services.ValidationFailed):
            services.save_settings(None, programme, {}, "Z9")
        person = db.session.get(Person, ids["people"]["amal"])
        with pytest.raises(services.ValidationFailed) as caught:
            services.create_request(
                None,
                person,
                services.RequestData(programme_id=programme.id, waiting_since=TODAY),
                TODAY,
            )
        assert "programme" in caught.value.errors
        with pytest.raises(services.ValidationFailed) as caught:
            services.create_request(
                None,
                person,
                services.RequestData(programme_id=None, waiting_since=TODAY + timedelta(days=1)),
                TODAY,
            )
        assert set(caught.value.errors) == {"programme", "waiting_since"}


def test_kuemmerer_requests_cover_the_household(app, world, make_user):
    ids = build(app, world, make_user, kind="kuemmerer")
    with app.test_request_context():
        from caseapp.matches import adapters
        from caseapp.people import casework

        worker = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        selam = db.session.get(Person, ids["people"]["selam"])
        amal = db.session.get(Person, ids["people"]["amal"])
        services.withdraw_request(None, db.session.get(MatchRequest, ids["requests"]["selam"]))
        services.withdraw_request(None, db.session.get(MatchRequest, ids["requests"]["amal"]))
        casework.link_household(worker, amal, selam, role="spouse", other_role="head")
        match_request = services.create_request(
            None,
            selam,
            services.RequestData(programme_id=ids["programme_id"], waiting_since=TODAY),
            TODAY,
        )
        db.session.commit()
        assert match_request.household_id is not None
        with pytest.raises(services.ValidationFailed) as twice:  # the spouse: same household
            services.create_request(
                None,
                amal,
                services.RequestData(programme_id=ids["programme_id"], waiting_since=TODAY),
                TODAY,
            )
        assert "programme" in twice.value.errors
        profile = next(
            n
            for n in adapters.load_newcomers(db.session.get(Programme, ids["programme_id"]), TODAY)
            if n.id == match_request.id
        )
        assert profile.household_size == 2 and set(profile.languages) == {"ar", "ti"}
        outcome = _run(ids)
        assert (match_request.id, ids["v1"]) in {
            (p.newcomer_id, p.volunteer_id) for p in outcome.result.proposals
        }


def test_cli_run_dry_run_and_json(app, setup):
    import json

    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["matching", "run", "--programme", "willkommensbotschafter", "--dry-run", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["dry_run"] is True and payload["round_id"] is None
    assert payload["stats"]["matched"] == 2
    assert {u["reason"] for u in payload["unmatched"]} == {"no_candidate_language"}
    with app.app_context():
        assert db.session.scalar(select(func.count(MatchRound.id))) == 0
    result = runner.invoke(args=["matching", "run", "--programme", str(setup["programme_id"])])
    assert result.exit_code == 0 and "2 proposals" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(MatchRound.id))) == 1
    pruned = runner.invoke(
        args=["matching", "run", "--programme", "mentor", "--dry-run", "--max-candidates", "1"]
    )
    assert pruned.exit_code != 0  # no programme of that kind here
    pruned = runner.invoke(
        args=[
            "matching",
            "run",
            "--programme",
            "Willkommensbotschafter",
            "--dry-run",
            "--json",
            "--max-candidates",
            "1",
        ]
    )
    assert pruned.exit_code == 0 and json.loads(pruned.output)["stats"]["matched"] == 2
    bad = runner.invoke(args=["matching", "run", "--programme", "Gibt es nicht"])
    assert bad.exit_code != 0 and "no single programme" in bad.output


def test_the_solver_runs_outside_a_database_transaction(app, setup, world, monkeypatch):
    """SQLite takes its write lock at BEGIN: a long solve must not hold it against others."""
    from caseapp.matches import engine
    from tests.factories.web import Actions

    seen = []
    original = engine.run_round

    def spy(*args, **kwargs):
        seen.append(db.session().in_transaction())
        return original(*args, **kwargs)

    monkeypatch.setattr(services.engine, "run_round", spy)
    coordinator = Actions(app.test_client())
    coordinator.login(world["coordinator"])  # the round as the coordinator's button runs it
    response = coordinator.post(f"/matching/programmes/{setup['programme_id']}/run", {})
    with app.test_request_context():
        assert seen == [False] and response.status_code == 302
        assert db.session.scalar(select(func.count(MatchProposal.id))) == 2
