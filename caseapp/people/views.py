"""Caseworkers register persons, search, open case files and log their daily work."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from caseapp.auth import scope
from caseapp.auth.roles import Role
from caseapp.core.clock import OFFICE_TZ, local_now, local_today
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _, current_language
from caseapp.offices.models import District, Office
from caseapp.people import casework, sections, services
from caseapp.people.blueprint import bp
from caseapp.people.forms import (
    AidForm,
    CaseForm,
    ConsentForm,
    ConsultationForm,
    HouseholdForm,
    PersonForm,
)
from caseapp.people.models import AidKind, Consent, NextStep, Person
from caseapp.people.validation import PersonData, format_birth, parse_birth, validate_person
from caseapp.people.vocab import CASE_STATUS, NEED_AREAS, VULNERABILITIES
from caseapp.web import flow
from caseapp.web.access import access
from caseapp.web.forms import BaseForm
from caseapp.web.pagination import paginate_capped

CASEWORK = (Role.CASEWORKER, Role.ADMIN)
BERLIN = OFFICE_TZ


def today() -> date:
    return local_today()


def _person_or_404(person_id: int, *, audit_read: bool = True) -> Person:
    try:
        return services.get_person(current_user, person_id, audit_read=audit_read)
    except NotFound:
        abort(404)


def _district_choices():
    return [(d.id, d.name) for d in db.session.scalars(select(District).order_by(District.name))]


def _office_choices():
    offices = scope.visible_office_ids(current_user)
    stmt = select(Office).where(Office.active.is_(True)).order_by(Office.name)
    if offices is not None:
        stmt = stmt.where(Office.id.in_(offices or {0}))
    return [(o.id, o.name) for o in db.session.scalars(stmt)]


def _caseworker_choices(office_id: int):
    return [(u.id, u.display_name) for u in services.caseworkers_of({office_id})]


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
    )


@bp.get("/")
@access(*CASEWORK)
def index():
    args = request.args
    q = (args.get("q") or "").strip()
    filters = {
        "status": args.get("status", "") if args.get("status", "") in CASE_STATUS else "",
        "need": args.get("need", "") if args.get("need", "") in NEED_AREAS else "",
        "vulnerability": args.get("vulnerability", "")
        if args.get("vulnerability", "") in VULNERABILITIES
        else "",
        "caseworker_id": args.get("caseworker", type=int),
        "office_id": args.get("office", type=int),
    }
    sort = args.get("sort", "-updated")
    page = paginate_capped(services.case_list_query(current_user, q=q, sort=sort, **filters))
    items = services.rank_by_name(q, list(page.items)) if q and "sort" not in args else page.items
    offices = _office_choices()
    caseworkers = services.caseworkers_of(scope.visible_office_ids(current_user))
    return render_template(
        "people/index.html",
        page=page,
        items=items,
        q=q,
        sort=sort,
        filters=filters,
        offices=offices,
        caseworkers=caseworkers,
    )


@bp.get("/candidates")
@access(*CASEWORK)
def candidates():
    """Likely existing persons for what is typed in the registration form (HTML fragment)."""
    from caseapp.people.namematch import PersonFacts

    try:
        year, month, day = parse_birth(request.args.get("birth_date", ""))
    except ValueError:
        year = month = day = None
    given = (request.args.get("given_name") or "")[:120]
    family = (request.args.get("family_name") or "")[:120]
    original = (request.args.get("original_name") or "")[:240]
    found = []
    if len((given + family + original).strip()) >= 3:
        found = services.duplicate_candidates(
            current_user,
            PersonFacts(
                id=0,
                given_name=given,
                family_name=family,
                original_name=original,
                birth_year=year,
                birth_month=month,
                birth_day=day,
            ),
        )
    if request.args.get("format") == "json":
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
def detail(person_id: int):
    person = _person_or_404(person_id)
    case = person.case
    consents = db.session.scalars(
        select(Consent).where(Consent.person_id == person.id).order_by(Consent.given_on.desc())
    ).all()
    loaded = sections.load_sections(current_user, person)
    events = sections.timeline(current_user, case)
    db.session.commit()  # the audit row of this read
    return render_template(
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
        db.session.commit()
        return render_template("people/form.html", form=form, person=person, candidates=[])
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
    }


def shown_as_in(form, values: Mapping[str, Any]) -> dict[str, Any]:
    """Saved values in the words the form shows: a choice's label rather than its code."""
    shown = {}
    for name, value in values.items():
        choices = getattr(getattr(form, name, None), "choices", None)
        if not choices:
            shown[name] = value
            continue
        labels = {str(key): label for key, label in choices}
        many = value if isinstance(value, list | tuple) else [value]
        shown[name] = ", ".join(str(labels.get(str(v), v)) for v in many if v not in (None, ""))
    return shown


@bp.route("/<int:person_id>/case", methods=["GET", "POST"])
@access(*CASEWORK)
def case_edit(person_id: int):
    person = _person_or_404(person_id, audit_read=False)
    case = person.case
    choices = _caseworker_choices(case.office_id)
    if request.method == "GET":
        form = CaseForm(
            caseworker_choices=choices,
            status=case.status,
            closed_reason=case.closed_reason,
            caseworker=case.caseworker_id or 0,
            needs=case.need_areas,
            vulnerabilities=case.vulnerabilities,
        )
        form.version.data = case.version
        return render_template("people/case_form.html", form=form, person=person, case=case)
    form = CaseForm(caseworker_choices=choices)
    done = flow.submit(
        form,
        lambda: casework.update_case(
            current_user,
            case,
            status=form.status.data,
            closed_reason=form.closed_reason.data or "",
            caseworker_id=form.caseworker.data or None,
            needs=form.needs.data or [],
            vulnerabilities=form.vulnerabilities.data or [],
            loaded_version=form.loaded_version(),
        ),
        to=url_for("people.detail", person_id=person_id),
        message=_("Your changes have been saved."),
        conflict=flow.Conflict(
            edit_url=url_for("people.case_edit", person_id=person_id),
            saved=lambda saved: shown_as_in(
                form,
                {
                    "status": saved.status,
                    "closed_reason": saved.closed_reason,
                    "caseworker": saved.caseworker_id or 0,
                    "needs": saved.need_areas,
                    "vulnerabilities": saved.vulnerabilities,
                },
            ),
        ),
    )
    if done:
        return done
    return render_template(
        "people/case_form.html", form=form, person=person, case=case
    ), flow.status(form)


def _steps(form: ConsultationForm) -> list[casework.StepData]:
    """The next steps typed below a consultation; each one needs a due date."""
    steps = []
    for row in form.steps:
        if not (row.form.description.data or "").strip():
            continue
        if not row.form.due_on.data:
            raise ValidationFailed({"steps": _("Each next step needs a due date.")})
        steps.append(
            casework.StepData(
                row.form.description.data.strip(), row.form.due_on.data, row.form.owner.data or None
            )
        )
    return steps


@bp.route("/<int:person_id>/consultations/new", methods=["GET", "POST"])
@access(*CASEWORK)
def consultation_new(person_id: int):
    person = _person_or_404(person_id, audit_read=False)
    case = person.case
    owners = _caseworker_choices(case.office_id)
    if current_user.id not in {o for o, _n in owners}:
        owners.insert(0, (current_user.id, current_user.display_name))
    form = ConsultationForm(owner_choices=owners)
    if request.method == "GET":
        form.at.data = local_now().replace(second=0, microsecond=0, tzinfo=None)
        form.interpreter_language.data = person.interpreter_language or ""
        for row in form.steps:
            row.form.owner.data = current_user.id
    done = flow.submit(
        form,
        lambda: casework.log_consultation(
            current_user,
            case,
            casework.ConsultationData(
                at=form.at.data.replace(tzinfo=BERLIN),
                duration_minutes=form.duration_minutes.data,
                mode=form.mode.data,
                interpreter_language=form.interpreter_language.data or "",
                need_areas=form.need_areas.data or [],
                notes=form.notes.data or "",
                steps=_steps(form),
            ),
            office_id=case.office_id,
        ),
        to=url_for("people.detail", person_id=person_id),
        message=_("The consultation has been logged."),
    )
    if done:
        return done
    return render_template("people/consultation_form.html", form=form, person=person), flow.status(
        form
    )


@bp.route("/<int:person_id>/aid/new", methods=["GET", "POST"])
@access(*CASEWORK)
def aid_new(person_id: int):
    person = _person_or_404(person_id, audit_read=False)
    case = person.case
    form = AidForm()
    kinds = db.session.scalars(
        select(AidKind).where(AidKind.active.is_(True)).order_by(AidKind.name_de)
    ).all()
    form.kind.choices = [(k.id, k.name(current_language())) for k in kinds]
    if request.method == "GET":
        form.given_on.data = today()
    earlier: list = []

    def record():
        try:
            return casework.record_aid(
                current_user,
                case,
                kind_id=form.kind.data,
                given_on=form.given_on.data,
                value_cents=int((form.value.data or Decimal(0)) * 100),
                note=form.note.data or "",
                override_reason=form.override_reason.data or "",
                office_id=case.office_id,
                today=today(),
            )
        except casework.RepeatedAid as warning:
            # Nothing is saved; the page lists the earlier aid and asks for a reason.
            earlier.extend(warning.earlier)
            raise ValidationFailed({}) from None

    done = flow.submit(
        form,
        record,
        to=url_for("people.detail", person_id=person_id),
        message=_("The aid has been recorded."),
    )
    if done:
        return done
    return render_template(
        "people/aid_form.html", form=form, person=person, earlier=earlier, no_kinds=not kinds
    ), 400 if earlier else flow.status(form)


@bp.route("/<int:person_id>/consents/new", methods=["GET", "POST"])
@access(*CASEWORK)
def consent_new(person_id: int):
    person = _person_or_404(person_id, audit_read=False)
    offices = [
        (o.id, o.name)
        for o in db.session.scalars(
            select(Office).where(Office.active.is_(True)).order_by(Office.name)
        )
    ]
    form = ConsentForm(office_choices=offices)
    if request.method == "GET":
        form.given_on.data = today()
    done = flow.submit(
        form,
        lambda: casework.record_consent(
            current_user,
            person.case,
            purpose=form.purpose.data,
            receiving_office_id=form.receiving_office.data or None,
            scope=form.scope.data or "",
            given_on=form.given_on.data,
            form=form.form.data,
            today=today(),
        ),
        to=url_for("people.detail", person_id=person_id),
        message=_("The consent has been recorded."),
    )
    if done:
        return done
    return render_template("people/consent_form.html", form=form, person=person), flow.status(form)


def _button(action: Callable[[], Any], *, to: str, message: str):
    """A one-button form (CSRF token only): the flow's one commit, then back to `to`."""
    form = BaseForm()
    done = flow.submit(form, action, to=to, message=message)
    for messages in form.errors.values():
        for text in messages:
            flash(text, "danger")
    return done or redirect(to)


@bp.post("/<int:person_id>/consents/<int:consent_id>/withdraw")
@access(*CASEWORK)
def consent_withdraw(person_id: int, consent_id: int):
    person = _person_or_404(person_id, audit_read=False)

    def withdraw() -> None:
        try:
            casework.withdraw_consent(current_user, person.case, consent_id, today())
        except NotFound:
            abort(404)

    return _button(
        withdraw,
        to=url_for("people.detail", person_id=person_id),
        message=_("The consent has been marked as withdrawn."),
    )


@bp.route("/<int:person_id>/household", methods=["GET", "POST"])
@access(*CASEWORK)
def household(person_id: int):
    person = _person_or_404(person_id, audit_read=False)
    form = HouseholdForm()

    def link():
        try:
            other = services.get_person(current_user, int(form.other.data), audit_read=False)
        except (NotFound, ValueError):
            abort(404)
        return casework.link_household(
            current_user, person, other, role=form.role.data, other_role=form.other_role.data
        )

    done = flow.submit(
        form,
        link,
        to=url_for("people.detail", person_id=person_id),
        message=_("The household has been updated."),
    )
    if done:
        return done
    q = (request.args.get("q") or "").strip()
    found = [p for p, _s in services.name_search(current_user, q) if p.id != person.id] if q else []
    return render_template(
        "people/household.html", person=person, form=form, q=q, found=found
    ), flow.status(form)


@bp.post("/<int:person_id>/household/leave")
@access(*CASEWORK)
def household_leave(person_id: int):
    person = _person_or_404(person_id, audit_read=False)
    return _button(
        lambda: casework.leave_household(current_user, person),
        to=url_for("people.detail", person_id=person_id),
        message=_("The household has been updated."),
    )


@bp.post("/steps/<int:step_id>/done")
@access(*CASEWORK)
def step_done(step_id: int):
    step = db.session.get(NextStep, step_id)
    if step is None:
        abort(404)
    _person_or_404(step.case.person_id, audit_read=False)  # office check
    back = (
        request.referrer
        if request.referrer and request.referrer.startswith(request.host_url)
        else url_for("people.detail", person_id=step.case.person_id)
    )
    return _button(
        lambda: casework.complete_next_step(current_user, step),
        to=back,
        message=_("The next step is marked as done."),
    )
