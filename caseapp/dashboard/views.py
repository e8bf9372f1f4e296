"""The start page shows one panel per role the user holds."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from caseapp.auth.models import User
from caseapp.auth.roles import Role
from caseapp.dashboard.blueprint import bp
from caseapp.extensions import db
from caseapp.offices.models import Office
from caseapp.web.access import access, public


@bp.get("/")
@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for("dashboard.home"))


@bp.get("/home")
@access(signed_in=True)
def home():
    stats = None
    if current_user.has_role(Role.ADMIN):
        stats = {
            "offices": db.session.scalar(
                select(func.count(Office.id)).where(Office.active.is_(True))
            ),
            "users": db.session.scalar(select(func.count(User.id)).where(User.active.is_(True))),
        }
    return render_template(
        "dashboard/home.html", roles=current_user.role_set, Role=Role, stats=stats
    )
