"""Coordinators look after the volunteers: the list, one volunteer, decisions, good conduct."""

from __future__ import annotations

from datetime import timedelta

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import and_, func, literal, or_, select

from caseapp.auth.models import User
from caseapp.core.clock import local_today, utcnow
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.offices.models import District
from caseapp.volunteers import certificates, services, trainings
from caseapp.volunteers.blueprint import bp
from caseapp.volunteers.forms import ConfirmForm, DecisionForm, GoodConductForm
from caseapp.volunteers.labels import STATUS_LABELS, VOLUNTEER_ACTIONS_LABELS, Status
from caseapp.volunteers.models import Application, Certificate, HoursEntry, Programme, Volunteer
from caseapp.volunteers.views.common import COORDINATION, flash_reasons, get_or_404
from caseapp.web import flow
from caseapp.web.access import access
from caseapp.web.pagination import paginate, sort_clause

RENEWAL_WARNING = timedelta(days=90)


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
        stmt = stmt.where(Volunteer.applications.any(and_(*condition)))
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


def _detail_url(volunteer_id: int) -> str:
    return url_for("volunteers.detail", volunteer_id=volunteer_id)


@bp.get("/coordination/volunteers/<int:volunteer_id>")
@access(*COORDINATION)
def detail(volunteer_id: int):
    return _detail(get_or_404(Volunteer, volunteer_id))


@bp.post("/coordination/applications/<int:application_id>/approve")
@access(*COORDINATION)
def approve(application_id: int):
    application = get_or_404(Application, application_id)
    volunteer_id = application.volunteer_id
    form = ConfirmForm()
    done = flow.submit(
        form,
        lambda: services.approve(current_user, application),
        to=_detail_url(volunteer_id),
        message=_("The application has been approved. The volunteer gets an e-mail."),
    )
    if done:
        return done
    if form.form_errors:  # refused: the reasons above the volunteer's page
        flash_reasons(form)
        return _detail(get_or_404(Volunteer, volunteer_id), status=400)
    return redirect(_detail_url(volunteer_id))


@bp.post("/coordination/applications/<int:application_id>/decline")
@access(*COORDINATION)
def decline(application_id: int):
    application = get_or_404(Application, application_id)
    volunteer_id = application.volunteer_id
    form = DecisionForm()
    done = flow.submit(
        form,
        lambda: services.decline(current_user, application, form.reason.data),
        to=_detail_url(volunteer_id),
        message=_("The application has been declined. The volunteer gets an e-mail."),
    )
    if done:
        return done
    if form.errors:
        return _detail(get_or_404(Volunteer, volunteer_id), decision_form=form, status=400)
    return redirect(_detail_url(volunteer_id))


@bp.post("/coordination/applications/<int:application_id>/<any(pause,resume,end,activate):action>")
@access(*COORDINATION)
def set_status(application_id: int, action: str):
    application = get_or_404(Application, application_id)
    volunteer_id = application.volunteer_id
    form = ConfirmForm()
    done = flow.submit(
        form,
        lambda: services.change_engagement(current_user, application, action),
        to=_detail_url(volunteer_id),
        message=_("The status has been changed."),
    )
    if done:
        return done
    flash_reasons(form)
    return redirect(_detail_url(volunteer_id))


@bp.post("/coordination/volunteers/<int:volunteer_id>/good-conduct")
@access(*COORDINATION)
def good_conduct(volunteer_id: int):
    volunteer = get_or_404(Volunteer, volunteer_id)
    form = GoodConductForm()
    done = flow.submit(
        form,
        lambda: services.record_good_conduct(
            current_user, volunteer, form.seen_on.data, form.valid_until.data, local_today()
        ),
        to=_detail_url(volunteer_id),
        message=_("The certificate of good conduct has been recorded."),
    )
    if done:
        return done
    return _detail(get_or_404(Volunteer, volunteer_id), conduct_form=form, status=400)


@bp.post("/coordination/certificates/<int:certificate_id>/revoke")
@access(*COORDINATION)
def revoke_certificate(certificate_id: int):
    certificate = get_or_404(Certificate, certificate_id)
    volunteer_id = certificate.volunteer_id
    done = flow.submit(
        ConfirmForm(),
        lambda: certificates.revoke_certificate(current_user, certificate, utcnow()),
        to=_detail_url(volunteer_id),
        message=_("The certificate has been withdrawn."),
    )
    return done or redirect(_detail_url(volunteer_id))
