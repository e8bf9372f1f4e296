"""Blueprint for sign-in, sign-out and the user's own account settings."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from caseapp.auth import second_factor_views, sessions_views, views  # noqa: E402,F401
