"""Deadline pages: the office list, the administrator's catalogue, a person's deadlines."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from caseapp.auth import scope
from caseapp.auth.models import OfficeMembership, User, UserRole
from caseapp.auth.roles import Role
from caseapp.core.clock import local_today
from caseapp.core.errors import NotFound
from caseapp.deadlines import catalogue, rules, services, wording
from caseapp.deadlines.blueprint import bp
from caseapp.deadlines.forms import TEXT_LABELS, DeadlineForm, HandledForm, KindForm
from caseapp.deadlines.models import STATUSES, TEXT_FIELDS, TEXT_LANGUAGES, DeadlineKind
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people.models import Person
from caseapp.people.services import get_person
from caseapp.web import flow
from caseapp.web.access import access
from caseapp.web.pagination import paginate, sort_clause

CASEWORK = (Role.CASEWORKER, Role.ADMIN)


# --- the office list -------------------------------------------------------------------


def _caseworkers():
    stmt = (
        select(User.id, User.display_name)
        .join(UserRole, UserRole.user_id == User.id)
        .join(OfficeMembership, OfficeMembership.user_id == User.id)
        .where(UserRole.role == Role.CASEWORKER, User.active.is_(True))
        .distinct()
        .order_by(User.display_name)
    )
    return db.session.execute(scope.scoped(stmt, OfficeMembership.office_id, current_user)).all()


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@bp.get("/")
@access(*CASEWORK)
def index():
    today = local_today()
    status = request.args.get("status", "open")
    status = status if status in STATUSES else "open"
    week = rules.iso_week(request.args.get("week", ""))
    within = _int_arg("within")
    filters = services.ListFilter(
        kind_id=_int_arg("kind"),
        week=week,
        within_weeks=within if within and within <= 104 else None,
        caseworker_id=_int_arg("caseworker"),
        status=status,
    )
    order, sort = sort_clause(
        {"due": services.Deadline.due_on, "name": Person.family_name_norm},
        "due",
    )
    stmt = services.list_query(current_user, filters, today).order_by(order, services.Deadline.id)
    page = paginate(stmt)
    weeks = [(today + timedelta(weeks=n)).isocalendar() for n in range(16)]
    return render_template(
        "deadlines/index.html",
        page=page,
        sort=sort,
        filters=filters,
        status=status,
        week_arg=request.args.get("week", "") if week else "",
        weeks=[f"{c.year}-W{c.week:02d}" for c in weeks],
        kinds=catalogue.all_kinds(),
        caseworkers=_caseworkers(),
        today=today,
    )


# --- the catalogue ---------------------------------------------------------------------


def _kind_choices() -> dict:
    return {
        "rule_choices": [(k, str(v)) for k, v in wording.RULE_LABELS.items()],
        "source_choices": [(k, str(v)) for k, v in wording.SOURCE_LABELS.items()],
    }


def _kind_or_404(kind_id: int) -> DeadlineKind:
    kind = db.session.get(DeadlineKind, kind_id)
    if kind is None:
        abort(404)
    return kind


def _kind_data(form: KindForm) -> catalogue.KindData:
    return catalogue.KindData(
        code=(form.code.data or "").strip(),
        texts=form.texts(),
        rule=form.rule.data or "",
        source=form.source.data or "",
        months=form.months.data or 0,
        days=form.days.data or 0,
        age_years=form.age_years.data or 0,
        cutoff_month=form.cutoff_month.data or 0,
        cutoff_day=form.cutoff_day.data or 0,
        warn_weeks=form.warn_weeks.data or "",
        active=bool(form.active.data),
    )


def _kind_page(form: KindForm, kind: DeadlineKind | None):
    done = flow.submit(
        form,
        lambda: catalogue.save_kind(current_user, kind, _kind_data(form), form.loaded_version()),
        to=url_for("deadlines.kinds"),
        message=_("The deadline kind has been saved."),
        conflict=flow.Conflict(
            edit_url=url_for("deadlines.kind_edit", kind_id=kind.id) if kind else None,
            saved=lambda k: {"code": k.code, "name_de": k.name("de"), "active": k.active},
        ),
    )
    if done:
        return done
    return render_template(
        "deadlines/kind_form.html",
        form=form,
        kind=kind,
        text_fields=TEXT_FIELDS,
        text_languages=TEXT_LANGUAGES,
        text_labels=TEXT_LABELS,
    ), flow.status(form)


@bp.get("/kinds")
@access(Role.ADMIN)
def kinds():
    return render_template(
        "deadlines/kinds.html", kinds=catalogue.all_kinds(), missing=_missing_defaults()
    )


def _missing_defaults() -> int:
    from caseapp.deadlines.defaults import DEFAULT_KINDS

    have = set(db.session.scalars(select(DeadlineKind.code)))
    return sum(1 for spec in DEFAULT_KINDS if spec["code"] not in have)


@bp.post("/kinds/defaults")
@access(Role.ADMIN)
def install_defaults():
    return _button(
        lambda: catalogue.install_defaults(current_user),
        to=url_for("deadlines.kinds"),
        message=_("The shipped deadline kinds have been added."),
    )


@bp.route("/kinds/new", methods=["GET", "POST"])
@access(Role.ADMIN)
def kind_new():
    return _kind_page(KindForm(**_kind_choices()), None)


@bp.route("/kinds/<int:kind_id>/edit", methods=["GET", "POST"])
@access(Role.ADMIN)
def kind_edit(kind_id: int):
    kind = _kind_or_404(kind_id)
    if request.method == "GET":
        values = {
            f"{name}_{lang}": kind.text_value(name, lang)
            for name in TEXT_FIELDS
            for lang in TEXT_LANGUAGES
        }
        form = KindForm(
            **_kind_choices(),
            code=kind.code,
            rule=kind.rule,
            source=kind.source,
            months=kind.months,
            days=kind.days,
            age_years=kind.age_years,
            cutoff_month=kind.cutoff_month,
            cutoff_day=kind.cutoff_day,
            warn_weeks=", ".join(str(w) for w in kind.warn_weeks or []),
            active=kind.active,
            **values,
        )
        form.version.data = kind.version
        return _kind_page(form, kind)
    return _kind_page(KindForm(**_kind_choices()), kind)


@bp.post("/kinds/<int:kind_id>/active")
@access(Role.ADMIN)
def kind_active(kind_id: int):
    kind = _kind_or_404(kind_id)
    active = request.form.get("active") == "1"
    return _button(
        lambda: catalogue.set_active(current_user, kind, active),
        to=url_for("deadlines.kinds"),
        message=_("The deadline kind is active again.")
        if active
        else _("The deadline kind has been deactivated."),
    )


# --- a person's deadlines --------------------------------------------------------------


def _person_or_404(person_id: int) -> Person:
    try:
        return get_person(current_user, person_id, audit_read=False)
    except NotFound:
        abort(404)


def entered_kind_choices() -> list[tuple[int, str]]:
    return [
        (k.id, wording.kind_name(k))
        for k in catalogue.all_kinds(active_only=True)
        if k.rule == rules.ENTERED
    ]


@bp.route("/person/<int:person_id>/new", methods=["GET", "POST"])
@access(*CASEWORK)
def add(person_id: int):
    person = _person_or_404(person_id)
    form = DeadlineForm(kind_choices=entered_kind_choices())
    done = flow.submit(
        form,
        lambda: services.enter_deadline(
            current_user,
            person,
            services.EnteredDeadline(
                kind_id=form.kind.data or 0, due_on=form.due_on.data, note=form.note.data or ""
            ),
            local_today(),
        ),
        to=url_for("people.detail", person_id=person.id, _anchor="h-deadlines"),
        message=_("The deadline has been added."),
    )
    if done:
        return done
    return render_template("deadlines/form.html", form=form, person=person), flow.status(form)


@bp.post("/<int:deadline_id>/handled")
@access(*CASEWORK)
def handle(deadline_id: int):
    try:
        deadline = services.get_deadline(current_user, deadline_id)
    except NotFound:
        abort(404)
    back = url_for("people.detail", person_id=deadline.person_id, _anchor="h-deadlines")
    if request.form.get("next") == "list":
        back = url_for("deadlines.index")
    return _button(
        lambda: services.mark_handled(current_user, deadline, local_today()),
        to=back,
        message=_("The deadline is marked as handled."),
    )


def _button(action, *, to: str, message: str):
    """A one-button form (CSRF token only): the flow's one commit, then back to `to`."""
    from flask import flash, redirect

    form = HandledForm()
    done = flow.submit(form, action, to=to, message=message)
    for messages in form.errors.values():
        for text in messages:
            flash(text, "danger")
    return done or redirect(to)
