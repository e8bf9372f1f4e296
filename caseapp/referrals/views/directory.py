"""The public service directory and the staff pages that manage services."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from caseapp.auth import scope
from caseapp.auth.roles import Role
from caseapp.core.errors import NotFound
from caseapp.extensions import db
from caseapp.i18n import _, current_language
from caseapp.offices.models import District, Office
from caseapp.people.vocab import NEED_AREAS
from caseapp.referrals import directory
from caseapp.referrals.blueprint import bp, directory_bp
from caseapp.referrals.directory import today
from caseapp.referrals.forms import ServiceForm
from caseapp.referrals.models import Service
from caseapp.referrals.views.common import shown_as_typed
from caseapp.web import flow
from caseapp.web.access import access, public
from caseapp.web.pagination import paginate

MANAGERS = (Role.ADMIN, Role.CASEWORKER)
DIRECTORY_LANGUAGES = ("de", "ar", "tr", "en", "uk", "fa", "ru", "ku", "fr")


def _districts():
    return [(d.id, d.name) for d in db.session.scalars(select(District).order_by(District.name))]


@directory_bp.get("/")
@public
def index():
    args = request.args
    q = (args.get("q") or "").strip()[:100]
    need = args.get("need", "") if args.get("need", "") in NEED_AREAS else ""
    district_id = args.get("district", type=int)
    # `lang` filters by a language spoken at the service; for de/ar/tr/en it also switches the
    # page language (the app-wide ?lang= rule), which is what a newcomer choosing it wants.
    language = (args.get("lang") or "").strip().lower()[:8]
    language = language if language.isalpha() else ""
    stmt = directory.service_list_query(q=q, need=need, district_id=district_id, language=language)
    page = paginate(stmt)
    return render_template(
        "directory/index.html",
        page=page,
        q=q,
        need=need,
        district_id=district_id,
        language=language,
        districts=_districts(),
        languages=DIRECTORY_LANGUAGES,
        lang=current_language(),
    )


@directory_bp.get("/<int:service_id>")
@public
def service(service_id: int):
    found = db.session.get(Service, service_id)
    if found is None or not found.active or not found.office.active:
        abort(404)
    return render_template("directory/service.html", service=found, lang=current_language())


# --- staff management ----------------------------------------------------------------------


def _office_choices():
    offices = scope.visible_office_ids(current_user)
    stmt = select(Office).where(Office.active.is_(True)).order_by(Office.name)
    if offices is not None:
        stmt = stmt.where(Office.id.in_(offices or {0}))
    return [(o.id, o.name) for o in db.session.scalars(stmt)]


def _data(form: ServiceForm) -> directory.ServiceData:
    return directory.ServiceData(
        office_id=form.office.data,
        name_de=form.name_de.data,
        name_ar=form.name_ar.data or "",
        name_tr=form.name_tr.data or "",
        description_de=form.description_de.data or "",
        description_ar=form.description_ar.data or "",
        description_tr=form.description_tr.data or "",
        need_areas=list(form.need_areas.data or []),
        eligibility=form.eligibility.data or "",
        district_ids=list(form.districts.data or []),
        languages=list(form.languages.data or []),
        hours_text=form.hours_text.data or "",
        how_to_reach=form.how_to_reach.data or "",
        capacity=form.capacity.data,
        response_days=form.response_days.data or 0,
        active=bool(form.active.data),
    )


@bp.get("/services")
@access(*MANAGERS)
def services():
    stmt = directory.service_list_query(
        q=request.args.get("q", ""),
        office_ids=scope.visible_office_ids(current_user),
        active_only=False,
    )
    return render_template(
        "referrals/services.html", page=paginate(stmt), q=request.args.get("q", "")
    )


@bp.route("/services/new", methods=["GET", "POST"])
@access(*MANAGERS)
def service_new():
    form = ServiceForm(office_choices=_office_choices(), district_choices=_districts())
    done = flow.submit(
        form,
        lambda: directory.create_service(current_user, _data(form), today()),
        to=url_for("referrals.services"),
        message=_("The service %(name)s has been created.", name=form.name_de.data),
    )
    if done:
        return done
    return render_template("referrals/service_form.html", form=form, service=None), flow.status(
        form
    )


def _saved(form: ServiceForm):
    """The service as saved now, in the form's terms (for the conflict page)."""

    def saved(service: Service) -> dict:
        return shown_as_typed(
            form,
            {
                "office": service.office_id,
                **{
                    name: getattr(service, name)
                    for name in (
                        "name_de",
                        "name_ar",
                        "name_tr",
                        "description_de",
                        "description_ar",
                        "description_tr",
                        "eligibility",
                        "hours_text",
                        "how_to_reach",
                        "response_days",
                        "active",
                    )
                },
                "need_areas": service.need_areas,
                "districts": [d.id for d in service.districts],
                "languages": service.languages,
                "capacity": service.capacity,
            },
        )

    return saved


@bp.route("/services/<int:service_id>/edit", methods=["GET", "POST"])
@access(*MANAGERS)
def service_edit(service_id: int):
    try:
        found = directory.get_service(current_user, service_id, manage=True)
    except NotFound:
        abort(404)
    if request.method == "GET":
        form = ServiceForm(
            obj=found, office_choices=_office_choices(), district_choices=_districts()
        )
        form.office.data = found.office_id
        form.version.data = found.version
        form.need_areas.data = found.need_areas
        form.languages.data = found.languages
        form.districts.data = [d.id for d in found.districts]
        return render_template("referrals/service_form.html", form=form, service=found)
    form = ServiceForm(office_choices=_office_choices(), district_choices=_districts())
    done = flow.submit(
        form,
        lambda: directory.update_service(
            current_user, found, _data(form), form.loaded_version(), today()
        ),
        to=url_for("referrals.services"),
        message=_("Your changes have been saved."),
        conflict=flow.Conflict(
            edit_url=url_for("referrals.service_edit", service_id=service_id),
            saved=_saved(form),
        ),
    )
    if done:
        return done
    return render_template("referrals/service_form.html", form=form, service=found), 400
