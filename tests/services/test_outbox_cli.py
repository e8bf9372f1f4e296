"""`flask outbox send` tells the operator (and cron) when mail could not go out.

The app is built from the environment here, as `flask --app wsgi` builds it, so the SMTP
settings travel the real way: CASEAPP_SMTP_* → config → sender.
"""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import select

from caseapp.app import create_app
from caseapp.extensions import db
from caseapp.outbox import services
from caseapp.outbox.models import OutboxMessage


def _closed_port() -> int:
    """A loopback port nobody listens on: bound once, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unreachable_smtp_app(app, monkeypatch):
    """An app configured like the CLI's, pointing at a closed SMTP port on loopback."""
    monkeypatch.setenv("CASEAPP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CASEAPP_SMTP_PORT", str(_closed_port()))
    cli_app = create_app()
    yield cli_app
    with cli_app.app_context():
        db.session.remove()
        db.engine.dispose()


def _queue(app, recipient="cli@example.org") -> int:
    with app.app_context():
        message = services.enqueue(recipient, "Hallo", "Text")
        db.session.commit()
        return message.id


def test_send_to_an_unreachable_server_prints_the_error_and_fails(unreachable_smtp_app):
    message_id = _queue(unreachable_smtp_app)

    result = unreachable_smtp_app.test_cli_runner().invoke(args=["outbox", "send"])

    assert result.exit_code == 1, result.output
    assert "sent 0, failed 0, retry later 1" in result.stdout
    assert "delivery failed:" in result.stderr
    assert "Connection refused" in result.stderr or "ConnectionRefusedError" in result.stderr
    with unreachable_smtp_app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        assert (message.status, message.attempts) == ("queued", 1)  # kept for the next run
        assert "ConnectionRefusedError" in message.last_error


def test_send_reports_messages_out_of_attempts_as_failed(unreachable_smtp_app):
    unreachable_smtp_app.config["OUTBOX_MAX_ATTEMPTS"] = 1
    _queue(unreachable_smtp_app, "a@example.org")
    _queue(unreachable_smtp_app, "b@example.org")

    result = unreachable_smtp_app.test_cli_runner().invoke(args=["outbox", "send"])

    assert result.exit_code == 1, result.output
    assert "sent 0, failed 2, retry later 0" in result.stdout
    assert result.stderr.count("delivery failed:") == 1  # the same reason is printed once
    with unreachable_smtp_app.app_context():
        statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert statuses == ["failed", "failed"]


def test_send_with_nothing_due_succeeds_without_contacting_the_server(unreachable_smtp_app):
    result = unreachable_smtp_app.test_cli_runner().invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert "sent 0, failed 0, retry later 0" in result.stdout
    assert result.stderr == ""
