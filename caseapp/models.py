"""Imports every model module so the metadata is complete (migrations, tests)."""

from caseapp.audit.models import AuditEntry  # noqa: F401
from caseapp.auth.models import LoginAttempt, OfficeMembership, User, UserRole, UserSession  # noqa: F401
from caseapp.offices.models import District, Office, OpeningHours  # noqa: F401
from caseapp.web.idempotency import SubmittedForm  # noqa: F401
