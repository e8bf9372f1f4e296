"""Absolute links for e-mails, SMS, PDFs and iCalendar files: always from CASEAPP_BASE_URL.

Never from the request's Host header: a sign-up posted with `Host: evil.example` must not
make Lotse send a genuine e-mail whose link points to evil.example.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """An absolute link to `endpoint` under the configured base URL."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc,
        script_name=base.path or "/",
        url_scheme=base.scheme,
    )
    anchor = values.pop("_anchor", None)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{anchor}" if anchor else url
