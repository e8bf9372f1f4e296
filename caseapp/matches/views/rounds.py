"""Coordinators start rounds, read the explanations and decide proposals."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from caseapp.core.clock import local_today
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _, ngettext
from caseapp.matches import services, wording
from caseapp.matches.blueprint import bp
from caseapp.matches.forms import AcceptForm, RejectForm
from caseapp.matches.models import Match, MatchProposal, MatchRequest, MatchRound, MatchUnmatched
from caseapp.matches.views.common import (
    COORDINATION,
    AcceptOnceForm,
    OnceForm,
    _get,
    _programmes,
    flash_refusal,
)
from caseapp.volunteers.models import Programme, Volunteer
from caseapp.web import flow
from caseapp.web.access import access
from caseapp.web.forms import BaseForm
from caseapp.web.pagination import paginate


@bp.get("/")
@access(*COORDINATION)
def index():
    programmes = _programmes()
    waiting = dict(
        db.session.execute(
            select(MatchRequest.programme_id, func.count(MatchRequest.id))
            .where(MatchRequest.status == "waiting")
            .group_by(MatchRequest.programme_id)
        ).all()
    )
    open_matches = dict(
        db.session.execute(
            select(Match.programme_id, func.count(Match.id))
            .where(Match.status.in_(services.OPEN_MATCH))
            .group_by(Match.programme_id)
        ).all()
    )
    latest = {
        r.programme_id: r
        for r in db.session.scalars(
            select(MatchRound).where(MatchRound.status == "open").order_by(MatchRound.id)
        )
    }
    return render_template(
        "matches/index.html",
        programmes=programmes,
        waiting=waiting,
        open_matches=open_matches,
        latest=latest,
    )


@bp.post("/programmes/<int:programme_id>/run")
@access(*COORDINATION)
def run(programme_id: int):
    programme = _get(Programme, programme_id)
    limit = current_app.config.get("MATCHING_INLINE_PAIRS", services.rounds.INLINE_PAIRS)
    if services.round_size(programme) > limit:
        return _run_as_job(programme)

    def run_round() -> services.RoundOutcome:
        inputs = services.load_round(programme, local_today())
        db.session.commit()  # ends the read transaction: no database lock while the solver runs
        return services.propose(current_user, inputs, local_today())

    done = flow.submit(
        OnceForm(),
        run_round,
        to=lambda outcome: url_for("matches.round_detail", round_id=outcome.round.id),
        message=lambda outcome: _(
            "Round finished: %(matched)d proposals, %(unmatched)d without a match.",
            matched=outcome.result.stats.get("matched", 0),
            unmatched=len(outcome.result.unmatched),
        ),
    )
    return done or redirect(url_for("matches.index"))


def _run_as_job(programme: Programme):
    """A large round in the background: the progress page, then the round."""
    from caseapp.jobs import services as jobs
    from caseapp.jobs import wording
    from caseapp.jobs.kinds import MATCHING_ROUND
    from caseapp.jobs.queue import JobsUnavailable

    def start() -> int:
        try:
            return jobs.start(current_user, MATCHING_ROUND, programme_id=programme.id)
        except JobsUnavailable:
            raise ValidationFailed({"": wording.unavailable()}) from None

    form = OnceForm()
    done = flow.submit(form, start, to=lambda job_id: url_for("jobs.detail", job_id=job_id))
    if done:
        return done
    flash_refusal(form)
    return redirect(url_for("matches.index"))


@bp.get("/rounds/<int:round_id>")
@access(*COORDINATION)
def round_detail(round_id: int):
    matching_round = _get(MatchRound, round_id)
    status = request.args.get("status") or "proposed"
    stmt = (
        select(MatchProposal)
        .where(MatchProposal.round_id == round_id)
        .order_by(MatchProposal.score.desc(), MatchProposal.id)
    )
    if status in wording.PROPOSAL_STATUS:
        stmt = stmt.where(MatchProposal.status == status)
    page = paginate(stmt)
    counts = dict(
        db.session.execute(
            select(MatchProposal.status, func.count(MatchProposal.id))
            .where(MatchProposal.round_id == round_id)
            .group_by(MatchProposal.status)
        ).all()
    )
    unmatched = db.session.scalars(
        select(MatchUnmatched)
        .where(MatchUnmatched.round_id == round_id)
        .order_by(MatchUnmatched.id)
        .limit(50)
    ).all()
    unmatched_total = db.session.scalar(
        select(func.count(MatchUnmatched.id)).where(MatchUnmatched.round_id == round_id)
    )
    near_ids = {m["volunteer_id"] for u in unmatched for m in u.near_misses}
    near = {
        v.id: v
        for v in db.session.scalars(select(Volunteer).where(Volunteer.id.in_(near_ids or {0})))
    }
    return render_template(
        "matches/round.html",
        round=matching_round,
        page=page,
        status=status,
        counts=counts,
        unmatched=unmatched,
        unmatched_total=unmatched_total,
        near=near,
        accept_form=AcceptForm(),
    )


@bp.route("/rounds/<int:round_id>/accept-page", methods=["GET", "POST"])
@access(*COORDINATION)
def accept_page(round_id: int):
    """Accept every open proposal shown on one page of a round, after a confirmation."""
    matching_round = _get(MatchRound, round_id)
    if request.method == "GET":
        page = paginate(
            select(MatchProposal)
            .where(MatchProposal.round_id == round_id, MatchProposal.status == "proposed")
            .order_by(MatchProposal.score.desc(), MatchProposal.id)
        )
        return render_template(
            "matches/accept_page.html", round=matching_round, proposals=page.items, page=page
        )
    ids = [int(i) for i in request.form.getlist("proposal") if i.isdigit()][:100]
    refused: list[str] = []  # pairs no longer valid, named for the warning

    def accept_all() -> int:
        accepted = 0
        for proposal_id in ids:
            proposal = db.session.get(MatchProposal, proposal_id)
            if proposal is None or proposal.round_id != round_id or proposal.status != "proposed":
                continue
            try:
                with db.session.begin_nested():  # one refused pair does not undo the others
                    services.accept(current_user, proposal, local_today())
                accepted += 1
            except ValidationFailed as error:
                failed = getattr(error, "failed", None) or []
                refused.append(
                    f"{proposal.request.person.given_name} ↔ {proposal.volunteer.name}: "
                    + wording.list_sep().join(wording.constraint_text(c) for c in failed)
                )
        return accepted

    target = url_for("matches.round_detail", round_id=round_id)
    done = flow.submit(
        OnceForm(),
        accept_all,
        to=target,
        message=lambda accepted: ngettext(
            "%(num)d match has been made.", "%(num)d matches have been made.", accepted
        ),
    )
    if done and refused:
        flash(_("No longer valid, not accepted:") + " " + "; ".join(refused), "warning")
    return done or redirect(target)


def _proposal_redirect(proposal: MatchProposal):
    return redirect(url_for("matches.round_detail", round_id=proposal.round_id))


@bp.post("/proposals/<int:proposal_id>/accept")
@access(*COORDINATION)
def accept(proposal_id: int):
    proposal = _get(MatchProposal, proposal_id)
    form = AcceptOnceForm()
    if not form.validate_on_submit():
        flash(_("Please correct the marked fields."), "danger")
        return _proposal_redirect(proposal)

    def make_match():
        try:
            return services.accept(
                current_user, proposal, local_today(), form.agreed_contact.data or ""
            )
        except services.ProposalNoLongerValid as error:
            reasons = wording.list_sep().join(wording.constraint_text(c) for c in error.failed)
            raise ValidationFailed(
                {
                    "proposal": _(
                        "This proposal is no longer valid: %(reasons)s. "
                        "Reject it or run a new round.",
                        reasons=reasons,
                    )
                }
            ) from error

    done = flow.submit(
        form,
        make_match,
        to=lambda match: url_for("matches.match_detail", match_id=match.id),
        message=_("The match has been made; both sides are being told."),
        validate=False,
    )
    if done:  # the match, also for a double click: the first click made it
        return done
    flash_refusal(form)
    return _proposal_redirect(proposal)


@bp.route("/proposals/<int:proposal_id>/reject", methods=["GET", "POST"])
@access(*COORDINATION)
def reject(proposal_id: int):
    proposal = _get(MatchProposal, proposal_id)
    form = RejectForm()
    done = flow.submit(
        form,
        lambda: services.reject(current_user, proposal, form.reason.data),
        to=url_for("matches.round_detail", round_id=proposal.round_id),
        message=_("The proposal has been rejected; this pair will not be proposed again."),
    )
    if done:
        return done
    return render_template("matches/reject.html", form=form, proposal=proposal), flow.status(form)


@bp.post("/proposals/<int:proposal_id>/lock")
@access(*COORDINATION)
def lock(proposal_id: int):
    proposal = _get(MatchProposal, proposal_id)
    locked = request.form.get("locked") == "1"
    form = BaseForm()
    done = flow.submit(
        form,
        lambda: services.set_locked(current_user, proposal, locked),
        to=url_for("matches.round_detail", round_id=proposal.round_id),
        message=_("The pair is locked and stays when the round is run again.")
        if locked
        else _("The pair is no longer locked."),
    )
    if done:
        return done
    flash_refusal(form)
    return _proposal_redirect(proposal)
