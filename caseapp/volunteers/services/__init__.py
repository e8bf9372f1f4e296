"""Programmes, public sign-up, profiles, applications, good conduct and hours.

Services take the acting user explicitly, raise ValidationFailed with reasons per field,
write audit rows in the caller's transaction and only flush; views commit once.
Throttling of the public pages is in `caseapp.volunteers.public_limits`.
"""

from caseapp.core.errors import StaleVersion, ValidationFailed  # noqa: F401 - caught from here
from caseapp.volunteers.services.applications import (  # noqa: F401
    TRANSITIONS,
    VOLUNTEER_ACTIONS,
    approve,
    change_engagement,
    decline,
    good_conduct_problem,
    record_good_conduct,
)
from caseapp.volunteers.services.hours import (  # noqa: F401
    MAX_MINUTES,
    ProgrammeFigures,
    log_hours,
    minutes_logged,
    yearly_figures,
)
from caseapp.volunteers.services.profiles import (  # noqa: F401
    ProfileData,
    create_profile,
    profile_for,
    update_profile,
)
from caseapp.volunteers.services.programmes import (  # noqa: F401
    PROGRAMME_FIELDS,
    ProgrammeData,
    create_programme,
    offered_programmes,
    update_programme,
)
from caseapp.volunteers.services.signup import (  # noqa: F401
    CONFIRM_MAX_AGE,
    CONFIRM_SALT,
    InvalidLink,
    SignupData,
    confirm_email,
    confirmation_token,
    purge_unconfirmed,
    signup,
)
