"""GET /healthz for load balancers: is the database reachable?"""

from flask import Blueprint, jsonify
from sqlalchemy import text

from caseapp.extensions import db
from caseapp.web.access import public

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # any failure means: do not route traffic here
        db.session.rollback()
        database = "unreachable"
    status = 200 if database == "ok" else 503
    # No version number here: it is shown to signed-in staff only (page footer).
    return jsonify(status="ok" if status == 200 else "error", database=database), status
