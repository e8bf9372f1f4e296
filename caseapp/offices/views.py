"""Office directory for staff; office and district management for admins."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from caseapp.audit.services import register_record_names
from caseapp.auth.models import OfficeMembership, User
from caseapp.auth.roles import Role
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _, _l
from caseapp.offices import services
from caseapp.offices.blueprint import bp
from caseapp.offices.forms import DistrictForm, OfficeForm
from caseapp.offices.hours import HoursInvalid, format_ranges, parse_ranges
from caseapp.offices.models import District, Office
from caseapp.web import flow
from caseapp.web.access import access
from caseapp.web.pagination import paginate, sort_clause

STAFF = (Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER)

# Why opening hours were refused (hours.HoursInvalid.reason), in words.
HOURS_REASONS = {
    "format": _l("Write times like 08:00-12:00, 13:30-16:00."),
    "order": _l("The closing time must be after the opening time."),
    "overlap": _l("The time ranges overlap."),
}


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
        except HoursInvalid as error:
            errors[field.name] = [str(HOURS_REASONS[error.reason])]
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
    done = flow.submit(
        form,
        lambda: services.create_office(current_user, _form_to_data(form)),
        to=lambda office: url_for("offices.detail", office_id=office.id),
        message=lambda office: _("The office %(name)s has been created.", name=office.name),
    )
    if done:
        return done
    return render_template("offices/form.html", form=form, office=None), flow.status(form)


def _saved(form: OfficeForm, office: Office) -> dict:
    """The office as saved now, in the words the form shows (labels, not codes); the opening
    hours are left out: their fields have no labels of their own."""
    kinds = dict(form.kind.choices)
    languages = dict(form.languages.choices)
    return {
        "name": office.name,
        "kind": kinds.get(office.kind, office.kind),
        "street": office.street,
        "postcode": office.postcode,
        "city": office.city,
        "phone": office.phone,
        "email": office.email,
        "website": office.website,
        "languages": [languages.get(code, code) for code in office.languages or []],
        "districts": [d.name for d in office.districts],
        "notes": office.notes,
        "active": office.active,
    }


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
    done = flow.submit(
        form,
        lambda: services.update_office(
            current_user, office, _form_to_data(form), form.loaded_version()
        ),
        to=url_for("offices.detail", office_id=office_id),
        message=_("Your changes have been saved."),
        conflict=flow.Conflict(
            edit_url=url_for("offices.edit", office_id=office_id),
            saved=lambda saved: _saved(form, saved),
        ),
    )
    if done:
        return done
    return render_template("offices/form.html", form=form, office=office), flow.status(form)


@bp.route("/districts", methods=["GET", "POST"])
@access(Role.ADMIN)
def districts():
    form = DistrictForm()
    done = flow.submit(
        form,
        lambda: services.create_district(current_user, form.name.data),
        to=url_for("offices.districts"),
        message=_("The district has been added."),
    )
    if done:
        return done
    rows = db.session.scalars(select(District).order_by(District.name)).all()
    return render_template("offices/districts.html", form=form, districts=rows), flow.status(form)


def _office_names(ids: set[int]) -> dict[int, str]:
    rows = db.session.execute(select(Office.id, Office.name).where(Office.id.in_(ids)))
    return dict(rows.all())


register_record_names("office", _office_names)
