"""The data-protection officer's pages: retention rules, runs (and dry runs), erasure
confirmation (four eyes)."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from caseapp.auth.roles import Role
from caseapp.core.errors import NotFound
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.privacy import retention, services
from caseapp.privacy.blueprint import bp
from caseapp.privacy.forms import ButtonForm, DecisionForm, retention_form
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
    """The latest runs; with ?run=ID one run and its deletion log."""
    run_id = request.args.get("run", type=int)
    if run_id is not None:
        run = db.session.get(RetentionRun, run_id)
        if run is None:
            abort(404)
        log = db.session.scalars(
            select(DeletionLogEntry)
            .where(DeletionLogEntry.run_id == run.id)
            .order_by(DeletionLogEntry.id)
        ).all()
        return render_template("privacy/run.html", run=run, log=log, rules=RULES)
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


@bp.post("/privacy/erasure")
@access(Role.DATA_PROTECTION)
def decide_erasure():
    """Confirm (the second pair of eyes: the person is anonymised now) or reject a request."""
    form = DecisionForm()
    decide = services.reject_erasure if form.decision.data == "reject" else services.confirm_erasure
    done = flow.submit(
        form,
        lambda: _or_404(decide, form.request.data),
        to=url_for("privacy.requests"),
        message=_("The erasure request has been rejected.")
        if form.decision.data == "reject"
        else _("The person's data has been erased."),
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


def _or_404(decide, request_id):
    try:
        return decide(current_user, request_id)
    except NotFound:
        abort(404)
