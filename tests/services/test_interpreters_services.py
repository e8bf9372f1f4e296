"""Interpreter dispatch against the database: rounds, offers by e-mail through a real SMTP
server, accept/decline, and no double booking when two sessions accept at the same moment."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.core.clock import local_today, utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.interpreters import services
from caseapp.interpreters.models import (
    ACCEPTED,
    DECLINED,
    OFFERED,
    PROPOSED,
    InterpreterAssignment,
)
from caseapp.outbox.models import OutboxMessage
from tests.factories.appointments import next_day_at, setup_office
from tests.factories.interpreters import (
    MARKER,
    assignments,
    book_with_interpreter,
    make_paid,
    make_volunteer_interpreter,
    run_round,
)


@pytest.fixture
def setup(app, make_user):
    return setup_office(app, make_user)


def test_a_round_prefers_the_volunteer_and_explains_the_rest(app, setup, make_user):
    volunteer = make_volunteer_interpreter(app, make_user("volunteer"))
    paid = make_paid(app)
    first = book_with_interpreter(app, setup, next_day_at(10))
    second = book_with_interpreter(app, setup, next_day_at(10, 15), room=1, worker=1)
    tigrinya = book_with_interpreter(app, setup, next_day_at(14), interpreter_language="ti")
    round_id = run_round(app)
    rows = assignments(app)
    assert (first, volunteer, PROPOSED) in rows and (second, paid, PROPOSED) in rows
    with app.test_request_context():
        round_ = services.get_round(None, round_id)
        assert [(u.appointment_id, u.reason) for u in round_.unmatched] == [(tigrinya, "language")]
        assert round_.stats["matched"] == 2 and round_.optimal
    # A second round finds nothing new: the proposals hold their appointments.
    run_round(app)
    assert len(assignments(app)) == 2


def test_no_pledge_no_assignment_and_past_appointments_left_out(app, setup, make_user):
    make_paid(app, pledge=None)
    book_with_interpreter(app, setup, next_day_at(10))
    round_id = run_round(app)
    assert assignments(app) == []
    with app.test_request_context():
        assert [u.reason for u in services.get_round(None, round_id).unmatched] == ["no_pledge"]


def test_offer_by_email_through_smtp_then_accept_and_decline(app, setup, make_user, smtp_server):
    from caseapp.outbox.senders import SmtpSender, SmtpSettings
    from caseapp.outbox.services import deliver_due

    vol_email = make_user("volunteer", language="ar")
    volunteer = make_volunteer_interpreter(app, vol_email)
    appointment = book_with_interpreter(app, setup, next_day_at(10))
    round_id = run_round(app)
    with app.test_request_context():
        round_ = services.get_round(None, round_id)
        ids = [a.id for a in services.round_assignments(None, round_)]
        assert services.confirm(None, round_, ids) == 1
        db.session.commit()
        settings = SmtpSettings(host="127.0.0.1", port=smtp_server.port, mail_from="l@x.example")
        sent, failed = deliver_due(utcnow(), SmtpSender(settings))
        db.session.commit()
    assert (sent, failed) == (1, 0)
    mail = smtp_server.messages[0]
    assert mail["To"] == vol_email and mail["Content-Language"] == "ar"
    body = mail.get_body(("plain",)).get_content()
    assert "Integrationszentrum Mitte" in body and "Raum 1" in body and "/interpreting" in body
    assert MARKER not in body and MARKER not in mail["Subject"]
    assert assignments(app) == [(appointment, volunteer, OFFERED)]
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == vol_email))
        interpreter = services.interpreter_for_user(user)
        assignment = services.own_assignments(interpreter)[0]
        services.accept(user, assignment)
        db.session.commit()
        assert assignment.status == ACCEPTED
        with pytest.raises(services.NoLongerOpen):
            services.accept(user, assignment)
        db.session.rollback()
        services.decline(user, db.session.get(InterpreterAssignment, assignment.id))
        db.session.commit()
    # Declining frees the appointment; the next round does not ask the same interpreter.
    assert assignments(app) == [(appointment, volunteer, DECLINED)]
    paid = make_paid(app)
    run_round(app)
    assert assignments(app)[-1] == (appointment, paid, PROPOSED)


def _offered_clashing_pair(app, setup, make_user):
    """One interpreter offered two appointments at the same time (two coordinators' rounds
    for two offices ran at once); returns (user email, [assignment ids])."""
    email = make_user("volunteer")
    interpreter = make_volunteer_interpreter(app, email)
    first = book_with_interpreter(app, setup, next_day_at(10))
    second = book_with_interpreter(app, setup, next_day_at(10), room=1, worker=1)
    with app.test_request_context():
        ids = []
        for appointment_id in (first, second):
            from caseapp.appointments.models import Appointment

            a = db.session.get(Appointment, appointment_id)
            row = InterpreterAssignment(
                appointment_id=a.id,
                interpreter_id=interpreter,
                holding_appointment_id=a.id,
                status=OFFERED,
                starts_at=a.starts_at,
                ends_at=a.ends_at,
                office_id=a.office_id,
            )
            db.session.add(row)
            db.session.flush()
            ids.append(row.id)
        db.session.commit()
    return email, ids


def test_concurrent_acceptance_never_double_books(app, setup, make_user):
    """Two sessions accept the two clashing offers at the same moment: exactly one wins."""
    email, ids = _offered_clashing_pair(app, setup, make_user)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(assignment_id):
        # Each thread has its own application context, so its own session and connection,
        # as two requests would.
        with app.test_request_context():
            try:
                # Both start together (SQLite then lets one write transaction in at a time;
                # PostgreSQL runs both, and the interpreter's row lock orders them).
                barrier.wait(timeout=10)
                user = db.session.scalar(select(User).where(User.email == email))
                assignment = db.session.get(InterpreterAssignment, assignment_id)
                services.accept(user, assignment)
                db.session.commit()
                outcomes.append("accepted")
            except services.NoLongerOpen:
                db.session.rollback()
                outcomes.append("refused")
            except Exception as error:
                db.session.rollback()
                outcomes.append(repr(error))

    threads = [threading.Thread(target=accept, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["accepted", "refused"]
    statuses = sorted(s for _a, _i, s in assignments(app))
    assert statuses == [ACCEPTED, OFFERED]


def test_one_holder_per_appointment_is_a_database_rule(app, setup, make_user):
    from sqlalchemy.exc import IntegrityError

    interpreter = make_paid(app)
    other = make_paid(app, name="B", email="b@dolmetschen.example")
    appointment = book_with_interpreter(app, setup, next_day_at(10))
    with app.test_request_context():
        from caseapp.appointments.models import Appointment

        a = db.session.get(Appointment, appointment)
        for who in (interpreter, other):
            db.session.add(
                InterpreterAssignment(
                    appointment_id=a.id,
                    interpreter_id=who,
                    holding_appointment_id=a.id,
                    status=OFFERED,
                    starts_at=a.starts_at,
                    ends_at=a.ends_at,
                    office_id=a.office_id,
                )
            )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_settings_budget_and_travel(app, setup):
    with app.test_request_context():
        settings = services.get_settings()
        services.save_settings(None, 45, 10_000, settings.version)
        db.session.commit()
        assert (services.get_settings().travel_minutes, services.get_settings().budget_cents) == (
            45,
            10_000,
        )
        with pytest.raises(ValidationFailed):
            services.save_settings(None, 999, None, services.get_settings().version)
        db.session.rollback()


def test_round_period_is_checked(app, setup):
    with app.test_request_context():
        with pytest.raises(ValidationFailed) as refused:
            services.run_round(None, local_today(), local_today() - timedelta(days=1))
        assert "ends_on" in refused.value.errors
        with pytest.raises(ValidationFailed):
            services.run_round(None, date(2026, 12, 1), date(2027, 3, 1))
        db.session.rollback()


def test_outbox_rows_name_no_person(app, setup, make_user):
    make_volunteer_interpreter(app, make_user("volunteer"))
    make_paid(app, email="paid@dolmetschen.example", languages=["ar-iraq"])
    book_with_interpreter(app, setup, next_day_at(10))
    book_with_interpreter(app, setup, next_day_at(10), room=1, worker=1)
    round_id = run_round(app)
    with app.test_request_context():
        round_ = services.get_round(None, round_id)
        services.confirm(None, round_, [a.id for a in services.round_assignments(None, round_)])
        db.session.commit()
        bodies = [(m.subject, m.body_text) for m in db.session.scalars(select(OutboxMessage))]
        paid_rows = db.session.scalars(
            select(InterpreterAssignment).where(InterpreterAssignment.token.is_not(None))
        ).all()
    assert len(bodies) == 2 and len(paid_rows) == 1
    assert any(f"/interpreting/r/{paid_rows[0].token}" in body for _s, body in bodies)
    for subject, body in bodies:
        assert MARKER not in subject and MARKER not in body
