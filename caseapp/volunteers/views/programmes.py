"""Coordinators set up the programmes and see the year's thank-you figures."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from caseapp.core.clock import OFFICE_TZ, utcnow
from caseapp.extensions import db
from caseapp.i18n import _, current_language
from caseapp.volunteers import services
from caseapp.volunteers.blueprint import bp
from caseapp.volunteers.forms import ProgrammeForm
from caseapp.volunteers.labels import Status
from caseapp.volunteers.models import Application, Programme
from caseapp.volunteers.views.common import COORDINATION, as_shown, get_or_404
from caseapp.web import flow
from caseapp.web.access import access


def _programme_data(form: ProgrammeForm) -> services.ProgrammeData:
    return services.ProgrammeData(
        kind=form.kind.data,
        name_de=form.name_de.data,
        name_ar=form.name_ar.data or "",
        name_tr=form.name_tr.data or "",
        description_de=form.description_de.data or "",
        description_ar=form.description_ar.data or "",
        description_tr=form.description_tr.data or "",
        min_commitment_months=form.min_commitment_months.data,
        required_trainings=form.required_trainings.data,
        good_conduct_required=bool(form.good_conduct_required.data),
        max_newcomers=form.max_newcomers.data,
        active=bool(form.active.data),
    )


@bp.get("/coordination/programmes")
@access(*COORDINATION)
def programmes():
    rows = db.session.scalars(select(Programme).order_by(Programme.id)).all()
    counts = dict(
        db.session.execute(
            select(Application.programme_id, func.count(Application.id))
            .where(Application.status.in_([Status.TRAINED, Status.ACTIVE]))
            .group_by(Application.programme_id)
        ).all()
    )
    return render_template("volunteers/programmes.html", programmes=rows, counts=counts)


@bp.route("/coordination/programmes/new", methods=["GET", "POST"])
@access(*COORDINATION)
def programme_new():
    form = ProgrammeForm()
    if request.method == "GET":
        form.min_commitment_months.data = 6
        form.required_trainings.data = 1
        form.max_newcomers.data = 1
    done = flow.submit(
        form,
        lambda: services.create_programme(current_user, _programme_data(form)),
        to=url_for("volunteers.programmes"),
        message=lambda programme: _(
            "The programme %(name)s has been created.", name=programme.name_de
        ),
    )
    if done:
        return done
    return render_template(
        "volunteers/programme_form.html", form=form, programme=None
    ), flow.status(form)


@bp.route("/coordination/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@access(*COORDINATION)
def programme_edit(programme_id: int):
    programme = get_or_404(Programme, programme_id)
    if request.method == "GET":
        form = ProgrammeForm(obj=programme)
        form.version.data = programme.version
        return render_template("volunteers/programme_form.html", form=form, programme=programme)
    form = ProgrammeForm()
    done = flow.submit(
        form,
        lambda: services.update_programme(
            current_user, programme, _programme_data(form), form.loaded_version()
        ),
        to=url_for("volunteers.programmes"),
        message=_("Your changes have been saved."),
        conflict=flow.Conflict(
            edit_url=url_for("volunteers.programme_edit", programme_id=programme_id),
            saved=lambda saved: as_shown(
                form, {name: getattr(saved, name) for name in services.PROGRAMME_FIELDS}
            ),
        ),
    )
    if done:
        return done
    return render_template(
        "volunteers/programme_form.html", form=form, programme=programme
    ), flow.status(form)


@bp.get("/coordination/volunteers/thanks")
@access(*COORDINATION)
def thanks():
    year = request.args.get("year", type=int) or utcnow().astimezone(OFFICE_TZ).year
    total, people, rows = services.yearly_figures(year)
    return render_template(
        "volunteers/thanks.html",
        year=year,
        hours=total // 60,
        people=people,
        rows=rows,
        language=current_language(),
    )
