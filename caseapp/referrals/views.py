"""Referrals from the case file, the incoming and outgoing lists, and each lifecycle step."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from caseapp.auth.roles import Role
from caseapp.core.clock import utcnow
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people import services as people
from caseapp.people.models import Consultation
from caseapp.people.vocab import NEED_AREAS
from caseapp.referrals import services, wording
from caseapp.referrals.blueprint import bp
from caseapp.referrals.directory import today
from caseapp.referrals.forms import ReferralForm, StatusForm
from caseapp.referrals.models import Referral, Service
from caseapp.referrals.vocab import FILTERS
from caseapp.web import idempotency
from caseapp.web.access import access
from caseapp.web.pagination import paginate

CASEWORK = (Role.CASEWORKER, Role.ADMIN)
# Form value of a step -> the status it leads to.
STEPS = {
    "send": "sent",
    "accept": "accepted",
    "decline": "declined",
    "start": "in_progress",
    "complete": "completed",
    "close": "closed",
    "cancel": "cancelled",
}


def _referral_or_404(referral_id: int, *, audit_read: bool = False) -> Referral:
    try:
        return services.get_referral(current_user, referral_id, audit_read=audit_read)
    except NotFound:
        abort(404)


@bp.get("/")
@access(*CASEWORK)
def index():
    box = request.args.get("box", "incoming")
    box = box if box in ("incoming", "outgoing") else "incoming"
    status = request.args.get("status", "all")
    status = status if status in FILTERS else "all"
    now = utcnow()
    stmt = services.filter_query(services.visible_query(current_user, box), status, now)
    page = paginate(stmt.order_by(Referral.updated_at.desc(), Referral.id.desc()))
    return render_template(
        "referrals/index.html",
        page=page,
        box=box,
        status=status,
        now=now,
        counts=services.counts_for(current_user, now),
        updates=services.recent_updates(current_user) if box == "outgoing" else [],
    )


def _consultation_choices(case_id: int):
    rows = db.session.scalars(
        select(Consultation)
        .where(Consultation.case_id == case_id)
        .order_by(Consultation.at.desc())
        .limit(30)
    )
    from flask_babel import format_datetime

    return [(c.id, f"{format_datetime(c.at, 'short')} · {c.office.name}") for c in rows]


@bp.route("/new/<int:person_id>", methods=["GET", "POST"])
@access(*CASEWORK)
def new(person_id: int):
    try:
        person = people.get_person(current_user, person_id, purpose="referral", audit_read=False)
    except NotFound:
        abort(404)
    need = request.values.get("need", "")
    if need not in NEED_AREAS:
        need = (person.case.need_areas or ["housing"])[0]
    decision = services.propose(person, need, today())
    choosable = services.choosable_services(person, need, today())
    choices = [(s.id, f"{s.name_de} · {s.office.name}") for s in choosable]
    form = ReferralForm(
        service_choices=choices, consultation_choices=_consultation_choices(person.case.id)
    )
    if request.method == "GET":
        form.need.data = need
        wanted = request.args.get("service", type=int)  # e.g. the alternative after a decline
        form.service.data = (
            wanted if wanted in {c[0] for c in choices} else decision.service_id or 0
        )
        form.categories.data = ["contact", "languages"]
    consent_missing = False
    if form.validate_on_submit():
        earlier = idempotency.previous_result(form.submission_id.data)
        if earlier:
            return redirect(earlier)
        try:
            referral = services.create_referral(
                current_user,
                person,
                services.ReferralData(
                    need=form.need.data,
                    service_id=form.service.data or 0,
                    urgency=form.urgency.data,
                    message=form.message.data or "",
                    categories=list(form.categories.data or []),
                    consultation_ids=list(form.consultations.data or []),
                ),
            )
            if request.form.get("send"):
                services.send_referral(current_user, referral)
        except ValidationFailed as error:
            db.session.rollback()
            consent_missing = "consent" in error.errors
            form.apply_errors(error)
            person = people.get_person(current_user, person_id, audit_read=False)
        else:
            target = url_for("referrals.detail", referral_id=referral.id)
            idempotency.remember(form.submission_id.data, current_user.id, target)
            db.session.commit()
            if referral.status == "sent":
                flash(
                    _("The referral has been sent to %(office)s.", office=referral.to_office.name),
                    "success",
                )
            else:
                flash(_("The referral has been saved as a draft."), "success")
            return redirect(target)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "referrals/form.html",
        form=form,
        person=person,
        decision=decision,
        explanation=wording.explain(decision),
        skipped=[(db.session.get(Service, sid), code) for sid, code in decision.skipped],
        consent_missing=consent_missing,
        need=need,
    ), status


@bp.get("/<int:referral_id>")
@access(*CASEWORK)
def detail(referral_id: int):
    referral = _referral_or_404(referral_id, audit_read=True)
    who = services.side(current_user, referral)
    shared = services.shared_data(referral)
    db.session.commit()  # the audit row of this read (and an erased copy after withdrawal)
    return render_template(
        "referrals/detail.html",
        referral=referral,
        side=who,
        shared=shared,
        form=StatusForm(),
        now=utcnow(),
        possible=_possible_steps(referral, who),
    )


@bp.post("/<int:referral_id>/status")
@access(*CASEWORK)
def change(referral_id: int):
    referral = _referral_or_404(referral_id)
    form = StatusForm()
    to_status = STEPS.get(request.form.get("step", ""))
    if to_status is None:
        abort(400)
    if not form.validate():
        for messages in form.errors.values():
            for message in messages:
                flash(message, "danger")
        return redirect(url_for("referrals.detail", referral_id=referral_id), 303)
    try:
        if to_status == "sent":
            services.send_referral(current_user, referral)
        else:
            services.change_status(
                current_user, referral, to_status, note=form.note.data or "", today=today()
            )
    except NotFound:
        db.session.rollback()
        abort(404)
    except StaleDataError:  # someone else changed the referral in the same moment
        db.session.rollback()
        flash(_("Someone else changed this referral meanwhile. Nothing was saved."), "danger")
        return redirect(url_for("referrals.detail", referral_id=referral_id), 303)
    except services.StatusRefused as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("referrals.detail", referral_id=referral_id), 303)
    except ValidationFailed as error:
        db.session.rollback()
        for messages in error.errors.values():
            for message in messages:
                flash(message, "danger")
        return redirect(url_for("referrals.detail", referral_id=referral_id), 303)
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(_("Someone else changed this referral meanwhile. Nothing was saved."), "danger")
        return redirect(url_for("referrals.detail", referral_id=referral_id), 303)
    flash(_("The referral is now: %(status)s.", status=_status_label(to_status)), "success")
    return redirect(url_for("referrals.detail", referral_id=referral_id))


@bp.post("/<int:referral_id>/open-case")
@access(*CASEWORK)
def open_case(referral_id: int):
    """The receiving office opens its own case for the person from the shared data."""
    referral = _referral_or_404(referral_id)
    try:
        person = services.open_receiving_case(current_user, referral, today())
    except NotFound:
        db.session.rollback()
        abort(404)
    except ValidationFailed as error:
        db.session.rollback()
        for messages in error.errors.values():
            for message in messages:
                flash(message, "danger")
        return redirect(url_for("referrals.detail", referral_id=referral_id), 303)
    db.session.commit()
    flash(_("A case has been opened at your office with the shared data only."), "success")
    return redirect(url_for("people.detail", person_id=person.id))


def _possible_steps(referral: Referral, who: str) -> set[str]:
    steps = services.TRANSITIONS.get(referral.status, set())
    if current_user.is_admin:
        return set(steps)
    mine = services.SENDER_STEPS if who == "sender" else services.RECEIVER_STEPS
    return steps & mine


def _status_label(status: str) -> str:
    from caseapp.referrals.vocab import STATUS

    return str(STATUS.get(status, status))
