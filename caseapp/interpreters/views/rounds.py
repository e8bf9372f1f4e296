"""Coordinators run interpreter rounds, read the reasons and offer the proposals."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from caseapp.core.clock import local_today
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _, ngettext
from caseapp.interpreters import services
from caseapp.interpreters.blueprint import bp
from caseapp.interpreters.forms import OnceForm, RoundForm
from caseapp.interpreters.views.common import COORDINATION, flash_refusal
from caseapp.web import flow
from caseapp.web.access import access

# Rounds with more appointments than this run as a background job (config INTERPRETER_INLINE).
INLINE_NEEDS = 400


@bp.route("/interpreters/rounds", methods=["GET", "POST"])
@access(*COORDINATION)
def rounds():
    form = RoundForm()
    if not form.is_submitted():
        monday = local_today() + timedelta(days=7 - local_today().weekday())
        form.starts_on.data = monday
        form.ends_on.data = monday + timedelta(days=6)
    if form.is_submitted() and form.validate() and _too_large_inline(form):
        return _run_as_job(form)

    def run():
        inputs = services.load_round(current_user, form.starts_on.data, form.ends_on.data)
        db.session.commit()  # ends the read transaction: no database lock while solving
        return services.propose(current_user, inputs)

    done = flow.submit(
        form,
        run,
        to=lambda round_: url_for("interpreters.round_detail", round_id=round_.id),
        message=lambda round_: _(
            "Round finished: %(matched)d proposals, %(unmatched)d without a match.",
            matched=round_.stats.get("matched", 0),
            unmatched=len(round_.unmatched),
        ),
    )
    if done:
        return done
    return render_template(
        "interpreters/rounds.html", form=form, rounds=services.recent_rounds()
    ), flow.status(form)


def _too_large_inline(form) -> bool:
    """Whether the round has more appointments than are solved while the page waits."""
    try:
        services.check_period(form.starts_on.data, form.ends_on.data)
    except ValidationFailed:
        return False  # the round itself says what is wrong with the period
    size = len(services.open_appointments(current_user, form.starts_on.data, form.ends_on.data))
    return size > current_app.config.get("INTERPRETER_INLINE", INLINE_NEEDS)


def _run_as_job(form):
    from caseapp.interpreters.setup import ROUND_JOB
    from caseapp.jobs import services as jobs
    from caseapp.jobs import wording
    from caseapp.jobs.queue import JobsUnavailable

    def start() -> int:
        try:
            return jobs.start(
                current_user,
                ROUND_JOB,
                starts_on=form.starts_on.data.isoformat(),
                ends_on=form.ends_on.data.isoformat(),
            )
        except JobsUnavailable:
            raise ValidationFailed({"": wording.unavailable()}) from None

    done = flow.submit(form, start, to=lambda job_id: url_for("jobs.detail", job_id=job_id))
    if done:
        return done
    flash_refusal(form)
    return redirect(url_for("interpreters.rounds"))


@bp.get("/interpreters/rounds/<int:round_id>")
@access(*COORDINATION)
def round_detail(round_id: int):
    try:
        round_ = services.get_round(current_user, round_id)
    except NotFound:
        abort(404)
    return render_template(
        "interpreters/round.html",
        round=round_,
        assignments=services.round_assignments(current_user, round_),
        unmatched=services.round_unmatched(current_user, round_),
        form=OnceForm(),
    )


@bp.post("/interpreters/rounds/<int:round_id>/confirm")
@access(*COORDINATION)
def confirm(round_id: int):
    try:
        round_ = services.get_round(current_user, round_id)
    except NotFound:
        abort(404)
    ids = [int(i) for i in request.form.getlist("assignment") if i.isdigit()]
    form = OnceForm()
    done = flow.submit(
        form,
        lambda: services.confirm(current_user, round_, ids),
        to=url_for("interpreters.round_detail", round_id=round_id),
        message=lambda count: ngettext(
            "%(num)d interpreter has been asked.", "%(num)d interpreters have been asked.", count
        ),
    )
    if done:
        return done
    flash_refusal(form)
    return redirect(url_for("interpreters.round_detail", round_id=round_id))


@bp.post("/interpreters/assignments/<int:assignment_id>/withdraw")
@access(*COORDINATION)
def withdraw(assignment_id: int):
    form = OnceForm()
    target = request.form.get("next_round", type=int)
    to = (
        url_for("interpreters.round_detail", round_id=target)
        if target
        else url_for("interpreters.rounds")
    )
    try:
        done = flow.submit(
            form,
            lambda: services.withdraw(current_user, assignment_id),
            to=to,
            message=_("The proposal has been withdrawn."),
        )
    except NotFound:
        db.session.rollback()
        abort(404)
    if done:
        return done
    flash_refusal(form)
    return redirect(to)
