"""The start page shows one panel per role the user holds."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from caseapp.auth import scope
from caseapp.auth.models import User
from caseapp.auth.roles import Role
from caseapp.dashboard.blueprint import bp
from caseapp.extensions import db
from caseapp.offices.models import Office
from caseapp.web.access import access, public
from caseapp.web.readonly import read_only


@bp.get("/")
@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for("dashboard.home"))


@bp.get("/home")
@access(signed_in=True)
@read_only
def home():
    stats = None
    if current_user.has_role(Role.ADMIN):
        stats = {
            "offices": db.session.scalar(
                select(func.count(Office.id)).where(Office.active.is_(True))
            ),
            "users": db.session.scalar(select(func.count(User.id)).where(User.active.is_(True))),
        }
    due_steps, recent_cases, today = [], [], None
    if current_user.has_role(Role.CASEWORKER):
        from caseapp.people.casework import due_next_steps
        from caseapp.people.models import Case
        from caseapp.people.views import today as berlin_today

        today = berlin_today()
        due_steps = due_next_steps(current_user, today)
        recent_cases = db.session.scalars(
            scope.own(
                select(Case).where(Case.caseworker_id == current_user.id),
                Case.office_id,
                current_user,
            )
            .order_by(Case.updated_at.desc())
            .limit(8)
        ).all()
    return render_template(
        "dashboard/home.html",
        roles=current_user.role_set,
        Role=Role,
        stats=stats,
        due_steps=due_steps,
        recent_cases=recent_cases,
        today=today,
    )
