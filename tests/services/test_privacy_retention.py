"""Retention: what is due is anonymised or deleted, nothing else; a dry run changes nothing;
a second run does nothing; an interrupted run leaves no half-anonymised person and the next
run carries it on; a legal hold keeps a case; erasure needs four eyes; report figures stay."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.core.clock import utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.outbox.models import OutboxMessage
from caseapp.people import casework
from caseapp.people.models import (
    AidKind,
    CaseStatusChange,
    Consultation,
    Person,
    PersonSearchKey,
)
from caseapp.privacy import retention, services
from caseapp.privacy.models import AnonymisedPerson, DeletionLogEntry, RetentionRun
from caseapp.privacy.retention import anonymise as anonymise_module
from caseapp.web.throttle import Attempt
from tests.factories.people import TODAY, _user, register


def _closed(worker, office, years_ago: float, **kw) -> Person:
    person = register(worker, office, **kw)
    casework.log_consultation(
        worker,
        person.case,
        casework.ConsultationData(
            at=utcnow() - timedelta(days=365 * years_ago + 10),
            duration_minutes=30,
            mode="phone",
            notes="Sehr persönliche Notiz",
        ),
        office_id=office,
    )
    case = person.case
    case.status, case.closed_reason = "closed", "goals_reached"
    db.session.add(
        CaseStatusChange(
            case_id=case.id,
            from_status="active",
            to_status="closed",
            reason="goals_reached",
            at=utcnow() - timedelta(days=int(365 * years_ago)),
        )
    )
    db.session.commit()
    return person


@pytest.fixture
def worker(ctx, world):
    return _user(world["caseworker_a"])


def test_a_case_closed_long_ago_is_anonymised_and_figures_keep_their_fields(worker, world):
    old = _closed(
        worker, world["office_a"], 4, given_name="Alt", family_name="Fall", phone="0171 5"
    )
    recent = _closed(worker, world["office_a"], 1, given_name="Neu", family_name="Fall")
    birth_year, sex, district = old.birth_year, old.sex, old.district_id

    outcome = retention.run(None)

    db.session.expire_all()
    old, recent = db.session.get(Person, old.id), db.session.get(Person, recent.id)
    assert (old.given_name, old.family_name, old.phone, old.email, old.street) == ("",) * 5
    assert old.birth_year == birth_year and old.birth_month is None and old.birth_day is None
    assert (old.sex, old.district_id) == (sex, district)
    assert (
        db.session.scalar(select(Consultation.notes).where(Consultation.case_id == old.case.id))
        == ""
    )
    assert not db.session.scalar(select(func.count()).where(PersonSearchKey.person_id == old.id))
    assert recent.given_name == "Neu"
    run = db.session.get(RetentionRun, outcome.run_id)
    assert run.status == "done"
    lines = {(line["kind"], line["action"]): line for line in run.summary}
    assert lines[("person", "anonymised")]["count"] == 1
    assert lines[("consultation", "emptied")]["rule"] == "closed_case"
    # The deletion log says what and how many, never whose.
    log_text = json.dumps(
        [[e.kind, e.action, e.rule, e.count] for e in db.session.scalars(select(DeletionLogEntry))]
    )
    assert "Alt" not in log_text and str(old.id) not in log_text.replace("1]", "")

    # A second run finds nothing more to do.
    again = retention.run(None)
    assert [line for line in again.summary if line["count"]] == []


def test_a_dry_run_counts_and_changes_nothing(worker, world):
    old = _closed(worker, world["office_a"], 4, given_name="Alt")
    outcome = retention.run(None, dry_run=True)
    assert {(x["kind"], x["count"]) for x in outcome.summary} >= {("person", 1)}
    db.session.expire_all()
    assert db.session.get(Person, old.id).given_name == "Alt"
    assert db.session.get(RetentionRun, outcome.run_id).dry_run


def test_legal_hold_and_recent_aid_keep_a_person(worker, world):
    held = _closed(worker, world["office_a"], 4, given_name="Gehalten")
    aided = _closed(worker, world["office_a"], 4, given_name="Hilfe")
    services.set_hold(_user(world["admin"]), held, "Gerichtsverfahren")
    kind = AidKind(name_de="Zuschuss")
    db.session.add(kind)
    db.session.flush()
    casework.record_aid(
        worker,
        aided.case,
        kind_id=kind.id,
        given_on=TODAY - timedelta(days=365 * 4 + 30),
        value_cents=5000,
        note="",
        override_reason="",
        office_id=aided.office_id,
        today=TODAY,
    )
    db.session.commit()
    retention.run(None)
    db.session.expire_all()
    assert db.session.get(Person, held.id).given_name == "Gehalten"
    assert db.session.get(Person, aided.id).given_name == "Hilfe"
    # Lifting the hold lets the next run anonymise; the aid ledger rule can be shortened.
    services.lift_hold(_user(world["admin"]), db.session.get(Person, held.id))
    retention.set_days(_user(world["admin"]), {"aid_ledger": 365})
    db.session.commit()
    retention.run(None)
    db.session.expire_all()
    assert db.session.get(Person, held.id).given_name == ""
    assert db.session.get(Person, aided.id).given_name == ""


def test_an_interrupted_run_leaves_no_half_anonymised_person_and_is_carried_on(
    worker, world, monkeypatch
):
    people = [_closed(worker, world["office_a"], 4, given_name=f"P{i}") for i in range(3)]
    real = anonymise_module.anonymise_person
    calls = {"n": 0}

    def failing(person_id, **kw):
        calls["n"] += 1
        if calls["n"] == 2:
            # Part of the second person's work is flushed, then the process "dies".
            db.session.execute(
                Consultation.__table__.update()
                .values(notes="")
                .where(Consultation.case_id == db.session.get(Person, person_id).case.id)
            )
            raise KeyboardInterrupt("killed")
        return real(person_id, **kw)

    monkeypatch.setattr(anonymise_module, "anonymise_person", failing)
    with pytest.raises(KeyboardInterrupt):
        retention.run(None, batch=1)
    db.session.rollback()
    db.session.expire_all()
    names = [db.session.get(Person, p.id).given_name for p in people]
    assert names == ["", "P1", "P2"]
    # The second person is untouched: not half anonymised.
    assert (
        db.session.scalar(
            select(Consultation.notes).where(Consultation.case_id == people[1].case.id)
        )
        == "Sehr persönliche Notiz"
    )
    stopped = db.session.scalar(select(RetentionRun))
    assert stopped.status == "running"

    monkeypatch.setattr(anonymise_module, "anonymise_person", real)
    outcome = retention.run(None, batch=1)
    assert outcome.run_id == stopped.id  # carried on, not started anew
    db.session.expire_all()
    assert [db.session.get(Person, p.id).given_name for p in people] == ["", "", ""]
    run = db.session.get(RetentionRun, stopped.id)
    assert run.status == "done"
    assert {(x["kind"], x["action"]): x["count"] for x in run.summary}[
        ("person", "anonymised")
    ] == 3
    assert db.session.scalar(select(func.count()).select_from(AnonymisedPerson)) == 3


def test_old_audit_entries_outbox_bodies_and_portal_attempts_go(worker, world, clock):
    now = utcnow()
    db.session.add_all(
        [
            AuditEntry(
                action="view", record_type="person", record_id=1, at=now - timedelta(days=800)
            ),
            AuditEntry(
                action="view", record_type="person", record_id=1, at=now - timedelta(days=10)
            ),
            OutboxMessage(
                recipient="a@example.org",
                subject="Termin",
                body_text="Ihr Termin",
                status="sent",
                created_at=now - timedelta(days=40),
            ),
            OutboxMessage(
                recipient="b@example.org",
                subject="Termin",
                body_text="Ihr Termin",
                status="sent",
                created_at=now - timedelta(days=2),
            ),
            Attempt(
                kind="portal", key="L26-AAAAAA", address="10.0.0.1", at=now - timedelta(days=31)
            ),
            Attempt(
                kind="portal", key="L26-AAAAAA", address="10.0.0.1", at=now - timedelta(days=1)
            ),
        ]
    )
    db.session.commit()
    outcome = retention.run(None)
    counts = {(x["kind"], x["action"]): x["count"] for x in outcome.summary}
    assert counts[("audit", "deleted")] == 1
    assert counts[("message", "emptied")] == 1
    assert counts[("portal_attempt", "deleted")] == 1
    bodies = sorted(db.session.scalars(select(OutboxMessage.body_text)))
    assert bodies == ["", "Ihr Termin"]
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_erasure_needs_a_second_account_with_the_data_protection_permission(
    worker, world, make_user
):
    person = register(worker, world["office_a"], given_name="Löschen", family_name="Bitte")
    dpo = _user(make_user("data_protection", email="dpo@test.example"))
    dpo2 = _user(make_user("data_protection", email="dpo2@test.example"))
    request = services.request_erasure(dpo, person, "Antrag nach Art. 17")
    db.session.commit()
    with pytest.raises(ValidationFailed):
        services.confirm_erasure(dpo, request.id)  # the same account
    with pytest.raises(ValidationFailed):
        services.confirm_erasure(worker, request.id)  # no permission
    services.set_hold(_user(world["admin"]), person, "Prüfung")
    with pytest.raises(ValidationFailed):
        services.confirm_erasure(dpo2, request.id)  # on legal hold
    services.lift_hold(_user(world["admin"]), person)
    services.confirm_erasure(dpo2, request.id)
    db.session.commit()
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert person.given_name == "" and person.case.status == "closed"
    assert retention.is_anonymised(person.id)
    assert (
        db.session.scalar(
            select(func.count()).where(
                DeletionLogEntry.rule == "erasure",
                DeletionLogEntry.kind == "person",
                DeletionLogEntry.action == "anonymised",
            )
        )
        == 1
    )


def test_retention_cli_dry_run_json(app, worker, world):
    _closed(worker, world["office_a"], 4)
    result = CliRunner().invoke(app.cli, ["retention", "run", "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["dry_run"] is True
    assert {(x["kind"], x["count"]) for x in data["lines"]} >= {("person", 1)}
    result = CliRunner().invoke(app.cli, ["retention", "run"])
    assert result.exit_code == 0 and "anonymised" in result.output


def test_the_schedule_has_the_retention_run(app):
    from caseapp import features

    names = [p.name for p in features.periodic_entries()]
    assert "privacy.retention" in names


def test_report_figures_are_the_same_after_anonymising_everyone(app, ctx):
    from caseapp.reports.indicators import INDICATORS
    from caseapp.reports.services import Report
    from tests.factories import reports_world

    reports_world.build()
    db.session.commit()

    def figures():
        report = Report(2026, stored=False)
        return {key: (report.cube(key).measures, report.cube(key).hidden) for key in INDICATORS}

    before = figures()
    for person_id in db.session.scalars(select(Person.id).order_by(Person.id)).all():
        retention.anonymise_person(person_id, rule="erasure")
        db.session.commit()
    assert db.session.scalar(select(func.count()).where(Person.given_name != "")) == 0
    assert figures() == before


def test_open_requests_follow_the_survivor_of_a_merge(worker, world):
    from caseapp.people import merging
    from caseapp.privacy.models import ErasureRequest, ExportRequest

    survivor = register(worker, world["office_a"], given_name="Bleibt")
    removed = register(worker, world["office_a"], given_name="Geht")
    services.request_export(worker, removed, via="office")
    services.request_erasure(worker, removed, "")
    merging.merge_people(_user(world["admin"]), survivor, removed, {})
    db.session.commit()
    assert db.session.scalar(select(ExportRequest.person_id)) == survivor.id
    assert db.session.scalar(select(ErasureRequest.person_id)) == survivor.id


def test_a_rejected_applicant_is_anonymised_after_six_months(ctx, world, make_user):
    from caseapp.auth.models import User
    from caseapp.volunteers.models import Application, Volunteer
    from tests.factories.volunteers import make_programme

    programme = make_programme()
    old = _user(make_user("volunteer", email="old@test.example", name="Alte Bewerbung"))
    new = _user(make_user("volunteer", email="new-applicant@test.example", name="Neu"))
    for user, days in ((old, 200), (new, 20)):
        volunteer = Volunteer(user_id=user.id, phone="0171 9", skills="Kochen")
        db.session.add(volunteer)
        db.session.flush()
        db.session.add(
            Application(
                volunteer_id=volunteer.id,
                programme_id=programme,
                status="declined",
                decided_at=utcnow() - timedelta(days=days),
                decline_reason="Zu wenig Zeit",
            )
        )
    db.session.commit()
    outcome = retention.run(None)
    counts = {(x["kind"], x["action"]): x["count"] for x in outcome.summary}
    assert counts[("volunteer", "anonymised")] == 1
    assert counts[("volunteer_application", "emptied")] == 1
    db.session.expire_all()
    old, new = db.session.get(User, old.id), db.session.get(User, new.id)
    assert old.display_name == "" and not old.active and "old@" not in old.email
    assert new.display_name == "Neu" and new.active
    reasons = sorted(db.session.scalars(select(Application.decline_reason)))
    assert reasons == ["", "Zu wenig Zeit"]
    # Nothing more to do the second time.
    again = retention.run(None)
    assert [x for x in again.summary if x["count"]] == []
