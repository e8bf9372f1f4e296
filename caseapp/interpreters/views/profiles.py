"""Interpreter profiles, the round settings, and what an appointment asks of its interpreter."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from caseapp.appointments import services as appointments
from caseapp.auth.roles import Role
from caseapp.core.errors import NotFound
from caseapp.extensions import db
from caseapp.i18n import _, current_language
from caseapp.interpreters import services, varieties
from caseapp.interpreters.blueprint import bp
from caseapp.interpreters.forms import (
    InterpreterForm,
    NeedForm,
    OnceForm,
    SettingsForm,
    gender_choices,
)
from caseapp.interpreters.views.common import COORDINATION, flash_refusal
from caseapp.offices.models import District
from caseapp.volunteers.models import Volunteer
from caseapp.web import flow
from caseapp.web.access import access


def _cents(value) -> int:
    return int((Decimal(value) * 100).to_integral_value()) if value is not None else 0


def _interpreter_form(interpreter=None) -> InterpreterForm:
    form = InterpreterForm(obj=None)
    form.gender.choices = gender_choices(_("not given"))
    form.languages.choices = varieties.choices(current_language())
    form.districts.choices = [
        (d.id, d.name) for d in db.session.scalars(select(District).order_by(District.name))
    ]
    if interpreter is not None and not form.is_submitted():
        form.name.data = interpreter.name
        form.email.data = interpreter.email
        form.hourly_rate.data = Decimal(interpreter.hourly_rate_cents) / 100
        form.gender.data = interpreter.gender
        form.languages.data = [
            variety or code for code, variety in map(varieties.parse, interpreter.languages)
        ]
        form.districts.data = list(interpreter.district_ids)
        form.availability.data = list(interpreter.availability)
        form.modes.data = list(interpreter.modes)
        form.pledge_signed_on.data = interpreter.pledge_signed_on
        form.active.data = interpreter.active
        form.version.data = str(interpreter.version)
    return form


def _data(form: InterpreterForm) -> services.InterpreterData:
    return services.InterpreterData(
        name=form.name.data or "",
        email=form.email.data or "",
        hourly_rate_cents=_cents(form.hourly_rate.data),
        gender=form.gender.data or "",
        languages=list(form.languages.data or []),
        district_ids=list(form.districts.data or []),
        availability=list(form.availability.data or []),
        modes=list(form.modes.data or []),
        pledge_signed_on=form.pledge_signed_on.data,
        active=bool(form.active.data),
    )


@bp.get("/interpreters/")
@access(*COORDINATION)
def index():
    return render_template(
        "interpreters/index.html",
        interpreters=services.all_interpreters(),
        without_profile=services.programme_volunteers_without_profile(),
        once=OnceForm(),
    )


@bp.route("/interpreters/new", methods=["GET", "POST"])
@access(Role.ADMIN)
def create_paid():
    form = _interpreter_form()
    done = flow.submit(
        form,
        lambda: services.create_paid(current_user, _data(form)),
        to=lambda interpreter: url_for("interpreters.index"),
        message=_("The interpreter has been saved."),
    )
    if done:
        return done
    return render_template("interpreters/form.html", form=form, interpreter=None), flow.status(form)


@bp.route("/interpreters/<int:interpreter_id>/edit", methods=["GET", "POST"])
@access(*COORDINATION)
def edit(interpreter_id: int):
    try:
        interpreter = services.get_interpreter(interpreter_id)
    except NotFound:
        abort(404)
    form = _interpreter_form(interpreter)
    done = flow.submit(
        form,
        lambda: services.update_interpreter(
            current_user, interpreter, _data(form), form.loaded_version()
        ),
        to=url_for("interpreters.index"),
        message=_("The interpreter has been saved."),
        conflict=flow.Conflict(
            record=lambda: services.get_interpreter(interpreter_id),
            edit_url=url_for("interpreters.edit", interpreter_id=interpreter_id),
            saved=lambda i: {"name": i.display_name, "pledge_signed_on": i.pledge_signed_on},
        ),
    )
    if done:
        return done
    return render_template(
        "interpreters/form.html", form=form, interpreter=interpreter
    ), flow.status(form)


@bp.post("/interpreters/volunteers/<int:volunteer_id>/profile")
@access(*COORDINATION)
def volunteer_profile(volunteer_id: int):
    volunteer = db.session.get(Volunteer, volunteer_id)
    if volunteer is None:
        abort(404)
    form = OnceForm()
    done = flow.submit(
        form,
        lambda: services.create_for_volunteer(current_user, volunteer),
        to=lambda interpreter: url_for("interpreters.edit", interpreter_id=interpreter.id),
        message=_("The interpreter profile has been created. Please add the pledge date."),
    )
    if done:
        return done
    flash_refusal(form)
    return redirect(url_for("interpreters.index"))


@bp.route("/interpreters/settings", methods=["GET", "POST"])
@access(*COORDINATION)
def settings():
    current = services.get_settings()
    form = SettingsForm()
    if not form.is_submitted():
        form.travel_minutes.data = current.travel_minutes
        form.budget.data = (
            Decimal(current.budget_cents) / 100 if current.budget_cents is not None else None
        )
        form.version.data = str(current.version)
    done = flow.submit(
        form,
        lambda: services.save_settings(
            current_user,
            form.travel_minutes.data,
            _cents(form.budget.data) if form.budget.data is not None else None,
            form.loaded_version(),
        ),
        to=url_for("interpreters.rounds"),
        message=_("The settings have been saved."),
        conflict=flow.Conflict(
            record=services.get_settings,
            edit_url=url_for("interpreters.settings"),
            saved=lambda s: {"travel_minutes": s.travel_minutes},
        ),
    )
    if done:
        return done
    db.session.commit()  # the settings row, created on first look
    return render_template("interpreters/settings.html", form=form), flow.status(form)


@bp.route("/appointments/<int:appointment_id>/interpreter", methods=["GET", "POST"])
@access(Role.CASEWORKER, Role.ADMIN)
def need(appointment_id: int):
    try:
        appointment = appointments.get_appointment(current_user, appointment_id, audit_read=False)
    except NotFound:
        abort(404)
    if not appointment.interpreter_language:
        abort(404)
    current = services.need_of(appointment)
    form = NeedForm()
    language = current_language()
    form.variety.choices = [("", _("any variety"))] + [
        (code, label)
        for code, label in varieties.choices(language)
        if varieties.language_of(code) == appointment.interpreter_language
        and varieties.is_variety(code)
    ]
    form.gender.choices = gender_choices(_("no preference"))
    if current is not None and not form.is_submitted():
        form.variety.data = current.variety
        form.variety_strict.data = current.variety_strict
        form.gender.data = current.gender
        form.gender_strict.data = current.gender_strict
        form.mode.data = current.mode
    done = flow.submit(
        form,
        lambda: services.save_need(
            current_user,
            appointment,
            services.NeedData(
                variety=form.variety.data or "",
                variety_strict=bool(form.variety_strict.data),
                gender=form.gender.data or "",
                gender_strict=bool(form.gender_strict.data),
                mode=form.mode.data,
            ),
        ),
        to=url_for("appointments.detail", appointment_id=appointment.id),
        message=_("The interpreter request has been saved."),
    )
    if done:
        return done
    return render_template(
        "interpreters/need.html", form=form, appointment=appointment
    ), flow.status(form)
