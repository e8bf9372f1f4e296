"""Kinds of office and weekday names (pure, translatable labels)."""

from enum import StrEnum

from caseapp.i18n import _l


class OfficeKind(StrEnum):
    INTEGRATION_CENTRE = "integration_centre"
    SOCIAL_WELFARE = "social_welfare"
    JOB_CENTRE = "job_centre"
    MIGRATION_COUNSELLING = "migration_counselling"
    YOUTH_MIGRATION_SERVICE = "youth_migration_service"
    HEALTH_OFFICE = "health_office"
    HOUSING_OFFICE = "housing_office"
    LANGUAGE_COURSE_PROVIDER = "language_course_provider"
    COORDINATION_OFFICE = "coordination_office"
    OTHER = "other"


OFFICE_KIND_LABELS = {
    OfficeKind.INTEGRATION_CENTRE: _l("Integration centre"),
    OfficeKind.SOCIAL_WELFARE: _l("Social welfare office"),
    OfficeKind.JOB_CENTRE: _l("Job centre"),
    OfficeKind.MIGRATION_COUNSELLING: _l("Migration counselling for adults"),
    OfficeKind.YOUTH_MIGRATION_SERVICE: _l("Youth migration service"),
    OfficeKind.HEALTH_OFFICE: _l("Health office"),
    OfficeKind.HOUSING_OFFICE: _l("Housing office"),
    OfficeKind.LANGUAGE_COURSE_PROVIDER: _l("Language course provider"),
    OfficeKind.COORDINATION_OFFICE: _l("Coordination office"),
    OfficeKind.OTHER: _l("Other"),
}

# ISO weekday numbers (Monday = 0) are formatted by Babel in the active language.
WEEKDAYS = range(7)
