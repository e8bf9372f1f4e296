"""Views of the privacy package: staff (per person), the data-protection officer, the portal."""

from caseapp.auth.roles import Role

# Who may open a person's data-protection page: their office's caseworkers, administrators
# and the data-protection officer (city-wide; auth.scope.data_protection_office_ids).
PERSON_ROLES = (Role.CASEWORKER, Role.ADMIN, Role.DATA_PROTECTION)
DPO_ROLES = (Role.ADMIN, Role.DATA_PROTECTION)
