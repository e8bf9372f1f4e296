"""The roles a user can hold; a person may hold several."""

from enum import StrEnum

from caseapp.i18n import _l


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    CASEWORKER = "caseworker"
    VOLUNTEER = "volunteer"
    NEWCOMER = "newcomer"
    # Integration management: city-wide report figures and the yearly report; no office.
    REPORTS = "reports"


STAFF_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER, Role.REPORTS})

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.CASEWORKER: _l("Caseworker"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.NEWCOMER: _l("Newcomer"),
    Role.REPORTS: _l("Reports (integration management)"),
}
