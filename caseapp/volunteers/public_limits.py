"""How often one address may use the public volunteer pages: sign-ups and certificate checks.

Every attempt is a row in `volunteer_public_attempts`, shared by all workers; an address that
made too many in the last hour is refused. All of volunteers' throttling is in this module.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, request
from sqlalchemy import func, select

from caseapp.core.clock import utcnow
from caseapp.core.errors import DomainError
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.volunteers.models import PublicAttempt

WINDOW = timedelta(hours=1)


class Throttled(DomainError):
    """Too many attempts from this address; the visitor should wait."""


def check_public_attempts(kind: str, ip_address: str, limit: int, now: datetime) -> None:
    """Count this attempt; raise Throttled when the address made too many in the last hour."""
    recent = db.session.scalar(
        select(func.count(PublicAttempt.id)).where(
            PublicAttempt.kind == kind,
            PublicAttempt.ip_address == ip_address,
            PublicAttempt.at >= now - WINDOW,
        )
    )
    if recent >= limit:
        raise Throttled(_("Too many attempts from your connection. Please try again in an hour."))
    db.session.add(PublicAttempt(kind=kind, ip_address=ip_address, at=now))


def _client_ip() -> str:
    return request.remote_addr or ""


def count_signup() -> None:
    """A sign-up from the requesting address (VOLUNTEER_SIGNUPS_PER_IP_PER_HOUR)."""
    limit = current_app.config["VOLUNTEER_SIGNUPS_PER_IP_PER_HOUR"]
    check_public_attempts("signup", _client_ip(), limit, utcnow())


def count_certificate_check() -> None:
    """A certificate look-up from the requesting address (CERTIFICATE_CHECKS_PER_IP_PER_HOUR)."""
    limit = current_app.config["CERTIFICATE_CHECKS_PER_IP_PER_HOUR"]
    check_public_attempts("verify", _client_ip(), limit, utcnow())
