"""The volunteer's own pages: overview, profile, trainings, engagement, hours, certificates."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from caseapp.auth.roles import Role
from caseapp.core.clock import local_today, utcnow
from caseapp.extensions import db
from caseapp.i18n import _, current_language
from caseapp.outbox.links import external_url
from caseapp.volunteers import services, trainings
from caseapp.volunteers.blueprint import bp
from caseapp.volunteers.certificates import record_download, render_pdf
from caseapp.volunteers.forms import ConfirmForm, HoursForm, ProfileForm
from caseapp.volunteers.labels import DAYPARTS, ENGAGED, SLOTS, VOLUNTEER_ACTIONS_LABELS
from caseapp.volunteers.models import Application, Certificate, HoursEntry, Training, Volunteer
from caseapp.volunteers.views.common import (
    COORDINATION,
    as_shown,
    district_choices,
    flash_reasons,
    profile_data,
    programme_choices,
)
from caseapp.web import flow
from caseapp.web.access import access
from caseapp.web.templating import weekday_name


def _own_profile():
    return services.profile_for(current_user)


def _own_application(application_id: int) -> Application:
    volunteer = _own_profile()
    application = db.session.get(Application, application_id)
    if volunteer is None or application is None or application.volunteer_id != volunteer.id:
        abort(404)  # someone else's programme does not exist for this user
    return application


@bp.get("/volunteer/me")
@access(Role.VOLUNTEER)
def me():
    volunteer = _own_profile()
    if volunteer is None:
        return render_template("volunteers/me.html", volunteer=None)
    now = utcnow()
    upcoming = trainings.open_trainings_for(volunteer, now)
    registered = {
        r.training_id for t in upcoming for r in t.registrations if r.volunteer_id == volunteer.id
    }
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.volunteer_id == volunteer.id).order_by(Certificate.id)
    ).all()
    hours = db.session.scalars(
        select(HoursEntry)
        .where(HoursEntry.volunteer_id == volunteer.id)
        .order_by(HoursEntry.day.desc(), HoursEntry.id.desc())
        .limit(10)
    ).all()
    from caseapp.matches.services import own_matches

    return render_template(
        "volunteers/me.html",
        volunteer=volunteer,
        matches=own_matches(volunteer.id, current_language()),
        upcoming=upcoming,
        registered=registered,
        certificates=certificates,
        hours=hours,
        total_minutes=services.minutes_logged(volunteer.id),
        confirm_form=ConfirmForm(),
        engaged=ENGAGED,
        actions=VOLUNTEER_ACTIONS_LABELS,
        transitions=services.TRANSITIONS,
    )


def _name_rows(form: ProfileForm) -> None:
    """Words for the rows the conflict page lists: numbered languages, slots by weekday."""
    for n, (language, level) in enumerate(form.language_rows(), start=1):
        language.label.text = _("Language %(n)d", n=n)
        level.label.text = _("Level of language %(n)d", n=n)
    form.availability.choices = [
        (slot, f"{weekday_name(int(slot[0]))} {DAYPARTS[slot[2:]]}") for slot in SLOTS
    ]


def _saved_profile(form: ProfileForm, volunteer: Volunteer) -> dict:
    """The profile as saved now, field by field, for the conflict page."""
    saved = {
        "name": volunteer.name,
        "phone": volunteer.phone,
        "district": volunteer.district_id or 0,
        "profession": volunteer.profession,
        "skills": volunteer.skills,
        "interests": volunteer.interests,
        "availability": list(volunteer.availability or []),
        "capacity": volunteer.capacity,
        "gender": volunteer.gender,
        "birth_year": volunteer.birth_year,
        # The form offers only programmes not applied for yet: none of those is saved.
        "programmes": [],
    }
    languages = list(volunteer.languages or [])
    for row in range(len(form.language_rows())):
        pair = languages[row] if row < len(languages) else {}
        saved[f"language_{row}"] = pair.get("code", "")
        saved[f"level_{row}"] = pair.get("level", "")
    return as_shown(form, saved)


@bp.route("/volunteer/profile", methods=["GET", "POST"])
@access(Role.VOLUNTEER)
def profile():
    volunteer = _own_profile()
    applied = {a.programme_id for a in volunteer.applications} if volunteer else set()
    programmes = [p for p in services.offered_programmes() if p.id not in applied]
    form = ProfileForm(
        district_choices=district_choices(), programme_choices=programme_choices(programmes)
    )
    if request.method == "GET":
        if volunteer is not None:
            form.process(obj=volunteer)
            form.name.data = volunteer.name
            form.district.data = volunteer.district_id or 0
            form.set_language_pairs(volunteer.languages or [])
            form.programmes.data = []
            form.version.data = volunteer.version
        else:
            form.name.data = current_user.display_name
            form.capacity.data = 1
        return render_template("volunteers/profile.html", form=form, volunteer=volunteer)

    _name_rows(form)

    def save():
        data = profile_data(form)
        data.programme_ids = sorted(set(data.programme_ids) | applied)
        if volunteer is None:
            return services.create_profile(current_user, data)
        return services.update_profile(current_user, volunteer, data, form.loaded_version())

    done = flow.submit(
        form,
        save,
        to=url_for("volunteers.me"),
        message=_("Your changes have been saved."),
        conflict=flow.Conflict(
            edit_url=url_for("volunteers.profile"),
            saved=lambda saved: _saved_profile(form, saved),
        ),
    )
    if done:
        return done
    return render_template("volunteers/profile.html", form=form, volunteer=volunteer), flow.status(
        form
    )


def _own_training(training_id: int) -> tuple[Volunteer, Training]:
    volunteer = _own_profile()
    training = db.session.get(Training, training_id)
    if volunteer is None or training is None:
        abort(404)
    return volunteer, training


@bp.post("/volunteer/trainings/<int:training_id>/register")
@access(Role.VOLUNTEER)
def register_training(training_id: int):
    volunteer, training = _own_training(training_id)
    form = ConfirmForm()
    done = flow.submit(
        form,
        lambda: trainings.register(current_user, volunteer, training, utcnow()),
        to=url_for("volunteers.me"),
        message=_("You are registered for %(title)s.", title=training.title),
    )
    if done:
        return done
    flash_reasons(form)
    return redirect(url_for("volunteers.me"))


@bp.post("/volunteer/trainings/<int:training_id>/unregister")
@access(Role.VOLUNTEER)
def unregister_training(training_id: int):
    volunteer, training = _own_training(training_id)
    form = ConfirmForm()
    done = flow.submit(
        form,
        lambda: trainings.unregister(current_user, volunteer, training, utcnow()),
        to=url_for("volunteers.me"),
        message=_("Your registration has been cancelled."),
    )
    if done:
        return done
    flash_reasons(form)
    return redirect(url_for("volunteers.me"))


@bp.route(
    "/volunteer/programmes/<int:application_id>/<any(pause,resume,end):action>",
    methods=["GET", "POST"],
)
@access(Role.VOLUNTEER)
def change_engagement(application_id: int, action: str):
    """GET asks for confirmation; POST pauses, resumes or ends the engagement."""
    application = _own_application(application_id)
    form = ConfirmForm()
    done = flow.submit(
        form,
        lambda: services.change_engagement(current_user, application, action),
        to=url_for("volunteers.me"),
        message=_("Your engagement has been updated."),
    )
    if done:
        return done
    if form.form_errors:  # refused: the reason is shown on the own page
        flash_reasons(form)
        return redirect(url_for("volunteers.me"))
    return render_template(
        "volunteers/engagement.html",
        application=application,
        action=action,
        form=form,
        labels=VOLUNTEER_ACTIONS_LABELS,
    )


@bp.route("/volunteer/hours", methods=["GET", "POST"])
@access(Role.VOLUNTEER)
def hours():
    volunteer = _own_profile()
    if volunteer is None:
        return redirect(url_for("volunteers.me"))
    language = current_language()
    choices = [
        (a.programme_id, a.programme.name(language))
        for a in volunteer.applications
        if a.status in ENGAGED
    ]
    from caseapp.matches.services import own_matches

    mine = own_matches(volunteer.id, language)
    form = HoursForm(
        programme_choices=choices,
        match_choices=[(m.id, f"{m.first_name} · {m.programme}") for m in mine],
    )
    if request.method == "GET":
        form.day.data = local_today()
        form.minutes.data = 60
        form.match.data = request.args.get("match", type=int) or 0
    done = flow.submit(
        form,
        lambda: services.log_hours(
            current_user,
            volunteer,
            form.programme.data,
            form.day.data,
            form.minutes.data,
            form.activity.data,
            local_today(),
            match_id=form.match.data or None,
        ),
        to=url_for("volunteers.hours"),
        message=_("Thank you! Your time has been logged."),
    )
    if done:
        return done
    entries = db.session.scalars(
        select(HoursEntry)
        .where(HoursEntry.volunteer_id == volunteer.id)
        .order_by(HoursEntry.day.desc(), HoursEntry.id.desc())
    ).all()
    return render_template(
        "volunteers/hours.html",
        form=form,
        entries=entries,
        total_minutes=services.minutes_logged(volunteer.id),
    ), flow.status(form)


@bp.get("/volunteer/certificates/<int:certificate_id>.pdf")
@access(Role.VOLUNTEER, *COORDINATION)
def certificate_pdf(certificate_id: int):
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        abort(404)
    is_coordination = current_user.has_role(*COORDINATION)
    if not is_coordination and certificate.volunteer.user_id != current_user.id:
        abort(404)
    verify_url = external_url("volunteers.verify_certificate", code=certificate.code)
    pdf = render_pdf(certificate, verify_url)
    if is_coordination:
        record_download(current_user, certificate)
        db.session.commit()  # the audit entry of the download
    filename = f"lotse-certificate-{certificate.code}.pdf"
    return current_app.response_class(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
