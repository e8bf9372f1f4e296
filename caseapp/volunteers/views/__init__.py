"""Volunteer pages: public sign-up and certificate check, the volunteer's own pages, and
coordination (volunteers, programmes, trainings).

Importing the package registers every view on the blueprint.
"""

from caseapp.volunteers.views import (  # noqa: F401
    coordination,
    own,
    programmes,
    public,
    trainings,
)
from caseapp.volunteers.views.common import (  # noqa: F401
    COORDINATION,
    district_choices,
    profile_data,
    programme_choices,
)
