"""Queueing messages and delivering the ones that are due, each exactly once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select, update

from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.outbox.models import FAILED, QUEUED, SENDING, SENT, OutboxMessage
from caseapp.outbox.senders import DeliveryError

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=1)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = MAX_ATTEMPTS
    first_delay: timedelta = FIRST_RETRY

    def delay(self, attempts: int) -> timedelta:
        """Exponential back-off: 1, 2, 4, 8 ... times the first delay."""
        return self.first_delay * (2 ** max(attempts - 1, 0))


def enqueue(
    recipient: str,
    subject: str,
    body_text: str,
    *,
    language: str = "de",
    channel: str = "email",
    body_html: str | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Queue a message in the caller's transaction; None if the dedupe key was queued before."""
    if dedupe_key and db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    ):
        return None
    message = OutboxMessage(
        channel=channel,
        recipient=recipient,
        subject=subject[:200],
        body_text=body_text,
        body_html=body_html,
        language=language,
        status=QUEUED,
        next_attempt_at=utcnow(),
        dedupe_key=dedupe_key,
    )
    db.session.add(message)
    return message


def enqueue_template(
    recipient: str,
    template: str,
    language: str,
    *,
    dedupe_key: str | None = None,
    **context,
) -> OutboxMessage | None:
    """Render `<template>.txt` (first line: subject) in the recipient's language and queue it."""
    with force_locale(language):
        rendered = render_template(f"{template}.txt", **context)
    subject, _sep, body = rendered.strip().partition("\n")
    return enqueue(
        recipient,
        subject.strip(),
        body.strip() + "\n",
        language=language,
        dedupe_key=dedupe_key,
    )


def _claim(message_id: int, now: datetime) -> bool:
    """Mark one queued message as being sent; False if another process got there first."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == QUEUED)
        .values(status=SENDING, attempts=OutboxMessage.attempts + 1, next_attempt_at=now)
    )
    db.session.commit()  # the claim is visible to every other sender before we send
    return result.rowcount == 1


@dataclass
class DeliveryReport:
    """What one delivery run did, for the operator running `flask outbox send`."""

    sent: int = 0
    retrying: int = 0  # not delivered this time, queued again with back-off
    failed: int = 0  # not delivered and out of attempts
    errors: list[str] = field(default_factory=list)  # each distinct error once, in order

    @property
    def ok(self) -> bool:
        return not (self.retrying or self.failed)


def deliver_due(now: datetime, sender, policy: RetryPolicy | None = None) -> tuple[int, int]:
    """Send every message that is due; returns (sent, failed for good)."""
    report = deliver_due_report(now, sender, policy)
    return report.sent, report.failed


def deliver_due_report(now: datetime, sender, policy: RetryPolicy | None = None) -> DeliveryReport:
    """Send every message that is due; says how many went out, wait for a retry or failed."""
    policy = policy or RetryPolicy()
    due = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    ).all()
    db.session.commit()
    report = DeliveryReport()
    try:
        for message_id in due:
            if not _claim(message_id, now):
                continue
            message = db.session.get(OutboxMessage, message_id)
            try:
                sender.send(message)
            except Exception as error:  # any failure is recorded and retried, never lost
                if not isinstance(error, DeliveryError):
                    logger.exception("sending outbox message %s failed", message_id)
                message.last_error = f"{type(error).__name__}: {error}"[:500]
                if message.last_error not in report.errors:
                    report.errors.append(message.last_error)
                if message.attempts >= policy.max_attempts:
                    message.status = FAILED
                    report.failed += 1
                else:
                    message.status = QUEUED
                    message.next_attempt_at = now + policy.delay(message.attempts)
                    report.retrying += 1
            else:
                message.status = SENT
                message.sent_at = utcnow()
                message.last_error = ""
                report.sent += 1
            db.session.commit()
    finally:
        close = getattr(sender, "close", None)
        if close:
            close()
    return report


def status_counts() -> dict[str, int]:
    """How many messages are in each status (for `flask outbox status`)."""
    from sqlalchemy import func

    return dict(
        db.session.execute(
            select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(
                OutboxMessage.status
            )
        ).all()
    )


def requeue_stuck(now: datetime, older_than: timedelta) -> int:
    """Put messages back in the queue whose sender died while sending (claimed long ago).

    A sender that crashed between the SMTP hand-over and recording "sent" may have delivered
    the message already; that is why this is an operator's decision, not automatic.
    """
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == SENDING, OutboxMessage.next_attempt_at < now - older_than)
        .values(status=QUEUED, next_attempt_at=now, last_error="requeued after a stuck send")
    )
    return result.rowcount or 0


def retry_failed(now: datetime, ids: list[int] | None = None) -> int:
    """Give messages that failed for good a fresh set of attempts (all, or the given ids)."""
    stmt = (
        update(OutboxMessage)
        .where(OutboxMessage.status == FAILED)
        .values(status=QUEUED, attempts=0, next_attempt_at=now)
    )
    if ids:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    return db.session.execute(stmt).rowcount or 0
