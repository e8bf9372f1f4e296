"""The API's operations, one module per area; importing them registers them on api_v1."""

from caseapp.api.resources import (  # noqa: F401
    appointments,
    directory,
    people,
    referrals,
    volunteering,
)
