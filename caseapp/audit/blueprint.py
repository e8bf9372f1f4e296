"""Blueprint for the audit log (administrators only)."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

from caseapp.audit import views  # noqa: E402,F401
