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
    # The data-protection officer: subject access exports, erasure confirmation (four eyes),
    # retention runs; city-wide, no office.
    DATA_PROTECTION = "data_protection"


STAFF_ROLES = frozenset(
    {Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER, Role.REPORTS, Role.DATA_PROTECTION}
)

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.CASEWORKER: _l("Caseworker"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.NEWCOMER: _l("Newcomer"),
    Role.REPORTS: _l("Reports (integration management)"),
    Role.DATA_PROTECTION: _l("Data protection"),
}
