"""Coordinators run the programmes: programmes, applications, good conduct, trainings, thanks."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, literal, or_, select

from caseapp.auth.models import User
from caseapp.core.clock import OFFICE_TZ, local_today, utcnow
from caseapp.core.errors import StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _, current_language
from caseapp.offices.models import District
from caseapp.volunteers import certificates, services, trainings
from caseapp.volunteers.blueprint import bp
from caseapp.volunteers.forms import (
    ConfirmForm,
    DecisionForm,
    GoodConductForm,
    ProgrammeForm,
    RegisterVolunteerForm,
    TrainingForm,
)
from caseapp.volunteers.labels import (
    ENGAGED,
    STATUS_LABELS,
    VOLUNTEER_ACTIONS_LABELS,
    Status,
)
from caseapp.volunteers.models import (
    Application,
    Certificate,
    HoursEntry,
    Programme,
    Training,
    Volunteer,
)
from caseapp.volunteers.views import COORDINATION, programme_choices
from caseapp.web import idempotency
from caseapp.web.access import access
from caseapp.web.pagination import paginate, sort_clause

BERLIN = OFFICE_TZ
RENEWAL_WARNING = timedelta(days=90)


def _get(model, record_id: int):
    row = db.session.get(model, record_id)
    if row is None:
        abort(404)
    return row


# --- programmes -----------------------------------------------------------------------------


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
    if form.validate_on_submit():
        earlier = idempotency.previous_result(form.submission_id.data)
        if earlier:
            return redirect(earlier)
        try:
            programme = services.create_programme(current_user, _programme_data(form))
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
        else:
            target = url_for("volunteers.programmes")
            idempotency.remember(form.submission_id.data, current_user.id, target)
            db.session.commit()
            flash(_("The programme %(name)s has been created.", name=programme.name_de), "success")
            return redirect(target)
    status = 400 if request.method == "POST" else 200
    return render_template("volunteers/programme_form.html", form=form, programme=None), status


@bp.route("/coordination/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@access(*COORDINATION)
def programme_edit(programme_id: int):
    programme = _get(Programme, programme_id)
    if request.method == "GET":
        form = ProgrammeForm(obj=programme)
        form.version.data = programme.version
        return render_template("volunteers/programme_form.html", form=form, programme=programme)
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            services.update_programme(
                current_user, programme, _programme_data(form), form.loaded_version()
            )
        except StaleVersion:
            db.session.rollback()
            flash(_("Someone else changed this programme meanwhile. Nothing was saved."), "warning")
            return redirect(url_for("volunteers.programme_edit", programme_id=programme_id)), 303
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
        else:
            db.session.commit()
            flash(_("Your changes have been saved."), "success")
            return redirect(url_for("volunteers.programmes"))
    return render_template("volunteers/programme_form.html", form=form, programme=programme), 400


# --- volunteers -----------------------------------------------------------------------------


@bp.get("/coordination/volunteers")
@access(*COORDINATION)
def index():
    args = request.args
    q = (args.get("q") or "").strip()
    programme_id = args.get("programme", type=int)
    status = args.get("status") or ""
    district_id = args.get("district", type=int)
    language = (args.get("language") or "").strip().lower()[:3]
    capacity_left = args.get("capacity") == "1"
    renewal_due = args.get("renewal") == "1"
    order, sort = sort_clause(
        {
            "name": User.display_name,
            "created": Volunteer.created_at,
            "capacity": Volunteer.capacity,
            "renewal": Volunteer.good_conduct_valid_until,
        },
        "name",
    )
    stmt = (
        select(Volunteer)
        .join(User, User.id == Volunteer.user_id)
        .where(Volunteer.email_confirmed_at.is_not(None))
    )
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            or_(User.display_name.ilike(like), User.email.ilike(like), Volunteer.skills.ilike(like))
        )
    if programme_id or status:
        condition = []
        if programme_id:
            condition.append(Application.programme_id == programme_id)
        if status in set(Status):
            condition.append(Application.status == status)
        stmt = stmt.where(Volunteer.applications.any(*condition))
    if district_id:
        stmt = stmt.where(Volunteer.district_id == district_id)
    if len(language) in (2, 3) and language.isalpha():
        # language_codes is "ar de tr": match whole codes only.
        padded = literal(" ") + Volunteer.language_codes + literal(" ")
        stmt = stmt.where(padded.contains(f" {language} "))
    if capacity_left:
        # No matches exist yet: capacity left is the capacity offered (above zero).
        stmt = stmt.where(Volunteer.capacity > 0)
    if renewal_due:
        stmt = stmt.where(
            Volunteer.good_conduct_valid_until.is_not(None),
            Volunteer.good_conduct_valid_until <= local_today() + RENEWAL_WARNING,
        )
    page = paginate(stmt.order_by(order, Volunteer.id))
    waiting = db.session.scalar(
        select(func.count(Application.id))
        .join(Volunteer, Volunteer.id == Application.volunteer_id)
        .where(Application.status == Status.APPLIED, Volunteer.email_confirmed_at.is_not(None))
    )
    return render_template(
        "volunteers/index.html",
        page=page,
        sort=sort,
        q=q,
        programme_id=programme_id,
        status=status,
        district_id=district_id,
        language=language,
        capacity_left=capacity_left,
        renewal_due=renewal_due,
        programmes=db.session.scalars(select(Programme).order_by(Programme.id)).all(),
        districts=db.session.scalars(select(District).order_by(District.name)).all(),
        statuses=STATUS_LABELS,
        waiting=waiting,
        today=local_today(),
        renewal_warning=RENEWAL_WARNING,
    )


def _detail(volunteer: Volunteer, *, decision_form=None, conduct_form=None, status=200):
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.volunteer_id == volunteer.id).order_by(Certificate.id)
    ).all()
    hours = db.session.scalars(
        select(HoursEntry)
        .where(HoursEntry.volunteer_id == volunteer.id)
        .order_by(HoursEntry.day.desc(), HoursEntry.id.desc())
        .limit(20)
    ).all()
    today = local_today()
    return render_template(
        "volunteers/detail.html",
        volunteer=volunteer,
        certificates=certificates,
        hours=hours,
        total_minutes=services.minutes_logged(volunteer.id),
        attended=trainings.attended_trainings(volunteer.id),
        decision_form=decision_form or DecisionForm(),
        conduct_form=conduct_form or GoodConductForm(),
        confirm_form=ConfirmForm(),
        good_conduct_problem=services.good_conduct_problem(volunteer, today),
        transitions=services.TRANSITIONS,
        action_labels=VOLUNTEER_ACTIONS_LABELS,
        today=today,
    ), status


@bp.get("/coordination/volunteers/<int:volunteer_id>")
@access(*COORDINATION)
def detail(volunteer_id: int):
    return _detail(_get(Volunteer, volunteer_id))


@bp.post("/coordination/applications/<int:application_id>/approve")
@access(*COORDINATION)
def approve(application_id: int):
    application = _get(Application, application_id)
    volunteer = application.volunteer
    if ConfirmForm().validate_on_submit():
        try:
            services.approve(current_user, application)
        except ValidationFailed as error:
            db.session.rollback()
            for messages in error.errors.values():
                for message in messages:
                    flash(message, "danger")
            volunteer = _get(Volunteer, volunteer.id)
            return _detail(volunteer, status=400)
        db.session.commit()
        flash(_("The application has been approved. The volunteer gets an e-mail."), "success")
    return redirect(url_for("volunteers.detail", volunteer_id=volunteer.id))


@bp.post("/coordination/applications/<int:application_id>/decline")
@access(*COORDINATION)
def decline(application_id: int):
    application = _get(Application, application_id)
    volunteer_id = application.volunteer_id
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decline(current_user, application, form.reason.data)
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
            return _detail(_get(Volunteer, volunteer_id), decision_form=form, status=400)
        db.session.commit()
        flash(_("The application has been declined. The volunteer gets an e-mail."), "success")
    return redirect(url_for("volunteers.detail", volunteer_id=volunteer_id))


@bp.post("/coordination/applications/<int:application_id>/<any(pause,resume,end,activate):action>")
@access(*COORDINATION)
def set_status(application_id: int, action: str):
    application = _get(Application, application_id)
    volunteer_id = application.volunteer_id
    if ConfirmForm().validate_on_submit():
        try:
            services.change_engagement(current_user, application, action)
        except ValidationFailed as error:
            db.session.rollback()
            for messages in error.errors.values():
                for message in messages:
                    flash(message, "danger")
        else:
            db.session.commit()
            flash(_("The status has been changed."), "success")
    return redirect(url_for("volunteers.detail", volunteer_id=volunteer_id))


@bp.post("/coordination/volunteers/<int:volunteer_id>/good-conduct")
@access(*COORDINATION)
def good_conduct(volunteer_id: int):
    volunteer = _get(Volunteer, volunteer_id)
    form = GoodConductForm()
    if form.validate_on_submit():
        try:
            services.record_good_conduct(
                current_user, volunteer, form.seen_on.data, form.valid_until.data, local_today()
            )
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
        else:
            db.session.commit()
            flash(_("The certificate of good conduct has been recorded."), "success")
            return redirect(url_for("volunteers.detail", volunteer_id=volunteer_id))
    return _detail(_get(Volunteer, volunteer_id), conduct_form=form, status=400)


@bp.post("/coordination/certificates/<int:certificate_id>/revoke")
@access(*COORDINATION)
def revoke_certificate(certificate_id: int):
    certificate = _get(Certificate, certificate_id)
    if ConfirmForm().validate_on_submit():
        certificates.revoke_certificate(current_user, certificate, utcnow())
        db.session.commit()
        flash(_("The certificate has been withdrawn."), "success")
    return redirect(url_for("volunteers.detail", volunteer_id=certificate.volunteer_id))


# --- trainings ------------------------------------------------------------------------------


def _aware(day, clock) -> datetime:
    return datetime.combine(day, clock, tzinfo=BERLIN)


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


def _all_programme_choices():
    return programme_choices(db.session.scalars(select(Programme).order_by(Programme.id)).all())


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
    form = TrainingForm(programme_choices=_all_programme_choices())
    if request.method == "GET":
        form.capacity.data = 20
    if form.validate_on_submit():
        earlier = idempotency.previous_result(form.submission_id.data)
        if earlier:
            return redirect(earlier)
        try:
            training = trainings.create_training(current_user, _training_data(form))
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
        else:
            target = url_for("volunteers.training_detail", training_id=training.id)
            idempotency.remember(form.submission_id.data, current_user.id, target)
            db.session.commit()
            flash(_("The training has been scheduled."), "success")
            return redirect(target)
    status = 400 if request.method == "POST" else 200
    return render_template("volunteers/training_form.html", form=form, training=None), status


@bp.route("/coordination/trainings/<int:training_id>/edit", methods=["GET", "POST"])
@access(*COORDINATION)
def training_edit(training_id: int):
    training = _get(Training, training_id)
    if request.method == "GET":
        form = TrainingForm(obj=training, programme_choices=_all_programme_choices())
        local_start = training.starts_at.astimezone(BERLIN)
        form.day.data = local_start.date()
        form.starts.data = local_start.time()
        form.ends.data = training.ends_at.astimezone(BERLIN).time()
        form.programmes.data = [p.id for p in training.programmes]
        form.version.data = training.version
        return render_template("volunteers/training_form.html", form=form, training=training)
    form = TrainingForm(programme_choices=_all_programme_choices())
    if form.validate_on_submit():
        try:
            trainings.update_training(
                current_user, training, _training_data(form), form.loaded_version()
            )
        except StaleVersion:
            db.session.rollback()
            flash(_("Someone else changed this training meanwhile. Nothing was saved."), "warning")
            return redirect(url_for("volunteers.training_edit", training_id=training_id)), 303
        except ValidationFailed as error:
            db.session.rollback()
            form.apply_errors(error)
        else:
            db.session.commit()
            flash(_("Your changes have been saved."), "success")
            return redirect(url_for("volunteers.training_detail", training_id=training_id))
    return render_template("volunteers/training_form.html", form=form, training=training), 400


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
    training = _get(Training, training_id)
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
    training = _get(Training, training_id)
    if ConfirmForm().validate_on_submit():
        attended = {int(v) for v in request.form.getlist("attended") if v.isdigit()}
        try:
            issued = trainings.record_attendance(current_user, training, attended, utcnow())
        except ValidationFailed as error:
            db.session.rollback()
            for messages in error.errors.values():
                for message in messages:
                    flash(message, "danger")
        else:
            db.session.commit()
            flash(_("Attendance has been saved."), "success")
            if issued:
                flash(
                    _(
                        "Certificates issued: %(names)s",
                        names=", ".join(c.volunteer.name for c in issued),
                    ),
                    "success",
                )
    return redirect(url_for("volunteers.training_detail", training_id=training_id))


@bp.post("/coordination/trainings/<int:training_id>/register")
@access(*COORDINATION)
def training_register(training_id: int):
    training = _get(Training, training_id)
    form = RegisterVolunteerForm()
    form.volunteer.choices = _eligible_volunteers(training)
    if form.validate_on_submit():
        volunteer = _get(Volunteer, form.volunteer.data)
        try:
            trainings.register(current_user, volunteer, training, utcnow(), walk_in=True)
        except ValidationFailed as error:
            db.session.rollback()
            for messages in error.errors.values():
                for message in messages:
                    flash(message, "danger")
        else:
            db.session.commit()
            flash(_("%(name)s is registered.", name=volunteer.name), "success")
    elif request.method == "POST" and form.volunteer.errors:
        flash(_("Choose one of the offered volunteers."), "danger")
    return redirect(url_for("volunteers.training_detail", training_id=training_id))


# --- thanks ---------------------------------------------------------------------------------


@bp.get("/coordination/volunteers/thanks")
@access(*COORDINATION)
def thanks():
    year = request.args.get("year", type=int) or utcnow().astimezone(BERLIN).year
    total, people, rows = services.yearly_figures(year)
    return render_template(
        "volunteers/thanks.html",
        year=year,
        hours=total // 60,
        people=people,
        rows=rows,
        language=current_language(),
    )
