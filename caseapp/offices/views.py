"""Office directory for staff; office and district management for admins."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from caseapp.auth.models import OfficeMembership, User
from caseapp.auth.roles import Role
from caseapp.core.errors import StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.offices import services
from caseapp.offices.blueprint import bp
from caseapp.offices.forms import DistrictForm, OfficeForm
from caseapp.offices.hours import format_ranges, parse_ranges
from caseapp.offices.models import District, Office
from caseapp.web import idempotency
from caseapp.web.access import access
from caseapp.web.pagination import paginate, sort_clause

STAFF = (Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER)


def _district_choices():
    return [(d.id, d.name) for d in db.session.scalars(select(District).order_by(District.name))]


def _get_office(office_id: int) -> Office:
    office = db.session.get(Office, office_id)
    if office is None:
        abort(404)
    return office


def _form_to_data(form: OfficeForm) -> services.OfficeData:
    errors: dict[str, list[str]] = {}
    hours = {}
    for day, field in enumerate(form.hours_fields()):
        try:
            hours[day] = parse_ranges(field.data or "", field.name)
        except ValidationFailed as error:
            errors.update(error.errors)
    if errors:
        raise ValidationFailed(errors)
    return services.OfficeData(
        name=form.name.data,
        kind=form.kind.data,
        street=form.street.data or "",
        postcode=form.postcode.data or "",
        city=form.city.data or "",
        phone=form.phone.data or "",
        email=(form.email.data or "").lower(),
        website=form.website.data or "",
        languages=list(form.languages.data or []),
        district_ids=list(form.districts.data or []),
        notes=form.notes.data or "",
        active=bool(form.active.data),
        hours={day: ranges for day, ranges in hours.items() if ranges},
    )


@bp.get("/")
@access(*STAFF)
def index():
    q = (request.args.get("q") or "").strip()
    order, sort = sort_clause(
        {"name": Office.name, "kind": Office.kind, "city": Office.city}, "name"
    )
    stmt = select(Office)
    if not current_user.is_admin:
        stmt = stmt.where(Office.active.is_(True))
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            or_(Office.name.ilike(like), Office.city.ilike(like), Office.street.ilike(like))
        )
    page = paginate(stmt.order_by(order, Office.id))
    return render_template("offices/index.html", page=page, q=q, sort=sort)


@bp.get("/<int:office_id>")
@access(*STAFF)
def detail(office_id: int):
    office = _get_office(office_id)
    if not office.active and not current_user.is_admin:
        abort(404)
    return render_template("offices/detail.html", office=office)


@bp.get("/<int:office_id>/team")
@access(Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER, office_arg="office_id")
def team(office_id: int):
    office = _get_office(office_id)
    members = db.session.scalars(
        select(User)
        .join(OfficeMembership, OfficeMembership.user_id == User.id)
        .where(OfficeMembership.office_id == office.id, User.active.is_(True))
        .order_by(User.display_name)
    ).all()
    return render_template("offices/team.html", office=office, members=members)


@bp.route("/new", methods=["GET", "POST"])
@access(Role.ADMIN)
def create():
    form = OfficeForm(district_choices=_district_choices())
    if form.validate_on_submit():
        earlier = idempotency.previous_result(form.submission_id.data)
        if earlier:
            return redirect(earlier)
        try:
            office = services.create_office(current_user, _form_to_data(form))
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
        else:
            target = url_for("offices.detail", office_id=office.id)
            idempotency.remember(form.submission_id.data, current_user.id, target)
            db.session.commit()
            flash(_("The office %(name)s has been created.", name=office.name), "success")
            return redirect(target)
    status = 400 if request.method == "POST" else 200
    return render_template("offices/form.html", form=form, office=None), status


@bp.route("/<int:office_id>/edit", methods=["GET", "POST"])
@access(Role.ADMIN)
def edit(office_id: int):
    office = _get_office(office_id)
    if request.method == "GET":
        form = OfficeForm(obj=office, district_choices=_district_choices())
        form.version.data = office.version
        form.districts.data = [d.id for d in office.districts]
        for day, field in enumerate(form.hours_fields()):
            field.data = format_ranges(
                [(h.opens, h.closes) for h in office.opening_hours if h.weekday == day]
            )
        return render_template("offices/form.html", form=form, office=office)
    form = OfficeForm(district_choices=_district_choices())
    if form.validate_on_submit():
        try:
            services.update_office(current_user, office, _form_to_data(form), form.loaded_version())
        except StaleVersion:
            db.session.rollback()
            office = _get_office(office_id)
            return render_template("offices/conflict.html", form=form, office=office), 409
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
        else:
            db.session.commit()
            flash(_("Your changes have been saved."), "success")
            return redirect(url_for("offices.detail", office_id=office.id))
    return render_template("offices/form.html", form=form, office=office), 400


@bp.route("/districts", methods=["GET", "POST"])
@access(Role.ADMIN)
def districts():
    form = DistrictForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.create_district(current_user, form.name.data)
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
            status = 400
        else:
            db.session.commit()
            flash(_("The district has been added."), "success")
            return redirect(url_for("offices.districts"))
    elif request.method == "POST":
        status = 400
    rows = db.session.scalars(select(District).order_by(District.name)).all()
    return render_template("offices/districts.html", form=form, districts=rows), status
