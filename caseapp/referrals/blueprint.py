"""Blueprints for referrals (staff) and the public service directory."""

from flask import Blueprint

bp = Blueprint("referrals", __name__, url_prefix="/referrals")
directory_bp = Blueprint("directory", __name__, url_prefix="/directory")

from caseapp.referrals import merge, sections, views  # noqa: E402,F401
