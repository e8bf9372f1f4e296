"""Administrators read the audit log, filtered by record, by who acted and by a range of days."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import exists, select

from caseapp.audit.blueprint import bp
from caseapp.audit.forms import AuditFilterForm
from caseapp.audit.models import ACTION_LABELS, RECORD_TYPE_LABELS, AuditEntry
from caseapp.audit.services import record_names
from caseapp.audit.services import record_types as audit_record_types
from caseapp.auth.models import User
from caseapp.auth.roles import Role
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.web.access import access


@bp.get("/")
@access(Role.ADMIN)
def index():
    form = AuditFilterForm(formdata=request.args)
    # Every field is optional: validation only finds what cannot be read (31.02.2026), and a
    # filter that cannot be read is left out rather than showing nothing.
    valid = form.validate() if request.args else True
    record_type = (form.record_type.data or "").strip()
    record_id = form.record_id.data if not form.record_id.errors else None
    actor_id = form.actor_id()
    since, until = form.instants()
    stmt = select(AuditEntry)
    if record_type:
        stmt = stmt.where(AuditEntry.record_type == record_type)
    if record_id:
        stmt = stmt.where(AuditEntry.record_id == record_id)
    if actor_id:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEntry.at < until)
    stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    page = db.paginate(stmt, per_page=50, max_per_page=100, error_out=False)
    # Actor names for the page in one query.
    actor_ids = {e.actor_id for e in page.items if e.actor_id}
    actors = {
        u.id: u for u in db.session.scalars(select(User).where(User.id.in_(actor_ids or {0})))
    }
    record_types = audit_record_types()
    form.record_type.choices = [("", _("All"))] + [
        (t, str(RECORD_TYPE_LABELS.get(t, t))) for t in record_types
    ]
    # Whoever appears in the log, by name (people who never acted cannot be filtered for).
    # One index probe per account (EXISTS), not a pass over every entry of a long log.
    acting = db.session.scalars(
        select(User)
        .where(exists().where(AuditEntry.actor_id == User.id))
        .order_by(User.display_name, User.id)
    ).all()
    form.actor.choices = [("", _("All"))] + [(str(u.id), u.display_name) for u in acting]
    return render_template(
        "audit/index.html",
        form=form,
        filters_valid=valid,
        page=page,
        actors=actors,
        names=record_names(page.items),
        record_type=record_type,
        record_id=record_id,
        actor_id=actor_id,
        record_type_labels=RECORD_TYPE_LABELS,
        action_labels=ACTION_LABELS,
        record_types=record_types,
    )
