"""Per-programme weights and the neighbouring districts that define reach."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.matches import adapters, services
from caseapp.matches.blueprint import bp
from caseapp.matches.engine.scoring import Weights
from caseapp.matches.forms import WEIGHT_FIELDS, NeighboursForm, SettingsForm
from caseapp.matches.models import district_neighbours
from caseapp.matches.views.common import COORDINATION, _get
from caseapp.offices.models import District
from caseapp.volunteers.models import Programme
from caseapp.web import flow
from caseapp.web.access import access


@bp.route("/programmes/<int:programme_id>/settings", methods=["GET", "POST"])
@access(*COORDINATION)
def settings(programme_id: int):
    programme = _get(Programme, programme_id)
    form = SettingsForm()
    if request.method == "GET":
        weights, level = adapters.weights_for(programme.id)
        for name in WEIGHT_FIELDS:
            getattr(form, name).data = Decimal(str(getattr(weights, name)))
        form.min_language_level.data = level
    done = flow.submit(
        form,
        lambda: services.save_settings(
            current_user,
            programme,
            {name: float(getattr(form, name).data) for name in WEIGHT_FIELDS},
            form.min_language_level.data,
        ),
        to=url_for("matches.index"),
        message=_("Your changes have been saved."),
    )
    if done:
        return done
    return render_template(
        "matches/settings.html",
        form=form,
        programme=programme,
        defaults=Weights(),
        weight_fields=WEIGHT_FIELDS,
    ), flow.status(form)


@bp.route("/districts", methods=["GET", "POST"])
@access(*COORDINATION)
def districts():
    all_districts = db.session.scalars(select(District).order_by(District.name)).all()
    pairs = db.session.execute(
        select(district_neighbours.c.district_id, district_neighbours.c.neighbour_id)
    ).all()
    near: dict[int, set[int]] = {}
    for a, b in pairs:
        near.setdefault(a, set()).add(b)
    selected = request.args.get("district", type=int) or request.form.get("district", type=int)
    district = next((d for d in all_districts if d.id == selected), None)
    form = NeighboursForm()
    form.neighbours.choices = [(d.id, d.name) for d in all_districts if d.id != selected]
    if district is not None and request.method == "GET":
        form.neighbours.data = sorted(near.get(district.id, ()))
    if request.method == "POST" and district is None:
        abort(404)
    done = flow.submit(
        form,
        lambda: services.set_neighbours(current_user, district.id, set(form.neighbours.data or [])),
        to=url_for("matches.districts"),
        message=_("Your changes have been saved."),
    )
    if done:
        return done
    names = {d.id: d.name for d in all_districts}
    return render_template(
        "matches/districts.html",
        districts=all_districts,
        near={k: sorted(names[i] for i in v) for k, v in near.items()},
        district=district,
        form=form,
    ), flow.status(form)
