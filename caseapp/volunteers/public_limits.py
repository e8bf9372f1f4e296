"""How often one address may use the public volunteer pages: sign-ups and certificate checks.

Every attempt is counted by the shared throttle (`caseapp.web.throttle.limit`, kinds "signup"
and "verify" in `throttle_attempts`); an address that made too many in the last hour is asked
to wait until its oldest attempt is an hour old. All of volunteers' throttling is in this module.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, request

from caseapp.core.clock import utcnow
from caseapp.i18n import _
from caseapp.web import throttle

WINDOW = timedelta(hours=1)


class Throttled(throttle.Throttled):
    """Too many attempts from this address; the visitor should wait (`wait`)."""


def check_public_attempts(kind: str, ip_address: str | None, limit: int, now: datetime) -> None:
    """Count this attempt; raise Throttled when the address made too many in the last hour."""
    try:
        throttle.limit(kind, ip_address, limit, WINDOW, now)
    except throttle.Throttled as error:
        raise Throttled(
            error.wait,
            _(
                "Too many attempts. Please wait %(wait)s and try again.",
                wait=throttle.wait_words(error.wait),
            ),
        ) from None


def _client_ip() -> str | None:
    return request.remote_addr


def count_signup() -> None:
    """A sign-up from the requesting address (VOLUNTEER_SIGNUPS_PER_IP_PER_HOUR)."""
    limit = current_app.config["VOLUNTEER_SIGNUPS_PER_IP_PER_HOUR"]
    check_public_attempts("signup", _client_ip(), limit, utcnow())


def count_certificate_check() -> None:
    """A certificate look-up from the requesting address (CERTIFICATE_CHECKS_PER_IP_PER_HOUR)."""
    limit = current_app.config["CERTIFICATE_CHECKS_PER_IP_PER_HOUR"]
    check_public_attempts("verify", _client_ip(), limit, utcnow())
