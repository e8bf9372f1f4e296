"""Blueprint for the data-protection pages (staff) and the consent passport (portal)."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from caseapp.privacy import merge, sections  # noqa: E402,F401
from caseapp.privacy.views import dpo, portal, staff  # noqa: E402,F401
