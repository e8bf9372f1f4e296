"""Matches: list, detail, pause/resume, agreed contact, end."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from caseapp.core.clock import local_today
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.matches import services, wording
from caseapp.matches.blueprint import bp
from caseapp.matches.forms import ContactForm, EndForm
from caseapp.matches.models import Match
from caseapp.matches.views.common import COORDINATION, _get, _programmes, flash_refusal
from caseapp.people.models import Person
from caseapp.volunteers.models import HoursEntry
from caseapp.web import flow
from caseapp.web.access import access
from caseapp.web.forms import BaseForm
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


def _conflict(match: Match) -> flow.Conflict:
    """A stale change of a match: the shared 409 page, both versions side by side. Its heading
    says the match's status now (ended meanwhile, say), which no field of the form shows."""
    status = str(wording.MATCH_STATUS.get(match.status, match.status))
    if match.end_reason:
        status += " · " + str(wording.END_REASONS.get(match.end_reason, match.end_reason))
    return flow.Conflict(
        edit_url=url_for("matches.match_detail", match_id=match.id),
        saved=lambda saved: {
            "agreed_contact": saved.agreed_contact,
            "reason": wording.END_REASONS.get(saved.end_reason, ""),
            "note": saved.end_note,
            "do_not_rematch": saved.do_not_rematch,
        },
        title=_("Changed meanwhile. Status of the match now: %(status)s", status=status),
    )


@bp.post("/matches/<int:match_id>/status")
@access(*COORDINATION)
def match_status(match_id: int):
    match = _get(Match, match_id)
    change = {"pause": services.pause, "resume": services.resume}.get(request.form.get("action"))
    if change is None:
        abort(400)
    form = BaseForm()
    back = url_for("matches.match_detail", match_id=match.id)
    done = flow.submit(
        form,
        lambda: change(current_user, match),
        to=back,
        message=_("Your changes have been saved."),
    )
    if done:
        return done
    flash_refusal(form)
    return redirect(back)


@bp.post("/matches/<int:match_id>/contact")
@access(*COORDINATION)
def match_contact(match_id: int):
    match = _get(Match, match_id)
    form = ContactForm()
    back = url_for("matches.match_detail", match_id=match.id)
    done = flow.submit(
        form,
        lambda: services.update_contact(
            current_user,
            match,
            form.agreed_contact.data or "",
            loaded_version=form.loaded_version(),
        ),
        to=back,
        message=_("Your changes have been saved."),
        conflict=_conflict(match),
    )
    return done or redirect(back)


@bp.route("/matches/<int:match_id>/end", methods=["GET", "POST"])
@access(*COORDINATION)
def match_end(match_id: int):
    match = _get(Match, match_id)
    form = EndForm()
    form.reason.choices = [("", _("Choose …")), *list(wording.END_REASONS.items())]
    if request.method == "GET":
        form.version.data = match.version
    done = flow.submit(
        form,
        lambda: services.end(
            current_user,
            match,
            form.reason.data,
            local_today(),
            do_not_rematch=bool(form.do_not_rematch.data),
            note=form.note.data or "",
            loaded_version=form.loaded_version(),
        ),
        to=url_for("matches.match_detail", match_id=match.id),
        message=_("The match has ended; both sides are being told."),
        conflict=_conflict(match),
    )
    if done:
        return done
    return render_template("matches/end.html", form=form, match=match), flow.status(form)
