"""Blueprint of the jobs: "My jobs", a job's progress page and its JSON, retry, results."""

from flask import Blueprint

from caseapp.auth.roles import STAFF_ROLES
from caseapp.i18n import _l
from caseapp.web import nav

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

# A job's page can be left: the menu leads back to it (last in the top bar, for all staff).
nav.register(
    nav.NavItem(
        "jobs.index", _l("My jobs"), roles=tuple(sorted(r.value for r in STAFF_ROLES)), order=900
    )
)

from caseapp.jobs import views  # noqa: E402,F401
