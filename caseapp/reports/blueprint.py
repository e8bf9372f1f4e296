"""Blueprint of the reports: dashboards per field of work, CSV exports, the yearly report."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from caseapp.reports import prepared_views, sections, views  # noqa: E402,F401
