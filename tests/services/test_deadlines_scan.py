"""The deadline scan on a real database: derived deadlines, warnings once, missed deadlines,
reminders in the newcomer's language through a real SMTP server on loopback."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from caseapp.auth.models import User
from caseapp.core.clock import local_today, utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.deadlines import catalogue, services, wording
from caseapp.deadlines.models import Deadline, DeadlineKind, DeadlineWarning
from caseapp.deadlines.scan import scan
from caseapp.extensions import db
from caseapp.outbox.models import OutboxMessage
from caseapp.outbox.senders import ChannelSender, SmtpSender, SmtpSettings
from caseapp.outbox.services import deliver_due
from caseapp.people.models import NextStep, Person
from tests.factories.appointments import setup_office


@pytest.fixture
def setup(app, make_user):
    office = setup_office(app, make_user)
    with app.test_request_context():
        catalogue.install_defaults()
        db.session.commit()
    return office


def _person(app, setup, *, language="de", consent=True, email=None, **kw) -> int:
    from caseapp.people import casework
    from caseapp.people import services as people
    from caseapp.people.validation import PersonData

    with app.test_request_context():
        worker = db.session.get(User, setup["worker_ids"][0])
        person = people.register_person(
            worker,
            PersonData(
                given_name="Ayşe",
                family_name="Yıldız",
                birth_year=1985,
                languages=[{"code": language, "level": "native"}],
                email=email or f"{language}@example.org",
                **kw,
            ),
            office_id=setup["office"],
            caseworker_id=worker.id,
            today=local_today(),
        )
        if consent:
            casework.record_consent(
                worker,
                person.case,
                purpose="reminders",
                receiving_office_id=None,
                scope="",
                given_on=local_today(),
                form="written",
                today=local_today(),
            )
        db.session.commit()
        return person.id


def _scan(app):
    with app.test_request_context():
        return scan(local_today(), utcnow())


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_residence_title_warns_once_per_offset_and_scans_are_idempotent(app, setup, clock):
    due = local_today() + timedelta(weeks=10)  # inside the 12-week warning
    person_id = _person(app, setup, residence_valid_until=due)
    first = _scan(app)
    assert first.added == 1 and first.warnings == 1 and first.next_steps == 1
    assert first.reminders == 1  # e-mail only: no phone
    again = _scan(app)
    assert (again.added, again.warnings, again.next_steps, again.reminders) == (0, 0, 0, 0)
    with app.app_context():
        deadline = db.session.scalar(select(Deadline).where(Deadline.person_id == person_id))
        assert deadline.due_on == due and deadline.status == "open"
        step = db.session.scalar(select(NextStep))
        assert step.owner_id == setup["worker_ids"][0] and step.due_on == local_today()
        assert "Aufenthaltstitel" in step.description  # the caseworker's language (German)
    assert _count(app, OutboxMessage) == 1
    # Six weeks before: the nearer warning; the first next step is still open, so no second.
    clock.set(clock.now.replace(tzinfo=None) + timedelta(weeks=4, days=1))
    second = _scan(app)
    assert (second.warnings, second.next_steps, second.reminders) == (1, 0, 1)
    assert _scan(app).warnings == 0
    assert _count(app, DeadlineWarning) == 2 and _count(app, NextStep) == 1
    assert _count(app, OutboxMessage) == 2


def test_a_late_first_run_gives_only_the_nearer_warning(app, setup):
    _person(app, setup, residence_valid_until=local_today() + timedelta(weeks=3))
    report = _scan(app)
    assert report.warnings == 1
    with app.app_context():
        assert db.session.scalars(select(DeadlineWarning.weeks)).all() == [6]
    assert _scan(app).warnings == 0


def test_a_done_next_step_is_followed_by_a_new_one_at_the_next_warning(app, setup, clock):
    _person(app, setup, residence_valid_until=local_today() + timedelta(weeks=10))
    _scan(app)
    with app.app_context():
        db.session.scalar(select(NextStep)).done_at = utcnow()
        db.session.commit()
    clock.set(clock.now.replace(tzinfo=None) + timedelta(weeks=5))
    assert _scan(app).next_steps == 1


def test_missed_deadlines_are_marked_and_handled_ones_stay(app, setup, clock):
    a = _person(app, setup, residence_valid_until=local_today() + timedelta(days=3))
    b = _person(app, setup, residence_valid_until=local_today() + timedelta(days=3), language="tr")
    _scan(app)
    with app.test_request_context():
        worker = db.session.get(User, setup["worker_ids"][0])
        deadline = db.session.scalar(select(Deadline).where(Deadline.person_id == b))
        services.mark_handled(worker, deadline, local_today())
        db.session.commit()
    clock.set(clock.now.replace(tzinfo=None) + timedelta(days=4))
    assert _scan(app).missed == 1
    assert _scan(app).missed == 0
    with app.test_request_context():
        status = dict(db.session.execute(select(Deadline.person_id, Deadline.status)).all())
        assert status == {a: "missed", b: "handled"}
        figures = services.met_and_missed(None, date(2026, 1, 1), date(2027, 12, 31))
        assert figures == {"met": 1, "missed": 1}


def test_a_changed_source_date_replaces_the_open_derived_deadline(app, setup):
    person_id = _person(app, setup, residence_valid_until=date(2027, 6, 30))
    assert _scan(app).added == 1
    with app.app_context():
        db.session.get(Person, person_id).residence_valid_until = date(2028, 6, 30)
        db.session.commit()
    report = _scan(app)
    assert (report.added, report.removed) == (1, 1)
    with app.app_context():
        assert db.session.scalars(select(Deadline.due_on)).all() == [date(2028, 6, 30)]
        db.session.get(Person, person_id).residence_valid_until = None
        db.session.commit()
    assert _scan(app).removed == 1
    assert _count(app, Deadline) == 0


def test_benefit_switch_shows_the_rule_it_was_derived_by(app, setup, clock):
    clock.set(clock.now.replace(tzinfo=None).replace(year=2026, month=12, day=1))
    person_id = _person(app, setup, arrived_germany_on=date(2024, 2, 29))
    _scan(app)
    with app.test_request_context():
        kind = db.session.scalar(select(DeadlineKind).where(DeadlineKind.code == "benefit_switch"))
        deadline = db.session.scalar(
            select(Deadline).where(Deadline.person_id == person_id, Deadline.kind_id == kind.id)
        )
        assert deadline.due_on == date(2027, 2, 28)  # leap day + 36 months
        assert deadline.source_date == date(2024, 2, 29)
        text = wording.derived_text(deadline)
        assert "2024" in text and "36" in text


def test_past_derived_deadlines_are_not_added_and_inactive_kinds_are_skipped(app, setup):
    _person(app, setup, residence_valid_until=local_today() - timedelta(days=1))
    assert _scan(app).added == 0
    with app.app_context():
        kind = db.session.scalar(select(DeadlineKind).where(DeadlineKind.code == "residence_title"))
        kind.active = False
        db.session.commit()
    _person(app, setup, residence_valid_until=local_today() + timedelta(weeks=2))
    assert _scan(app).added == 0


def test_children_get_school_and_kita_deadlines(app, setup):
    # Born 10 Sep 2026. Kita: first birthday 10 Sep 2027 is after the cut-off 1 Aug 2027, so
    # 1 Aug 2028, minus 6 months. School: sixth birthday 10 Sep 2032 is before the cut-off
    # 30 Sep 2032, minus 10 months.
    _person(app, setup, consent=False, email="kid@example.org")
    with app.app_context():
        person = db.session.scalar(select(Person).order_by(Person.id.desc()))
        person.birth_year, person.birth_month, person.birth_day = 2026, 9, 10
        db.session.commit()
    _scan(app)
    with app.app_context():
        rows = db.session.execute(
            select(DeadlineKind.code, Deadline.due_on).join(Deadline.kind).order_by(Deadline.due_on)
        ).all()
        assert ("kita_registration", date(2028, 2, 1)) in rows
        assert ("school_registration", date(2031, 11, 30)) in rows


def test_entered_deadlines_are_validated(app, setup):
    person_id = _person(app, setup)
    with app.test_request_context():
        worker = db.session.get(User, setup["worker_ids"][0])
        person = db.session.get(Person, person_id)
        derived = db.session.scalar(
            select(DeadlineKind.id).where(DeadlineKind.code == "residence_title")
        )
        entered = db.session.scalar(
            select(DeadlineKind.id).where(DeadlineKind.code == "integration_course")
        )
        with pytest.raises(ValidationFailed) as error:
            services.enter_deadline(
                worker,
                person,
                services.EnteredDeadline(derived, local_today() - timedelta(days=1)),
                local_today(),
            )
        assert set(error.value.errors) == {"kind", "due_on"}
        deadline = services.enter_deadline(
            worker,
            person,
            services.EnteredDeadline(entered, local_today() + timedelta(weeks=2), "BAMF"),
            local_today(),
        )
        db.session.commit()
        assert deadline.derived_key is None and wording.derived_text(deadline)
    # Entered deadlines are warned like derived ones.
    assert _scan(app).warnings == 1


def _sender(inbox) -> ChannelSender:
    settings = SmtpSettings(host="127.0.0.1", port=inbox.port, mail_from="lotse@lotse.example")
    return ChannelSender(SmtpSender(settings), None)


@pytest.mark.parametrize(
    ("language", "name", "step"),
    [
        ("ar", "انتهاء صلاحية تصريح الإقامة", "دائرة الأجانب"),
        ("tr", "Oturma izninin süresi doluyor", "Yabancılar Dairesi"),
    ],
)
def test_reminders_reach_the_newcomer_in_their_language_once(
    app, setup, smtp_server, language, name, step
):
    _person(
        app,
        setup,
        language=language,
        residence_valid_until=local_today() + timedelta(weeks=5),
    )
    _person(
        app,
        setup,
        language=language,
        consent=False,
        email="no-consent@example.org",
        residence_valid_until=local_today() + timedelta(weeks=5),
    )
    _scan(app)
    _scan(app)
    with app.test_request_context():
        sent, failed = deliver_due(utcnow(), _sender(smtp_server))
    assert (sent, failed) == (1, 0)
    (mail,) = smtp_server.messages
    assert mail["To"] == f"{language}@example.org"
    assert mail["Content-Language"] == language
    body = mail.get_body(("plain",)).get_content()
    assert name in body and step in body and "Ayşe" in body
    assert "Integrationszentrum Mitte" in body
    assert f"/portal/login?lang={language}" in body
    assert name in mail["Subject"]


def test_a_merge_moves_entered_and_past_deadlines_and_drops_open_derived_ones(app, setup):
    from caseapp.deadlines.merge import merge_deadlines

    survivor_id = _person(app, setup, residence_valid_until=date(2027, 6, 30))
    removed_id = _person(app, setup, residence_valid_until=date(2027, 6, 30))
    _scan(app)
    with app.test_request_context():
        worker = db.session.get(User, setup["worker_ids"][0])
        removed = db.session.get(Person, removed_id)
        course = db.session.scalar(
            select(DeadlineKind.id).where(DeadlineKind.code == "integration_course")
        )
        services.enter_deadline(
            worker,
            removed,
            services.EnteredDeadline(course, local_today() + timedelta(weeks=30)),
            local_today(),
        )
        db.session.flush()
        moved = merge_deadlines(db.session.get(Person, survivor_id), removed=removed)
        db.session.commit()
        assert moved == {"deadlines": 1, "deadlines_dropped": 1}
        rows = db.session.execute(select(Deadline.person_id, Deadline.kind_id)).all()
        assert all(person == survivor_id for person, _kind in rows) and len(rows) == 2
