"""E-mails to volunteers, each rendered in the volunteer's language and queued in the outbox."""

from __future__ import annotations

from caseapp.outbox.links import external_url
from caseapp.outbox.services import enqueue_template

__all__ = ["external_url", "send"]  # external_url: volunteers' services and trainings use it


def send(recipient: str, template: str, language: str, *, dedupe_key: str | None = None, **context):
    return enqueue_template(
        recipient,
        f"emails/volunteers/{template}",
        language,
        dedupe_key=dedupe_key,
        home_url=external_url("volunteers.me"),
        **context,
    )
