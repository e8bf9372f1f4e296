"""The daily work on a case file: case status, consultations, aid, consents, households."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from caseapp.core.clock import add_months, local_now
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _, current_language
from caseapp.offices.models import Office
from caseapp.people import casework, services
from caseapp.people.blueprint import bp
from caseapp.people.forms import (
    AidForm,
    CaseForm,
    ConsentForm,
    ConsultationForm,
    HouseholdForm,
    consultation_form,
)
from caseapp.people.models import AidKind, NextStep
from caseapp.people.sections import consultation_parts
from caseapp.people.views.common import (
    BERLIN,
    CASEWORK,
    _button,
    _caseworker_choices,
    _person_or_404,
    shown_as_in,
    today,
)
from caseapp.people.vocab import CONSENT_PURPOSES
from caseapp.web import flow
from caseapp.web.access import access
from caseapp.web.readonly import read_only


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
@read_only(methods=("GET",))
def consultation_new(person_id: int):
    person = _person_or_404(person_id, audit_read=False)
    case = person.case
    owners = _caseworker_choices(case.office_id)
    if current_user.id not in {o for o, _n in owners}:
        owners.insert(0, (current_user.id, current_user.display_name))
    form = consultation_form(owner_choices=owners)
    if request.method == "GET":
        form.at.data = local_now().replace(second=0, microsecond=0, tzinfo=None)
        form.interpreter_language.data = person.interpreter_language or ""
        # The case's need areas are what a consultation is usually about.
        form.need_areas.data = list(case.need_areas or [])
        for row in form.steps:
            row.form.owner.data = current_user.id

    def log():
        consultation = casework.log_consultation(
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
        )
        for part in consultation_parts():
            part.save(current_user, consultation, form)
        return consultation

    done = flow.submit(
        form,
        log,
        to=url_for("people.detail", person_id=person_id),
        message=_("The consultation has been logged."),
    )
    if done:
        return done
    return render_template(
        "people/consultation_form.html",
        form=form,
        person=person,
        parts=consultation_parts(),
        due_picks=_due_picks(),
    ), flow.status(form)


def _due_picks() -> list[tuple[str, date]]:
    """Quick picks for a next step's due date, counted from today in Berlin."""
    day = today()
    return [
        (_("in 1 week"), day + timedelta(days=7)),
        (_("in 2 weeks"), day + timedelta(days=14)),
        (_("in 1 month"), add_months(day, 1)),
    ]


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


def _local_path(target: str | None) -> str | None:
    """A path on this site to go back to (the same rule as signing in's `next`), else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


@bp.route("/<int:person_id>/consents/new", methods=["GET", "POST"])
@access(*CASEWORK)
def consent_new(person_id: int):
    """Record a consent; `?purpose=` and `?office=` preset it, `?next=` is where to go back to
    (a form that asked for the consent, with what was typed there in its query)."""
    person = _person_or_404(person_id, audit_read=False)
    offices = [
        (o.id, o.name)
        for o in db.session.scalars(
            select(Office).where(Office.active.is_(True)).order_by(Office.name)
        )
    ]
    form = ConsentForm(office_choices=offices)
    back = _local_path(request.args.get("next"))
    if request.method == "GET":
        form.given_on.data = today()
        if request.args.get("purpose") in CONSENT_PURPOSES:
            form.purpose.data = request.args["purpose"]
        office = request.args.get("office", type=int)
        if office in {key for key, _name in offices}:
            form.receiving_office.data = office
    done = flow.submit(
        form,
        lambda: casework.record_consent(
            current_user,
            person.case,
            purpose=form.purpose.data,
            receiving_office_id=form.receiving_office.data or None,
            categories=form.categories.data or [],
            scope=form.scope.data or "",
            given_on=form.given_on.data,
            valid_until=form.valid_until.data,
            form=form.form.data,
            today=today(),
        ),
        to=back or url_for("people.detail", person_id=person_id),
        message=_("The consent has been recorded."),
    )
    if done:
        return done
    return render_template(
        "people/consent_form.html", form=form, person=person, back=back
    ), flow.status(form)


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
