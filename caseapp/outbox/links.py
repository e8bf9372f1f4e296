"""Absolute links for messages in the outbox, also from CLI jobs (CASEAPP_BASE_URL)."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    """An absolute link for an e-mail or SMS: the request's host, else CASEAPP_BASE_URL."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)
