"""The outbox against a real SMTP server on loopback: content per language, exactly once,
retries with back-off when the server refuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.outbox import services
from caseapp.outbox.models import OutboxMessage
from caseapp.outbox.senders import ChannelSender, SmtpSender, SmtpSettings
from tests.fixtures.smtp import free_port


def _sender(inbox) -> ChannelSender:
    settings = SmtpSettings(host="127.0.0.1", port=inbox.port, mail_from="lotse@lotse.example")
    return ChannelSender(SmtpSender(settings))


def _rows():
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


# The name has Arabic letters, so it travels between Unicode isolates (FSI … PDI) in every
# language and does not reorder the greeting around it (issue 12 §1).
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "Hallo, \u2068Ayşe Yıldız / كريم\u2069"),
        ("ar", "مرحبًا، \u2068Ayşe Yıldız / كريم\u2069"),
        ("tr", "Merhaba \u2068Ayşe Yıldız / كريم\u2069"),
    ],
)
def test_templates_render_in_each_language_and_arrive_intact(
    app, ctx, smtp_server, language, expected
):
    from caseapp.outbox.services import enqueue_template

    enqueue_template(
        "vol@example.org",
        "emails/volunteers/confirm",
        language,
        name="Ayşe Yıldız / كريم",
        confirm_url="https://lotse.example/volunteer/confirm?token=abc",
        home_url="https://lotse.example/volunteer/me",
        days=3,
    )
    db.session.commit()
    sent, failed = services.deliver_due(utcnow(), _sender(smtp_server))
    assert (sent, failed) == (1, 0)
    [mail] = smtp_server.messages
    assert mail["Content-Language"] == language
    body = mail.get_body(("plain",)).get_content()
    assert "Ayşe Yıldız / كريم" in body  # UTF-8 survives, Turkish and Arabic letters intact
    assert "https://lotse.example/volunteer/confirm?token=abc" in body
    [row] = _rows()
    assert row.status == "sent" and row.sent_at is not None and row.language == language
    assert expected in body  # rendered in the recipient's language, not the sender's


def test_text_in_each_language_is_delivered_unchanged(app, ctx, smtp_server):
    texts = {
        "de": ("Schulung morgen", "Grüße aus der Koordinierungsstelle, Straße 7"),
        "ar": ("تذكير بالدورة", "مرحبا، نذكّركم بالدورة التدريبية غدا"),
        "tr": ("Eğitim hatırlatması", "Merhaba, yarınki eğitimi hatırlatırız: İğdır, Şişli"),
    }
    for language, (subject, body) in texts.items():
        services.enqueue(f"{language}@example.org", subject, body, language=language)
    db.session.commit()
    assert services.deliver_due(utcnow(), _sender(smtp_server)) == (3, 0)
    received = {m["To"]: m for m in smtp_server.messages}
    for language, (subject, body) in texts.items():
        mail = received[f"{language}@example.org"]
        assert mail["Subject"] == subject
        assert body in mail.get_body(("plain",)).get_content()


def test_each_message_is_sent_once_even_with_two_senders(app, ctx, smtp_server):
    for n in range(6):
        services.enqueue(f"p{n}@example.org", "Hallo", "Text")
    db.session.commit()
    now = utcnow()
    assert services.deliver_due(now, _sender(smtp_server)) == (6, 0)
    # A second run (another process started at the same time) finds nothing left to send.
    assert services.deliver_due(now, _sender(smtp_server)) == (0, 0)
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(
        f"p{n}@example.org" for n in range(6)
    )


def test_a_claimed_message_is_not_sent_by_a_second_process(app, ctx, smtp_server):
    """The claim is an UPDATE ... WHERE status='queued': only one process wins it."""
    message = services.enqueue("once@example.org", "Hallo", "Text")
    db.session.commit()
    assert services._claim(message.id, utcnow()) is True
    assert services._claim(message.id, utcnow()) is False
    assert services.deliver_due(utcnow(), _sender(smtp_server)) == (0, 0)
    assert smtp_server.messages == []


def test_refused_messages_are_retried_with_back_off_then_given_up(app, ctx, smtp_server):
    services.enqueue("retry@example.org", "Hallo", "Text")
    db.session.commit()
    smtp_server.refuse = True
    policy = services.RetryPolicy(max_attempts=3, first_delay=timedelta(minutes=1))
    now = utcnow()
    assert services.deliver_due(now, _sender(smtp_server), policy) == (0, 0)
    [row] = _rows()
    assert row.status == "queued" and row.attempts == 1 and "451" in row.last_error
    assert row.next_attempt_at - now == timedelta(minutes=1)
    # Not due yet: nothing is tried.
    assert services.deliver_due(now + timedelta(seconds=30), _sender(smtp_server), policy) == (0, 0)
    assert _rows()[0].attempts == 1

    # The server accepts again: the next due run delivers it.
    smtp_server.refuse = False
    assert services.deliver_due(now + timedelta(minutes=2), _sender(smtp_server), policy) == (1, 0)
    assert _rows()[0].status == "sent"
    assert len(smtp_server.messages) == 1


def test_gives_up_after_the_last_attempt(app, ctx, smtp_server):
    services.enqueue("never@example.org", "Hallo", "Text")
    db.session.commit()
    smtp_server.refuse = True
    policy = services.RetryPolicy(max_attempts=2, first_delay=timedelta(minutes=1))
    now = utcnow()
    assert services.deliver_due(now, _sender(smtp_server), policy) == (0, 0)
    assert services.deliver_due(now + timedelta(minutes=5), _sender(smtp_server), policy) == (0, 1)
    [row] = _rows()
    assert row.status == "failed" and row.attempts == 2


def test_unreachable_server_is_a_retry_not_a_crash(app, ctx):
    services.enqueue("x@example.org", "Hallo", "Text")
    db.session.commit()
    sender = ChannelSender(SmtpSender(SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2)))
    assert services.deliver_due(utcnow(), sender) == (0, 0)
    assert _rows()[0].status == "queued"


def test_dedupe_key_queues_a_message_once(app, ctx):
    assert services.enqueue("a@example.org", "S", "B", dedupe_key="reminder:1:2") is not None
    db.session.flush()
    assert services.enqueue("a@example.org", "S", "B", dedupe_key="reminder:1:2") is None
    assert len(_rows()) == 1


def test_sms_goes_through_the_log_only_gateway(app, ctx, smtp_server):
    services.enqueue("+49 170 1234567", "", "Termin morgen 9 Uhr", channel="sms")
    db.session.commit()
    assert services.deliver_due(utcnow(), _sender(smtp_server)) == (1, 0)
    assert smtp_server.messages == []  # not e-mailed
    assert _rows()[0].status == "sent"


def test_cli_send_uses_the_configured_smtp_server(app, smtp_server):
    with app.app_context():
        services.enqueue("cli@example.org", "Hallo", "Über die Kommandozeile")
        db.session.commit()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port)
    try:
        result = app.test_cli_runner().invoke(args=["outbox", "send"])
    finally:
        app.config.update(SMTP_HOST="localhost", SMTP_PORT=25)
    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0" in result.output
    assert smtp_server.messages[0]["To"] == "cli@example.org"


def test_operator_requeues_stuck_and_retries_failed_messages(app, ctx, smtp_server):
    stuck = services.enqueue("stuck@example.org", "Hallo", "Text")
    fresh = services.enqueue("fresh@example.org", "Hallo", "Text")
    failed = services.enqueue("failed@example.org", "Hallo", "Text")
    db.session.commit()
    now = utcnow()
    assert services._claim(stuck.id, now - timedelta(hours=2))  # its sender died long ago
    assert services._claim(fresh.id, now)  # still being sent right now
    failed = db.session.get(OutboxMessage, failed.id)
    failed.status, failed.attempts = "failed", 5
    db.session.commit()
    assert services.status_counts() == {"sending": 2, "failed": 1}

    assert services.requeue_stuck(now, timedelta(minutes=30)) == 1
    assert services.retry_failed(now, [failed.id]) == 1
    db.session.commit()
    assert db.session.get(OutboxMessage, fresh.id).status == "sending"  # left alone
    assert db.session.get(OutboxMessage, failed.id).attempts == 0
    assert services.deliver_due(now, _sender(smtp_server)) == (2, 0)
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "failed@example.org",
        "stuck@example.org",
    ]


def test_outbox_commands_report_and_requeue(app, ctx):
    message = services.enqueue("cli@example.org", "Hallo", "Text")
    db.session.commit()
    db.session.get(OutboxMessage, message.id).status = "failed"
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["outbox", "status"])
    assert (
        result.exit_code == 0 and "failed 1" in result.output and f"#{message.id}" in result.output
    )
    result = runner.invoke(args=["outbox", "retry-failed", "--id", str(message.id)])
    assert result.exit_code == 0 and "queued again 1" in result.output
    result = runner.invoke(args=["outbox", "requeue-stuck", "--minutes", "5"])
    assert result.exit_code == 0 and "requeued 0" in result.output
