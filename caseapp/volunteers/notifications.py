"""E-mails to volunteers, each rendered in the volunteer's language and queued in the outbox."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for

from caseapp.outbox.services import enqueue_template


def external_url(endpoint: str, **values) -> str:
    """An absolute link for an e-mail, also from CLI jobs (CASEAPP_BASE_URL)."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)


def send(recipient: str, template: str, language: str, *, dedupe_key: str | None = None, **context):
    return enqueue_template(
        recipient,
        f"emails/volunteers/{template}",
        language,
        dedupe_key=dedupe_key,
        home_url=external_url("volunteers.me"),
        **context,
    )
