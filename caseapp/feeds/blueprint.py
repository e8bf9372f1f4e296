"""Blueprints: private calendar feeds (/calendar) and the HSDS feed (/directory/hsds)."""

from flask import Blueprint

from caseapp.i18n import _l
from caseapp.web import nav

bp = Blueprint("feeds", __name__, url_prefix="/calendar")
hsds_bp = Blueprint("hsds", __name__, url_prefix="/directory/hsds")
extra_blueprints = (hsds_bp,)

nav.register(
    nav.NavItem("feeds.index", _l("Calendar subscription"), ("caseworker", "volunteer"), order=900)
)

from caseapp.feeds import views  # noqa: E402,F401
