"""Coordinators schedule trainings, register walk-ins and record who attended."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.core.clock import OFFICE_TZ, utcnow
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.volunteers import trainings
from caseapp.volunteers.blueprint import bp
from caseapp.volunteers.forms import ConfirmForm, RegisterVolunteerForm, TrainingForm
from caseapp.volunteers.labels import ENGAGED
from caseapp.volunteers.models import Application, Training, Volunteer
from caseapp.volunteers.views.common import (
    COORDINATION,
    all_programme_choices,
    as_shown,
    flash_reasons,
    get_or_404,
)
from caseapp.web import flow
from caseapp.web.access import access


def _aware(day, clock) -> datetime:
    return datetime.combine(day, clock, tzinfo=OFFICE_TZ)


def _training_data(form: TrainingForm) -> trainings.TrainingData:
    return trainings.TrainingData(
        title=form.title.data,
        starts_at=_aware(form.day.data, form.starts.data),
        ends_at=_aware(form.day.data, form.ends.data),
        place=form.place.data or "",
        capacity=form.capacity.data,
        notes=form.notes.data or "",
        programme_ids=list(form.programmes.data or []),
    )


def _form_values(training: Training) -> dict:
    """The training as the form shows it: day and times in local time."""
    local_start = training.starts_at.astimezone(OFFICE_TZ)
    return {
        "title": training.title,
        "day": local_start.date(),
        "starts": local_start.time(),
        "ends": training.ends_at.astimezone(OFFICE_TZ).time(),
        "place": training.place,
        "capacity": training.capacity,
        "programmes": [p.id for p in training.programmes],
        "notes": training.notes,
    }


@bp.get("/coordination/trainings")
@access(*COORDINATION)
def trainings_index():
    now = utcnow()
    upcoming = db.session.scalars(
        select(Training).where(Training.starts_at >= now).order_by(Training.starts_at)
    ).all()
    past = db.session.scalars(
        select(Training).where(Training.starts_at < now).order_by(Training.starts_at.desc())
    ).all()
    return render_template("volunteers/trainings.html", upcoming=upcoming, past=past)


@bp.route("/coordination/trainings/new", methods=["GET", "POST"])
@access(*COORDINATION)
def training_new():
    form = TrainingForm(programme_choices=all_programme_choices())
    if request.method == "GET":
        form.capacity.data = 20
    done = flow.submit(
        form,
        lambda: trainings.create_training(current_user, _training_data(form)),
        to=lambda training: url_for("volunteers.training_detail", training_id=training.id),
        message=_("The training has been scheduled."),
    )
    if done:
        return done
    return render_template("volunteers/training_form.html", form=form, training=None), flow.status(
        form
    )


@bp.route("/coordination/trainings/<int:training_id>/edit", methods=["GET", "POST"])
@access(*COORDINATION)
def training_edit(training_id: int):
    training = get_or_404(Training, training_id)
    if request.method == "GET":
        form = TrainingForm(obj=training, programme_choices=all_programme_choices())
        values = _form_values(training)
        form.day.data, form.starts.data = values["day"], values["starts"]
        form.ends.data, form.programmes.data = values["ends"], values["programmes"]
        form.version.data = training.version
        return render_template("volunteers/training_form.html", form=form, training=training)
    form = TrainingForm(programme_choices=all_programme_choices())
    done = flow.submit(
        form,
        lambda: trainings.update_training(
            current_user, training, _training_data(form), form.loaded_version()
        ),
        to=url_for("volunteers.training_detail", training_id=training_id),
        message=_("Your changes have been saved."),
        conflict=flow.Conflict(
            edit_url=url_for("volunteers.training_edit", training_id=training_id),
            saved=lambda saved: as_shown(form, _form_values(saved)),
        ),
    )
    if done:
        return done
    return render_template(
        "volunteers/training_form.html", form=form, training=training
    ), flow.status(form)


def _eligible_volunteers(training: Training):
    programme_ids = [p.id for p in training.programmes]
    registered = {r.volunteer_id for r in training.registrations}
    rows = db.session.scalars(
        select(Volunteer)
        .join(User, User.id == Volunteer.user_id)
        .where(
            Volunteer.applications.any(
                Application.programme_id.in_(programme_ids or [0])
                & Application.status.in_(list(ENGAGED))
            )
        )
        .order_by(User.display_name)
    ).all()
    return [(v.id, v.name) for v in rows if v.id not in registered]


@bp.get("/coordination/trainings/<int:training_id>")
@access(*COORDINATION)
def training_detail(training_id: int, *, register_form=None, status=200):
    training = get_or_404(Training, training_id)
    register_form = register_form or RegisterVolunteerForm()
    register_form.volunteer.choices = _eligible_volunteers(training)
    rows = sorted(training.registrations, key=lambda r: r.volunteer.name.casefold())
    return render_template(
        "volunteers/training_detail.html",
        training=training,
        registrations=rows,
        form=ConfirmForm(),
        register_form=register_form,
        started=training.starts_at <= utcnow(),
    ), status


@bp.post("/coordination/trainings/<int:training_id>/attendance")
@access(*COORDINATION)
def attendance(training_id: int):
    training = get_or_404(Training, training_id)
    attended = {int(v) for v in request.form.getlist("attended") if v.isdigit()}
    certified: list[str] = []

    def save():
        issued = trainings.record_attendance(current_user, training, attended, utcnow())
        certified.extend(c.volunteer.name for c in issued)

    form = ConfirmForm()
    done = flow.submit(
        form,
        save,
        to=url_for("volunteers.training_detail", training_id=training_id),
        message=_("Attendance has been saved."),
    )
    if done:
        if certified:
            flash(_("Certificates issued: %(names)s", names=", ".join(certified)), "success")
        return done
    flash_reasons(form)
    return redirect(url_for("volunteers.training_detail", training_id=training_id))


@bp.post("/coordination/trainings/<int:training_id>/register")
@access(*COORDINATION)
def training_register(training_id: int):
    training = get_or_404(Training, training_id)
    form = RegisterVolunteerForm()
    form.volunteer.choices = _eligible_volunteers(training)
    name = dict(form.volunteer.choices).get(form.volunteer.data, "")
    done = flow.submit(
        form,
        lambda: trainings.register(
            current_user,
            get_or_404(Volunteer, form.volunteer.data),
            training,
            utcnow(),
            walk_in=True,
        ),
        to=url_for("volunteers.training_detail", training_id=training_id),
        message=_("%(name)s is registered.", name=name),
    )
    if done:
        return done
    if form.volunteer.errors:
        flash(_("Choose one of the offered volunteers."), "danger")
    flash_reasons(form)
    return redirect(url_for("volunteers.training_detail", training_id=training_id))
