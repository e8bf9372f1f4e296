"""Blueprint of the jobs: "My jobs", a job's progress page and its JSON, retry, results."""

from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

from caseapp.jobs import views  # noqa: E402,F401
