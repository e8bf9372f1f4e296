"""Administrators read the audit log, filtered by record and actor."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from caseapp.audit.blueprint import bp
from caseapp.audit.models import ACTION_LABELS, RECORD_TYPE_LABELS, AuditEntry
from caseapp.auth.models import User
from caseapp.auth.roles import Role
from caseapp.extensions import db
from caseapp.web.access import access


@bp.get("/")
@access(Role.ADMIN)
def index():
    record_type = (request.args.get("record_type") or "").strip()
    record_id = request.args.get("record_id", type=int)
    actor_id = request.args.get("actor", type=int)
    stmt = select(AuditEntry)
    if record_type:
        stmt = stmt.where(AuditEntry.record_type == record_type)
    if record_id:
        stmt = stmt.where(AuditEntry.record_id == record_id)
    if actor_id:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    page = db.paginate(stmt, per_page=50, max_per_page=100, error_out=False)
    # Actor names for the page in one query.
    actor_ids = {e.actor_id for e in page.items if e.actor_id}
    actors = {
        u.id: u for u in db.session.scalars(select(User).where(User.id.in_(actor_ids or {0})))
    }
    record_types = db.session.scalars(
        select(AuditEntry.record_type).distinct().order_by(AuditEntry.record_type)
    ).all()
    return render_template(
        "audit/index.html",
        page=page,
        actors=actors,
        record_type=record_type,
        record_id=record_id,
        actor_id=actor_id,
        record_type_labels=RECORD_TYPE_LABELS,
        action_labels=ACTION_LABELS,
        record_types=record_types,
    )
