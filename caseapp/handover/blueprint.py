"""Blueprint for the caseload handover (administrators)."""

from flask import Blueprint

from caseapp.i18n import _l
from caseapp.web import nav

bp = Blueprint("handover", __name__, url_prefix="/handover")

nav.register(nav.NavItem("handover.index", _l("Caseload handover"), roles=("admin",), menu="admin"))

from caseapp.handover import views  # noqa: E402,F401
