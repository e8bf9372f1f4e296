"""The data-protection officer's pages: retention rules, runs (and dry runs), erasure
confirmation (four eyes)."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from caseapp.auth.roles import Role
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.privacy import retention, services
from caseapp.privacy.blueprint import bp
from caseapp.privacy.forms import ButtonForm, retention_form
from caseapp.privacy.models import DeletionLogEntry, RetentionRun
from caseapp.privacy.retention.rules import RULES
from caseapp.privacy.views import DPO_ROLES
from caseapp.web import flow
from caseapp.web.access import access


@bp.route("/privacy/retention", methods=["GET", "POST"])
@access(*DPO_ROLES)
def retention_rules():
    values = retention.all_days()
    form = retention_form(values)
    done = flow.submit(
        form,
        lambda: retention.set_days(current_user, {k: getattr(form, k).data for k in RULES}),
        to=url_for("privacy.retention_rules"),
        message=_("Your changes have been saved."),
    )
    if done:
        return done
    return render_template(
        "privacy/retention.html", form=form, rules=RULES, values=values
    ), flow.status(form)


@bp.get("/privacy/retention/runs")
@access(*DPO_ROLES)
def runs():
    rows = db.session.scalars(
        select(RetentionRun)
        .order_by(RetentionRun.started_at.desc(), RetentionRun.id.desc())
        .limit(50)
    ).all()
    return render_template("privacy/runs.html", runs=rows, form=ButtonForm(), rules=RULES)


@bp.post("/privacy/retention/dry-run")
@access(*DPO_ROLES)
def dry_run():
    """Count what a run would do now (nothing changes); shown as a dry run in the list."""
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = retention.run(current_user, dry_run=True)
    return render_template(
        "privacy/run.html",
        run=db.session.get(RetentionRun, outcome.run_id),
        log=[],
        rules=RULES,
    )


@bp.get("/privacy/retention/runs/<int:run_id>")
@access(*DPO_ROLES)
def run_detail(run_id: int):
    run = db.session.get(RetentionRun, run_id)
    if run is None:
        abort(404)
    log = db.session.scalars(
        select(DeletionLogEntry)
        .where(DeletionLogEntry.run_id == run.id)
        .order_by(DeletionLogEntry.id)
    ).all()
    return render_template("privacy/run.html", run=run, log=log, rules=RULES)


def _decide(request_id: int, decide, message: str):
    form = ButtonForm()
    done = flow.submit(
        form,
        lambda: decide(current_user, request_id),
        to=url_for("privacy.requests"),
        message=message,
    )
    if done:
        return done
    return render_template(
        "privacy/requests.html",
        exports=services.open_export_requests(current_user),
        erasures=services.erasure_requests(current_user),
        may_confirm=True,
        errors=[e for errors in form.errors.values() for e in errors],
    ), 400


@bp.post("/privacy/erasure/<int:request_id>/confirm")
@access(Role.DATA_PROTECTION)
def confirm_erasure(request_id: int):
    return _decide(request_id, _confirm, _("The person's data has been erased."))


@bp.post("/privacy/erasure/<int:request_id>/reject")
@access(Role.DATA_PROTECTION)
def reject_erasure(request_id: int):
    return _decide(request_id, _reject, _("The erasure request has been rejected."))


def _confirm(actor, request_id):
    from caseapp.core.errors import NotFound

    try:
        return services.confirm_erasure(actor, request_id)
    except NotFound:
        abort(404)


def _reject(actor, request_id):
    from caseapp.core.errors import NotFound

    try:
        return services.reject_erasure(actor, request_id)
    except NotFound:
        abort(404)
