"""Blueprints: the administrator's partner pages and the partners' signed-link pages."""

from flask import Blueprint

from caseapp.i18n import _l
from caseapp.web import nav

bp = Blueprint("partners", __name__, url_prefix="/partners")
links_bp = Blueprint("partner_links", __name__, url_prefix="/partner")
extra_blueprints = (links_bp,)

nav.register(nav.NavItem("partners.index", _l("Partners without an account"), ("admin",), "admin"))

from caseapp.partners import views  # noqa: E402,F401
