"""Matches: list, detail, pause/resume, agreed contact, end."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError

from caseapp.core.clock import local_today
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.matches import services, wording
from caseapp.matches.blueprint import bp
from caseapp.matches.forms import ContactForm, EndForm
from caseapp.matches.models import Match
from caseapp.matches.views.common import COORDINATION, _get, _programmes
from caseapp.people.models import Person
from caseapp.volunteers.models import HoursEntry
from caseapp.web.access import access
from caseapp.web.pagination import paginate, sort_clause


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
        try:
            services.update_contact(current_user, match, form.agreed_contact.data or "")
            db.session.commit()
        except StaleDataError:  # changed between our check and the write
            return _conflict(match, {"contact": form.agreed_contact.data or ""})
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
        except StaleDataError:  # changed between our check and the write
            return _conflict(match, {"end_reason": form.reason.data, "note": form.note.data or ""})
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
        else:
            db.session.commit()
            flash(_("The match has ended; both sides are being told."), "success")
            return redirect(url_for("matches.match_detail", match_id=match.id))
    status = 400 if request.method == "POST" else 200
    return render_template("matches/end.html", form=form, match=match), status
