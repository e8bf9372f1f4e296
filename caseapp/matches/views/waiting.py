"""The waiting list; caseworkers add people to it from the case file."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, literal, select

from caseapp.core.clock import local_today
from caseapp.core.errors import NotFound
from caseapp.extensions import db
from caseapp.i18n import _, current_language
from caseapp.matches import services
from caseapp.matches.blueprint import bp
from caseapp.matches.forms import RequestForm
from caseapp.matches.models import MatchProposal, MatchRequest, MatchRound, MatchUnmatched
from caseapp.matches.services.waiting import missing_consent
from caseapp.matches.views.common import (
    CASEWORK,
    COORDINATION,
    _get,
    _programmes,
    flash_refusal,
)
from caseapp.offices.models import District
from caseapp.people import consents
from caseapp.people import services as people_services
from caseapp.people.models import Person
from caseapp.web import flow
from caseapp.web.access import access
from caseapp.web.forms import BaseForm
from caseapp.web.pagination import paginate, sort_clause


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
    # Nobody is shown to the coordination office without a valid consent to matching.
    consented = consents.consented(MatchRequest.person_id, "volunteer_matching", local_today())
    stmt = (
        select(MatchRequest)
        .join(Person, Person.id == MatchRequest.person_id)
        .where(MatchRequest.status == "waiting", consented)
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
        .where(MatchRequest.status == "waiting", consented)
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
    # Back from recording the consent: the query holds what was typed before (see below).
    typed = request.method == "GET" and any(name in request.args for name in TYPED)
    form = RequestForm(formdata=request.args) if typed else RequestForm()
    form.programme.choices = [(p.id, p.name(lang)) for p in _programmes() if p.active]
    if request.method == "GET" and not typed:
        form.waiting_since.data = local_today()
    done = flow.submit(
        form,
        lambda: services.create_request(
            current_user,
            person,
            services.RequestData(
                programme_id=form.programme.data,
                waiting_since=form.waiting_since.data,
                gender_preference=form.gender_preference.data or "",
                interests=form.interests.data or "",
                availability=form.availability.data or [],
                interpreter_arranged=bool(form.interpreter_arranged.data),
                notes=form.notes.data or "",
            ),
            local_today(),
        ),
        to=url_for("people.detail", person_id=person.id),
        message=_("%(name)s is now on the waiting list.", name=person.given_name),
    )
    if done:
        return done
    missing = missing_consent(person, local_today())
    return render_template(
        "matches/request_form.html",
        form=form,
        person=person,
        consent_missing=missing,
        consent_url=_consent_url(person, form) if missing else None,
    ), flow.status(form)


# The waiting-list form's fields, carried through the consent form in the query of `next`.
TYPED = (
    "programme",
    "waiting_since",
    "gender_preference",
    "interests",
    "availability",
    "interpreter_arranged",
    "notes",
)


def _consent_url(person: Person, form: RequestForm) -> str:
    """The consent form, preset to matching, coming back here with everything typed so far."""
    typed = {name: form[name].raw_data for name in TYPED if form[name].raw_data}
    back = url_for("matches.request_new", person_id=person.id, **typed)
    return url_for(
        "people.consent_new", person_id=person.id, purpose="volunteer_matching", next=back
    )


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
    back = url_for("people.detail", person_id=match_request.person_id)
    form = BaseForm()
    done = flow.submit(
        form,
        lambda: services.withdraw_request(current_user, match_request),
        to=back,
        message=_("The request has been withdrawn."),
    )
    if done:
        return done
    flash_refusal(form)
    return redirect(back)
