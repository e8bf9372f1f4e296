"""Blueprint for account management."""

from flask import Blueprint

bp = Blueprint("users", __name__, url_prefix="/admin/users")

from caseapp.users import second_factor_views, views  # noqa: E402,F401
