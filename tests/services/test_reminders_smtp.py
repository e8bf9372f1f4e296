"""Reminders and notices over a real SMTP server on loopback: in the newcomer's language,
exactly once, retried with back-off; SMS through the pluggable gateway; the CLI command."""

from __future__ import annotations

from datetime import timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import select

from caseapp.appointments import reminders
from caseapp.appointments.slots import BERLIN
from caseapp.auth.models import User
from caseapp.core.clock import local_today, utcnow
from caseapp.extensions import db
from caseapp.outbox.models import OutboxMessage
from caseapp.outbox.senders import ChannelSender, SmtpSender, SmtpSettings
from caseapp.outbox.services import RetryPolicy
from tests.factories.appointments import book, make_person, next_day_at, setup_office


class SmsGateway:
    def __init__(self):
        self.sent = []

    def send(self, message) -> None:
        self.sent.append((message.recipient, message.body_text, message.language))


def _sender(inbox, sms=None) -> ChannelSender:
    settings = SmtpSettings(host="127.0.0.1", port=inbox.port, mail_from="lotse@lotse.example")
    return ChannelSender(SmtpSender(settings), sms)


def _consent(app, setup, person_id):
    from caseapp.people import casework
    from caseapp.people.models import Case

    with app.test_request_context():
        actor = db.session.get(User, setup["worker_ids"][0])
        case = db.session.scalar(select(Case).where(Case.person_id == person_id))
        casework.record_consent(
            actor,
            case,
            purpose="reminders",
            receiving_office_id=None,
            scope="",
            given_on=local_today(),
            form="written",
            today=local_today(),
        )
        db.session.commit()


@pytest.fixture
def setup(app, make_user):
    return setup_office(app, make_user)


def _run(app, now, sender):
    with app.test_request_context():
        return reminders.send_reminders(now, sender, RetryPolicy(max_attempts=3))


@pytest.mark.parametrize("language", ["de", "ar", "tr"])
def test_reminders_arrive_in_the_newcomers_language_exactly_once(
    app,
    setup,
    smtp_server,
    language,
):
    person = make_person(
        app,
        setup,
        given="Ayşe",
        family="Yıldız",
        email=f"{language}@example.org",
        languages=[{"code": language, "level": "native"}],
    )
    _consent(app, setup, person)
    start = next_day_at(10, days=3)
    book(app, setup, start, person=person, notes_for_newcomer="Reisepass / جواز السفر / Kimlik")
    smtp_server.messages.clear()
    gateway = SmsGateway()
    # 47 hours before: the 48-hour reminder (and the booking notice) go out.
    queued, sent, failed = _run(app, start - timedelta(hours=47), _sender(smtp_server, gateway))
    assert (queued, failed) == (1, 0) and sent == 2
    # Running again at the same time, or a bit later, sends nothing twice.
    assert _run(app, start - timedelta(hours=46), _sender(smtp_server, gateway)) == (0, 0, 0)
    # One hour before: the 2-hour reminder.
    assert _run(app, start - timedelta(hours=1), _sender(smtp_server, gateway)) == (1, 1, 0)
    assert _run(app, start - timedelta(minutes=30), _sender(smtp_server, gateway)) == (0, 0, 0)
    mails = smtp_server.messages
    assert len(mails) == 3
    weekday = format_date(start.astimezone(BERLIN), "EEEE", locale=language)
    for mail in mails:
        assert mail["To"] == f"{language}@example.org"
        assert mail["Content-Language"] == language
        body = mail.get_body(("plain",)).get_content()
        assert "Ayşe" in body  # Turkish letters intact
        assert weekday in body  # the date is written in the newcomer's language
        assert "Integrationszentrum Mitte" in body and "Marktplatz 3" in body
        assert "Reisepass / جواز السفر / Kimlik" in body
        assert "/portal/login?lang=" + language in body
    with app.app_context():
        statuses = db.session.scalars(select(OutboxMessage.status)).all()
        assert statuses == ["sent"] * 3


def test_sms_goes_through_the_gateway_and_late_runs_send_only_the_nearer_reminder(
    app,
    setup,
    smtp_server,
):
    person = make_person(
        app, setup, phone="+49 171 555", languages=[{"code": "tr", "level": "native"}]
    )
    _consent(app, setup, person)
    start = next_day_at(10, days=3)
    book(app, setup, start, person=person)
    gateway = SmsGateway()
    # The job did not run for two days: only the 2-hour reminder is sent, not a stale one.
    queued, sent, _failed = _run(app, start - timedelta(minutes=90), _sender(smtp_server, gateway))
    assert queued == 1 and sent == 2  # booking notice + reminder
    assert [r for r, _b, _l in gateway.sent] == ["+49 171 555", "+49 171 555"]
    assert all(lang == "tr" for _r, _b, lang in gateway.sent)
    assert smtp_server.messages == []


def test_no_consent_no_reminder(app, setup, smtp_server):
    start = next_day_at(10, days=3)
    book(app, setup, start)  # the person has e-mail and phone but no reminders consent
    assert _run(app, start - timedelta(hours=1), _sender(smtp_server)) == (0, 0, 0)


def test_refused_delivery_is_retried_with_back_off_and_sent_once(app, setup, smtp_server):
    _consent(app, setup, setup["person"])
    start = next_day_at(10, days=3)
    book(app, setup, start)
    smtp_server.refuse = True
    now = start - timedelta(hours=1)
    queued, sent, failed = _run(app, now, _sender(smtp_server))
    # E-mail and SMS of the reminder queued; only the SMS (booking notice and reminder) went out.
    assert (queued, sent, failed) == (2, 2, 0)
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == "email")
        ).all()
        assert {r.status for r in rows} == {"queued"}
        assert all(r.attempts == 1 and r.last_error for r in rows)
    smtp_server.refuse = False
    assert _run(app, now, _sender(smtp_server))[1] == 0  # not yet: back-off
    assert _run(app, now + timedelta(minutes=2), _sender(smtp_server))[1] == 2
    assert _run(app, now + timedelta(minutes=10), _sender(smtp_server))[1] == 0
    assert len(smtp_server.messages) == 2


def test_cancellation_and_reschedule_send_a_notice(app, setup, smtp_server):
    from caseapp.appointments import services
    from caseapp.appointments.models import Appointment
    from tests.factories.appointments import data_for

    _consent(app, setup, setup["person"])
    appointment_id = book(app, setup, next_day_at(10, days=2))
    with app.test_request_context():
        actor = db.session.get(User, setup["worker_ids"][0])
        row = db.session.get(Appointment, appointment_id)
        services.reschedule_appointment(
            actor,
            row,
            data_for(setup, next_day_at(11, days=2)),
            now=utcnow(),
            loaded_version=row.version,
        )
        db.session.commit()
        services.cancel_appointment(actor, row, reason="Krank", now=utcnow(), loaded_version=None)
        db.session.commit()
    _run(app, utcnow(), _sender(smtp_server))
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert len(subjects) == 3  # booked, moved, cancelled
    bodies = "\n".join(m.get_body(("plain",)).get_content() for m in smtp_server.messages)
    assert "Krank" not in bodies  # the reason stays internal


def test_cli_command_prints_how_many_were_sent(app, setup, smtp_server):
    _consent(app, setup, setup["person"])
    book(app, setup, next_day_at(10, days=2))
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port)
    try:
        result = app.test_cli_runner().invoke(args=["reminders", "send"])
    finally:
        app.config.update(SMTP_HOST="localhost", SMTP_PORT=25)
    assert result.exit_code == 0, result.output
    # The booking notice by e-mail and SMS; reminders are not due yet.
    assert "queued 0 reminders; sent 2, failed 0" in result.output
    assert len(smtp_server.messages) == 1


def test_lead_times_from_configuration():
    assert reminders.lead_times("48,2") == [timedelta(hours=2), timedelta(hours=48)]
    assert reminders.lead_times(" 24 , x, 0.5") == [timedelta(minutes=30), timedelta(hours=24)]
    assert reminders.lead_times("") == []
