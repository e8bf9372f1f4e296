"""Caseworkers register persons, search them, open case files and edit personal data."""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from caseapp.audit.services import register_record_names
from caseapp.auth import scope
from caseapp.auth.roles import Role
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people import sections, services
from caseapp.people.blueprint import bp
from caseapp.people.forms import PersonForm
from caseapp.people.models import Case, Consent, Person
from caseapp.people.services import finder
from caseapp.people.validation import (
    AZR_DIGITS,
    PersonData,
    format_birth,
    normalise_azr,
    parse_birth,
    validate_person,
)
from caseapp.people.views.common import (
    CASEWORK,
    _district_choices,
    _office_choices,
    _person_or_404,
    shown_as_in,
    today,
)
from caseapp.people.vocab import CASE_STATUS, NEED_AREAS, VULNERABILITIES
from caseapp.web import flow
from caseapp.web.access import access
from caseapp.web.pagination import paginate_capped
from caseapp.web.readonly import read_only


def _person_data(form: PersonForm) -> PersonData:
    try:
        year, month, day = parse_birth(form.birth_date.data or "")
    except ValueError:
        raise ValidationFailed(
            {"birth_date": _("Write the date as 1990-05-17, 17.05.1990 or only the year 1990.")}
        ) from None
    languages = []
    for row in form.languages:
        code, level = row.form.code.data, row.form.level.data
        if code:
            languages.append({"code": code, "level": level or "A1"})
    return PersonData(
        given_name=form.given_name.data or "",
        family_name=form.family_name.data or "",
        original_name=form.original_name.data or "",
        birth_year=year,
        birth_month=month,
        birth_day=day,
        sex=form.sex.data or "",
        nationalities=list(form.nationalities.data or []),
        languages=languages,
        interpreter_language=form.interpreter_language.data or "",
        phone=form.phone.data or "",
        email=(form.email.data or "").lower(),
        street=form.street.data or "",
        postcode=form.postcode.data or "",
        city=form.city.data or "",
        district_id=form.district.data or None,
        residence_status=form.residence_status.data or "",
        residence_valid_until=form.residence_valid_until.data,
        arrived_germany_on=form.arrived_germany_on.data,
        arrived_municipality_on=form.arrived_municipality_on.data,
        birth_place=form.birth_place.data or "",
        father_name=form.father_name.data or "",
        mother_name=form.mother_name.data or "",
        azr_number=form.azr_number.data or "",
    )


@bp.route("/", methods=["GET", "POST"])
@access(*CASEWORK)
@read_only
def index():
    """The case list, and the search box's results. Searches are POSTed (the navbar, the start
    page, this page), so names never travel in URLs that end up in access logs; a GET with
    q= still works for old bookmarks."""
    args = request.form if request.method == "POST" else request.args
    q = (args.get("q") or "").strip()[:500]
    filters = {
        "status": args.get("status", "") if args.get("status", "") in CASE_STATUS else "",
        "need": args.get("need", "") if args.get("need", "") in NEED_AREAS else "",
        "vulnerability": args.get("vulnerability", "")
        if args.get("vulnerability", "") in VULNERABILITIES
        else "",
        "caseworker_id": args.get("caseworker", type=int),
        "office_id": args.get("office", type=int),
    }
    if request.method == "POST" and not q:  # filters only: a plain list, bookmarkable
        names = {"caseworker_id": "caseworker", "office_id": "office"}
        kept = {names.get(k, k): v for k, v in filters.items() if v}
        return redirect(url_for("people.index", **kept))
    if q:
        compact = bool(args.get("fragment") and args.get("compact"))
        limit = finder.LIVE_RESULTS if compact else finder.RESULTS
        result = services.find_people(current_user, q, filters=filters, limit=limit)
        near = [] if result.hits else services.near_matches(current_user, q)
        if args.get("fragment"):  # results as you type
            return render_template(
                "people/_search_hits.html",
                result=result,
                near=near,
                q=q,
                compact=compact,
            )
        return render_template(
            "people/index.html",
            result=result,
            near=near,
            page=None,
            items=[],
            q=q,
            sort="",
            filters=filters,
            offices=_office_choices(),
            caseworkers=services.caseworkers_of(scope.visible_office_ids(current_user)),
        )
    sort = args.get("sort", "-updated")
    page = paginate_capped(services.case_list_query(current_user, sort=sort, **filters))
    offices = _office_choices()
    caseworkers = services.caseworkers_of(scope.visible_office_ids(current_user))
    return render_template(
        "people/index.html",
        result=None,
        near=[],
        page=page,
        items=page.items,
        q=q,
        sort=sort,
        filters=filters,
        offices=offices,
        caseworkers=caseworkers,
    )


@bp.route("/candidates", methods=["GET", "POST"])
@access(*CASEWORK)
@read_only
def candidates():
    """Likely existing persons for what is typed in the registration form (HTML fragment).
    The form's script POSTs, so the names stay out of URLs and access logs."""
    args = request.form if request.method == "POST" else request.args
    try:
        year, month, day = parse_birth(args.get("birth_date", ""))
    except ValueError:
        year = month = day = None
    given = (args.get("given_name") or "")[:120]
    family = (args.get("family_name") or "")[:120]
    original = (args.get("original_name") or "")[:240]
    azr = normalise_azr((args.get("azr_number") or "")[:40])
    found = []
    if len((given + family + original).strip()) >= 3 or AZR_DIGITS.fullmatch(azr):
        # What is typed so far weighs the candidates as on saving; a number not yet
        # complete is left out (it would rule out everyone with another).
        typed = PersonData(
            given_name=given,
            family_name=family,
            original_name=original,
            birth_year=year,
            birth_month=month,
            birth_day=day,
            sex=(args.get("sex") or "")[:1],
            phone=(args.get("phone") or "")[:40],
            email=(args.get("email") or "")[:254],
            azr_number=azr if AZR_DIGITS.fullmatch(azr) else "",
            birth_place=(args.get("birth_place") or "")[:120],
            father_name=(args.get("father_name") or "")[:120],
            mother_name=(args.get("mother_name") or "")[:120],
        )
        found = services.duplicate_candidates(current_user, services.facts_from_data(typed))
    if args.get("format") == "json":
        return jsonify(
            [{"id": p.id, "name": p.full_name, "score": round(c.score, 2)} for p, c in found]
        )
    return render_template("people/_candidates.html", candidates=found)


@bp.route("/new", methods=["GET", "POST"])
@access(*CASEWORK)
def create():
    office_choices = _office_choices()
    form = PersonForm(district_choices=_district_choices(), office_choices=office_choices)
    if office_choices and (request.method == "GET" or not form.office.data):
        form.office.data = office_choices[0][0]  # most caseworkers belong to one office
    found: list = []
    registered: list[Person] = []

    def register() -> Person:
        data = _person_data(form)
        validate_person(data, today())
        found.extend(services.duplicate_candidates(current_user, services.facts_from_data(data)))
        if found and not form.confirm_new.data:
            raise _Unconfirmed()
        caseworker_id = current_user.id if current_user.has_role(Role.CASEWORKER) else None
        person = services.register_person(
            current_user,
            data,
            office_id=form.office.data,
            caseworker_id=caseworker_id,
            today=today(),
        )
        registered.append(person)
        return person

    done = flow.submit(
        form, register, to=lambda person: url_for("people.detail", person_id=person.id)
    )
    if done:
        if registered:  # not on a repeated submission, which leads to the first result
            person = registered[0]
            flash(
                _(
                    "%(name)s has been registered with case number %(number)s.",
                    name=person.full_name,
                    number=person.case.case_number,
                ),
                "success",
            )
        return done
    unconfirmed = bool(found) and not form.confirm_new.data
    if unconfirmed:
        flash(
            _(
                "Lotse found persons who may be the same. Open one of them, or confirm that this is a new person."
            ),
            "warning",
        )
    if request.method == "POST" and form.errors and not form.csrf_token.errors:
        _add_domain_errors(form)
    status = 400 if unconfirmed else flow.status(form)
    return render_template("people/form.html", form=form, person=None, candidates=found), status


class _Unconfirmed(ValidationFailed):
    """Possible duplicates were found and "a new person" is not ticked: nothing is saved."""

    def __init__(self):
        super().__init__({})


def _add_domain_errors(form: PersonForm) -> None:
    """Show every problem at once, not only those the form fields found first."""
    try:
        validate_person(_person_data(form), today())
    except ValidationFailed as error:
        for name, messages in error.errors.items():
            field = getattr(form, name, None)
            if field is not None and not field.errors:
                field.errors = list(messages)


@bp.get("/<int:person_id>")
@access(*CASEWORK)
@read_only
def detail(person_id: int):
    person = _person_or_404(person_id)
    case = person.case
    consents = db.session.scalars(
        select(Consent).where(Consent.person_id == person.id).order_by(Consent.given_on.desc())
    ).all()
    loaded = sections.load_sections(current_user, person)
    events = sections.timeline(current_user, case)
    return flow.render_audited(
        "people/detail.html",
        person=person,
        case=case,
        consents=consents,
        sections=loaded,
        events=events,
        today=today(),
    )


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@access(*CASEWORK)
def edit(person_id: int):
    person = _person_or_404(person_id, audit_read=request.method == "GET")
    if request.method == "GET":
        form = PersonForm(
            obj=person, district_choices=_district_choices(), office_choices=_office_choices()
        )
        form.version.data = person.version
        form.birth_date.data = format_birth(person.birth_year, person.birth_month, person.birth_day)
        form.district.data = person.district_id or 0
        for row, entry in zip(form.languages, person.languages or [], strict=False):
            row.form.code.data, row.form.level.data = entry.get("code"), entry.get("level")
        return flow.render_audited("people/form.html", form=form, person=person, candidates=[])
    form = PersonForm(district_choices=_district_choices(), office_choices=_office_choices())
    done = flow.submit(
        form,
        lambda: services.update_person(
            current_user, person, _person_data(form), form.loaded_version(), today()
        ),
        to=url_for("people.detail", person_id=person_id),
        message=_("Your changes have been saved."),
        conflict=flow.Conflict(
            edit_url=url_for("people.edit", person_id=person_id),
            saved=lambda saved: shown_as_in(form, _person_values(saved)),
        ),
    )
    if done:
        return done
    if form.errors and not form.csrf_token.errors:
        _add_domain_errors(form)
    return render_template(
        "people/form.html", form=form, person=person, candidates=[]
    ), flow.status(form)


def _person_values(person: Person) -> dict[str, Any]:
    """The person as saved, by the edit form's field names (the conflict page's left column)."""
    return {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "original_name": person.original_name or "",
        # As the edit form shows it, so an unchanged date does not look changed.
        "birth_date": format_birth(person.birth_year, person.birth_month, person.birth_day),
        "sex": person.sex or "",
        "nationalities": person.nationalities or [],
        "interpreter_language": person.interpreter_language or "",
        "phone": person.phone or "",
        "email": person.email or "",
        "street": person.street or "",
        "postcode": person.postcode or "",
        "city": person.city or "",
        "district": person.district_id or 0,
        "residence_status": person.residence_status or "",
        "residence_valid_until": person.residence_valid_until,
        "arrived_germany_on": person.arrived_germany_on,
        "arrived_municipality_on": person.arrived_municipality_on,
        "birth_place": person.birth_place or "",
        "father_name": person.father_name or "",
        "mother_name": person.mother_name or "",
        "azr_number": person.azr_number or "",
    }


def _person_names(ids: set[int]) -> dict[int, str]:
    """ "Family name, given name · case number", as the case list writes a person."""
    rows = db.session.execute(
        select(Person.id, Person.family_name, Person.given_name, Case.case_number)
        .outerjoin(Case, Case.person_id == Person.id)
        .where(Person.id.in_(ids))
    )
    return {
        pid: f"{family}, {given}" + (f" · {number}" if number else "")
        for pid, family, given, number in rows
    }


register_record_names("person", _person_names)
