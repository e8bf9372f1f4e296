"""Coordinators run rounds, decide proposals and carry matches; caseworkers add waiting people."""

from __future__ import annotations

import uuid
from decimal import Decimal

from flask import abort, flash, has_request_context, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, literal, or_, select

from caseapp.auth.roles import Role
from caseapp.core.clock import local_today
from caseapp.core.errors import NotFound, StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _, current_language, ngettext
from caseapp.matches import adapters, services, wording
from caseapp.matches.blueprint import bp
from caseapp.matches.forms import (
    WEIGHT_FIELDS,
    AcceptForm,
    ContactForm,
    EndForm,
    NeighboursForm,
    RejectForm,
    RequestForm,
    SettingsForm,
)
from caseapp.matches.models import (
    Match,
    MatchProposal,
    MatchRequest,
    MatchRound,
    MatchUnmatched,
    district_neighbours,
)
from caseapp.matching.scoring import Weights
from caseapp.offices.models import District
from caseapp.people import services as people_services
from caseapp.people.models import Person
from caseapp.volunteers.labels import GENDERS
from caseapp.volunteers.models import HoursEntry, Programme, Volunteer
from caseapp.web import idempotency
from caseapp.web.access import access
from caseapp.web.pagination import paginate, sort_clause

COORDINATION = (Role.COORDINATOR, Role.ADMIN)
CASEWORK = (Role.CASEWORKER, Role.ADMIN)


def _get(model, record_id: int):
    row = db.session.get(model, record_id)
    if row is None:
        abort(404)
    return row


def _programmes():
    return db.session.scalars(select(Programme).order_by(Programme.id)).all()


@bp.app_context_processor
def _matching_helpers():
    return {
        "match_reason_text": wording.reason_text,
        "match_unmatched_text": wording.unmatched_text,
        "match_constraint_text": wording.constraint_text,
        "match_fix_text": wording.fix_text,
        "match_status_label": lambda s: wording.MATCH_STATUS.get(s, s),
        "match_end_reason_label": lambda s: wording.END_REASONS.get(s, s),
        "proposal_status_label": lambda s: wording.PROPOSAL_STATUS.get(s, s),
        "request_status_label": lambda s: wording.REQUEST_STATUS.get(s, s),
        "volunteer_gender_label": lambda g: GENDERS.get(g, g),
        "person_matching": _person_matching,
        "list_sep": wording.list_sep,
        "new_submission_id": lambda: str(uuid.uuid4()),
        # Coordinators match people but do not read case files; caseworkers and admins may.
        "may_open_cases": _may_open_cases(),
    }


def _may_open_cases() -> bool:
    if not has_request_context() or current_user is None:
        return False
    return bool(current_user.is_authenticated and current_user.has_role("caseworker", "admin"))


def _person_matching(person_id: int) -> dict:
    """The case file's volunteer section: waiting requests and open matches of the person."""
    return {
        "requests": db.session.scalars(
            select(MatchRequest)
            .where(MatchRequest.person_id == person_id, MatchRequest.status == "waiting")
            .order_by(MatchRequest.id)
        ).all(),
        "matches": db.session.scalars(
            select(Match)
            .where(Match.person_id == person_id, Match.status.in_(services.OPEN_MATCH))
            .order_by(Match.id)
        ).all(),
    }


# --- overview and rounds -------------------------------------------------------------------


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
    token = request.form.get("submission_id")
    earlier = idempotency.previous_result(token)
    if earlier:  # a double click runs one round, not two
        return redirect(earlier)
    inputs = services.load_round(programme, local_today())
    db.session.commit()  # no database lock held while the solver runs
    outcome = services.propose(current_user, inputs, local_today())
    target = url_for("matches.round_detail", round_id=outcome.round.id)
    idempotency.remember(token, current_user.id, target)
    db.session.commit()
    stats = outcome.result.stats
    flash(
        _(
            "Round finished: %(matched)d proposals, %(unmatched)d without a match.",
            matched=stats.get("matched", 0),
            unmatched=len(outcome.result.unmatched),
        ),
        "success",
    )
    return redirect(target)


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
    token = request.form.get("submission_id")
    earlier = idempotency.previous_result(token)
    if earlier:
        return redirect(earlier)
    ids = [int(i) for i in request.form.getlist("proposal") if i.isdigit()][:100]
    accepted, refused = 0, []
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
    target = url_for("matches.round_detail", round_id=round_id)
    idempotency.remember(token, current_user.id, target)
    db.session.commit()
    flash(
        ngettext("%(num)d match has been made.", "%(num)d matches have been made.", accepted),
        "success",
    )
    if refused:
        flash(_("No longer valid, not accepted:") + " " + "; ".join(refused), "warning")
    return redirect(target)


def _proposal_redirect(proposal: MatchProposal):
    return redirect(url_for("matches.round_detail", round_id=proposal.round_id))


@bp.post("/proposals/<int:proposal_id>/accept")
@access(*COORDINATION)
def accept(proposal_id: int):
    proposal = _get(MatchProposal, proposal_id)
    form = AcceptForm()
    if not form.validate_on_submit():
        flash(_("Please correct the marked fields."), "danger")
        return _proposal_redirect(proposal)
    earlier = idempotency.previous_result(request.form.get("submission_id"))
    if earlier:  # the first click made the match: show it
        return redirect(earlier)
    try:
        match = services.accept(
            current_user, proposal, local_today(), form.agreed_contact.data or ""
        )
    except services.ProposalNoLongerValid as error:
        db.session.rollback()
        flash(
            _(
                "This proposal is no longer valid: %(reasons)s. Reject it or run a new round.",
                reasons=wording.list_sep().join(wording.constraint_text(c) for c in error.failed),
            ),
            "warning",
        )
        return _proposal_redirect(proposal)
    except ValidationFailed as error:
        db.session.rollback()
        flash(" ".join(str(m) for ms in error.errors.values() for m in ms), "warning")
        return _proposal_redirect(proposal)
    target = url_for("matches.match_detail", match_id=match.id)
    idempotency.remember(request.form.get("submission_id"), current_user.id, target)
    db.session.commit()
    flash(_("The match has been made; both sides are being told."), "success")
    return redirect(target)


@bp.route("/proposals/<int:proposal_id>/reject", methods=["GET", "POST"])
@access(*COORDINATION)
def reject(proposal_id: int):
    proposal = _get(MatchProposal, proposal_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            services.reject(current_user, proposal, form.reason.data)
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
        else:
            db.session.commit()
            flash(
                _("The proposal has been rejected; this pair will not be proposed again."),
                "success",
            )
            return redirect(url_for("matches.round_detail", round_id=proposal.round_id))
    status = 400 if request.method == "POST" else 200
    return render_template("matches/reject.html", form=form, proposal=proposal), status


@bp.post("/proposals/<int:proposal_id>/lock")
@access(*COORDINATION)
def lock(proposal_id: int):
    proposal = _get(MatchProposal, proposal_id)
    try:
        services.set_locked(current_user, proposal, request.form.get("locked") == "1")
    except ValidationFailed as error:
        db.session.rollback()
        flash(" ".join(str(m) for ms in error.errors.values() for m in ms), "warning")
    else:
        db.session.commit()
        flash(
            _("The pair is locked and stays when the round is run again.")
            if proposal.locked
            else _("The pair is no longer locked."),
            "success",
        )
    return _proposal_redirect(proposal)


# --- settings ------------------------------------------------------------------------------


@bp.route("/programmes/<int:programme_id>/settings", methods=["GET", "POST"])
@access(*COORDINATION)
def settings(programme_id: int):
    programme = _get(Programme, programme_id)
    form = SettingsForm()
    if request.method == "GET":
        weights, level = adapters.weights_for(programme.id)
        for name in WEIGHT_FIELDS:
            getattr(form, name).data = Decimal(str(getattr(weights, name)))
        form.min_language_level.data = level
    elif form.validate_on_submit():
        values = {name: float(getattr(form, name).data) for name in WEIGHT_FIELDS}
        try:
            services.save_settings(current_user, programme, values, form.min_language_level.data)
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
        else:
            db.session.commit()
            flash(_("Your changes have been saved."), "success")
            return redirect(url_for("matches.index"))
    status = 400 if request.method == "POST" else 200
    return (
        render_template(
            "matches/settings.html", form=form, programme=programme, defaults=Weights()
        ),
        status,
    )


@bp.route("/districts", methods=["GET", "POST"])
@access(*COORDINATION)
def districts():
    all_districts = db.session.scalars(select(District).order_by(District.name)).all()
    pairs = db.session.execute(
        select(district_neighbours.c.district_id, district_neighbours.c.neighbour_id)
    ).all()
    near: dict[int, set[int]] = {}
    for a, b in pairs:
        near.setdefault(a, set()).add(b)
    selected = request.args.get("district", type=int) or request.form.get("district", type=int)
    district = next((d for d in all_districts if d.id == selected), None)
    form = NeighboursForm()
    form.neighbours.choices = [(d.id, d.name) for d in all_districts if d.id != selected]
    if district is not None and request.method == "GET":
        form.neighbours.data = sorted(near.get(district.id, ()))
    if request.method == "POST":
        if district is None:
            abort(404)
        if form.validate_on_submit():
            services.set_neighbours(current_user, district.id, set(form.neighbours.data or []))
            db.session.commit()
            flash(_("Your changes have been saved."), "success")
            return redirect(url_for("matches.districts"))
    names = {d.id: d.name for d in all_districts}
    return render_template(
        "matches/districts.html",
        districts=all_districts,
        near={k: sorted(names[i] for i in v) for k, v in near.items()},
        district=district,
        form=form,
    ), (400 if request.method == "POST" else 200)


# --- waiting list and requests -------------------------------------------------------------


@bp.get("/waiting")
@access(*COORDINATION)
def waiting():
    args = request.args
    programme_id = args.get("programme", type=int)
    district_id = args.get("district", type=int)
    language = (args.get("language") or "").strip().lower()[:3]
    gender = args.get("gender") or ""
    order, sort = sort_clause(
        {"waiting": MatchRequest.waiting_since, "name": Person.family_name_norm},
        "waiting",
    )
    stmt = (
        select(MatchRequest)
        .join(Person, Person.id == MatchRequest.person_id)
        .where(MatchRequest.status == "waiting")
        .order_by(order, MatchRequest.id)
    )
    if programme_id:
        stmt = stmt.where(MatchRequest.programme_id == programme_id)
    if district_id:
        stmt = stmt.where(Person.district_id == district_id)
    if len(language) in (2, 3) and language.isalpha():
        # languages is JSON [{"code": "ar", ...}]: a text match on the quoted code is exact.
        stmt = stmt.where(
            func.lower(func.cast(Person.languages, db.String)).contains(f'"{language}"')
        )
    if gender in ("female", "male", "diverse"):
        stmt = stmt.where(MatchRequest.gender_preference == gender)
    page = paginate(stmt)
    ids = [r.id for r in page.items]
    reasons = {}
    if ids:
        latest = (
            select(MatchUnmatched.request_id, func.max(MatchUnmatched.id).label("last"))
            .where(MatchUnmatched.request_id.in_(ids))
            .group_by(MatchUnmatched.request_id)
            .subquery()
        )
        for row in db.session.scalars(
            select(MatchUnmatched).join(latest, latest.c.last == MatchUnmatched.id)
        ):
            reasons[row.request_id] = row
    proposed = {}
    if ids:
        for row in db.session.execute(
            select(MatchProposal.request_id, MatchProposal.round_id)
            .join(MatchRound, MatchRound.id == MatchProposal.round_id)
            .where(
                MatchProposal.request_id.in_(ids),
                MatchProposal.status == "proposed",
                MatchRound.status == "open",
            )
        ):
            proposed[row.request_id] = row.round_id
    gaps = db.session.execute(
        select(District.name, func.count(MatchRequest.id))
        .select_from(MatchRequest)
        .join(Person, Person.id == MatchRequest.person_id)
        .outerjoin(District, District.id == Person.district_id)
        .where(MatchRequest.status == "waiting")
        .where(MatchRequest.programme_id == programme_id if programme_id else literal(True))
        .group_by(District.name)
        .order_by(func.count(MatchRequest.id).desc())
        .limit(8)
    ).all()
    return render_template(
        "matches/waiting.html",
        page=page,
        sort=sort,
        reasons=reasons,
        proposed=proposed,
        programmes=_programmes(),
        districts=db.session.scalars(select(District).order_by(District.name)).all(),
        programme_id=programme_id,
        district_id=district_id,
        language=language,
        gender=gender,
        gaps=gaps,
        today=local_today(),
    )


@bp.route("/people/<int:person_id>/request", methods=["GET", "POST"])
@access(*CASEWORK)
def request_new(person_id: int):
    try:
        person = people_services.get_person(current_user, person_id, audit_read=False)
    except NotFound:
        abort(404)
    lang = current_language()
    form = RequestForm()
    form.programme.choices = [(p.id, p.name(lang)) for p in _programmes() if p.active]
    if request.method == "GET":
        form.waiting_since.data = local_today()
    if form.validate_on_submit():
        earlier = idempotency.previous_result(form.submission_id.data)
        if earlier:
            return redirect(earlier)
        data = services.RequestData(
            programme_id=form.programme.data,
            waiting_since=form.waiting_since.data,
            gender_preference=form.gender_preference.data or "",
            interests=form.interests.data or "",
            availability=form.availability.data or [],
            interpreter_arranged=bool(form.interpreter_arranged.data),
            notes=form.notes.data or "",
        )
        try:
            services.create_request(current_user, person, data, local_today())
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
        else:
            target = url_for("people.detail", person_id=person.id)
            idempotency.remember(form.submission_id.data, current_user.id, target)
            db.session.commit()
            flash(_("%(name)s is now on the waiting list.", name=person.given_name), "success")
            return redirect(target)
    status = 400 if request.method == "POST" else 200
    return render_template("matches/request_form.html", form=form, person=person), status


@bp.route("/requests/<int:match_request_id>/withdraw", methods=["GET", "POST"])
@access(*CASEWORK)
def request_withdraw(match_request_id: int):
    """GET asks for confirmation; POST takes the person off the waiting list."""
    match_request = _get(MatchRequest, match_request_id)
    try:
        people_services.get_person(current_user, match_request.person_id, audit_read=False)
    except NotFound:
        abort(404)
    if request.method == "GET":
        return render_template("matches/withdraw.html", match_request=match_request)
    try:
        services.withdraw_request(current_user, match_request)
    except ValidationFailed:
        db.session.rollback()
        flash(_("This change is not possible in the current status."), "warning")
    else:
        db.session.commit()
        flash(_("The request has been withdrawn."), "success")
    return redirect(url_for("people.detail", person_id=match_request.person_id))


# --- matches -------------------------------------------------------------------------------


@bp.get("/matches")
@access(*COORDINATION)
def matches():
    args = request.args
    programme_id = args.get("programme", type=int)
    status = args.get("status") or "open"
    q = (args.get("q") or "").strip()
    order, sort = sort_clause(
        {"started": Match.started_on, "end": Match.planned_end_on}, "-started"
    )
    stmt = select(Match).order_by(order, Match.id.desc())
    if programme_id:
        stmt = stmt.where(Match.programme_id == programme_id)
    if status == "open":
        stmt = stmt.where(Match.status.in_(services.OPEN_MATCH))
    elif status in wording.MATCH_STATUS:
        stmt = stmt.where(Match.status == status)
    if q:
        like = f"%{q}%"
        stmt = stmt.join(Person, Person.id == Match.person_id).where(
            or_(Person.given_name.ilike(like), Person.family_name.ilike(like))
        )
    return render_template(
        "matches/matches.html",
        page=paginate(stmt),
        sort=sort,
        programmes=_programmes(),
        programme_id=programme_id,
        status=status,
        q=q,
    )


@bp.get("/matches/<int:match_id>")
@access(*COORDINATION)
def match_detail(match_id: int):
    match = _get(Match, match_id)
    checkins = db.session.scalars(
        select(HoursEntry).where(HoursEntry.match_id == match.id).order_by(HoursEntry.day.desc())
    ).all()
    contact_form = ContactForm()
    contact_form.agreed_contact.data = match.agreed_contact
    contact_form.version.data = match.version
    return render_template(
        "matches/match.html",
        match=match,
        checkins=checkins,
        contact_form=contact_form,
        minutes=sum(c.minutes for c in checkins),
    )


def _conflict(match: Match, yours: dict):
    """409: the match changed since the form was loaded; both versions side by side."""
    db.session.rollback()
    return render_template("matches/conflict.html", match=match, yours=yours), 409


@bp.post("/matches/<int:match_id>/status")
@access(*COORDINATION)
def match_status(match_id: int):
    match = _get(Match, match_id)
    action = request.form.get("action")
    try:
        if action == "pause":
            services.pause(current_user, match)
        elif action == "resume":
            services.resume(current_user, match)
        else:
            abort(400)
    except ValidationFailed:
        db.session.rollback()
        flash(_("This change is not possible in the current status."), "warning")
    else:
        db.session.commit()
        flash(_("Your changes have been saved."), "success")
    return redirect(url_for("matches.match_detail", match_id=match.id))


@bp.post("/matches/<int:match_id>/contact")
@access(*COORDINATION)
def match_contact(match_id: int):
    match = _get(Match, match_id)
    form = ContactForm()
    if form.validate_on_submit():
        if form.loaded_version() != match.version:
            return _conflict(match, {"contact": form.agreed_contact.data or ""})
        services.update_contact(current_user, match, form.agreed_contact.data or "")
        db.session.commit()
        flash(_("Your changes have been saved."), "success")
    return redirect(url_for("matches.match_detail", match_id=match.id))


@bp.route("/matches/<int:match_id>/end", methods=["GET", "POST"])
@access(*COORDINATION)
def match_end(match_id: int):
    match = _get(Match, match_id)
    form = EndForm()
    form.reason.choices = [("", _("Choose …")), *list(wording.END_REASONS.items())]
    if request.method == "GET":
        form.version.data = match.version
    elif form.validate_on_submit():
        if form.loaded_version() != match.version:
            return _conflict(match, {"end_reason": form.reason.data, "note": form.note.data or ""})
        try:
            services.end(
                current_user,
                match,
                form.reason.data,
                local_today(),
                do_not_rematch=bool(form.do_not_rematch.data),
                note=form.note.data or "",
            )
            db.session.flush()
        except StaleVersion:
            db.session.rollback()
            flash(_("Someone else changed this match meanwhile. Nothing was saved."), "warning")
            return redirect(url_for("matches.match_detail", match_id=match.id)), 303
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
        else:
            db.session.commit()
            flash(_("The match has ended; both sides are being told."), "success")
            return redirect(url_for("matches.match_detail", match_id=match.id))
    status = 400 if request.method == "POST" else 200
    return render_template("matches/end.html", form=form, match=match), status
