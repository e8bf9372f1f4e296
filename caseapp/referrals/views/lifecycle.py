"""Referrals from the case file, the incoming and outgoing lists, and each lifecycle step."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import LazyString, format_datetime
from flask_login import current_user
from sqlalchemy import select

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
from caseapp.referrals.views.common import CASEWORK, flash_errors, referral_or_404, written
from caseapp.referrals.vocab import FILTERS, STATUS
from caseapp.web import flow
from caseapp.web.access import access
from caseapp.web.forms import BaseForm
from caseapp.web.pagination import paginate

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
    # Only what the consent for the chosen service's office covers is offered.
    chosen = db.session.get(Service, form.service.data) if form.service.data else None
    to_office = chosen.office if chosen else None
    allowed = services.allowed_categories(person.id, to_office.id if to_office else None, today())
    form.offer_categories(allowed)
    if request.method == "GET":
        form.categories.data = [c for c in ("contact", "languages") if c in allowed]
    refused: set[str] = set()
    made: list[Referral] = []

    def refer() -> Referral:
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
            refused.update(error.errors)  # the page offers to record a missing consent
            raise
        made.append(referral)
        return referral

    done = flow.submit(
        form, refer, to=lambda referral: url_for("referrals.detail", referral_id=referral.id)
    )
    if done:
        if made:  # not a repeat of a form sent before
            referral = made[0]
            if referral.status == "sent":
                flash(
                    _("The referral has been sent to %(office)s.", office=referral.to_office.name),
                    "success",
                )
            else:
                flash(_("The referral has been saved as a draft."), "success")
        return done
    return render_template(
        "referrals/form.html",
        form=form,
        person=person,
        decision=decision,
        explanation=wording.explain(decision),
        skipped=[(db.session.get(Service, sid), code) for sid, code in decision.skipped],
        consent_missing="consent" in refused,
        need=need,
        to_office=to_office,
        consent=services.valid_consent(person.id, to_office.id, today()) if to_office else None,
        consent_url=url_for(
            "people.consent_new",
            person_id=person.id,
            purpose="referral",
            office=to_office.id if to_office else None,
            next=url_for(
                "referrals.new", person_id=person.id, need=need, service=form.service.data or None
            ),
        ),
    ), flow.status(form)


@bp.get("/<int:referral_id>")
@access(*CASEWORK)
def detail(referral_id: int):
    referral = referral_or_404(referral_id, audit_read=True)
    who = services.side(current_user, referral)
    shared = services.shared_data(referral)
    # the audit row of this read (and an erased copy after withdrawal), committed after rendering
    return flow.render_audited(
        "referrals/detail.html",
        referral=referral,
        side=who,
        shared=shared,
        # the receiving office is told why it no longer sees the person (nor the message)
        ended=services.sharing_ended(referral) if who == "receiver" else "",
        form=StatusForm(),
        now=utcnow(),
        possible=_possible_steps(referral, who),
    )


def _step(referral: Referral, to_status: str, note: str) -> Referral:
    if to_status == "sent":
        return services.send_referral(current_user, referral)
    return services.change_status(current_user, referral, to_status, note=note, today=today())


def _now_is(referral: Referral) -> LazyString:
    """The conflict page's heading: the status the referral has now (read once shown)."""
    return LazyString(
        lambda: _("The referral is now: %(status)s.", status=_status_label(referral.status))
    )


def _latest_note(referral: Referral) -> str:
    return referral.events[-1].note if referral.events else ""


@bp.post("/<int:referral_id>/status")
@access(*CASEWORK)
def change(referral_id: int):
    referral = referral_or_404(referral_id)
    form = StatusForm()
    to_status = STEPS.get(request.form.get("step", ""))
    if to_status is None:
        abort(400)
    here = url_for("referrals.detail", referral_id=referral_id)
    try:
        done = flow.submit(
            form,
            written(referral, lambda: _step(referral, to_status, form.note.data or "")),
            to=here,
            message=_("The referral is now: %(status)s.", status=_status_label(to_status)),
            conflict=flow.Conflict(
                edit_url=here,
                saved=lambda saved: {"note": _latest_note(saved)},
                title=_now_is(referral),
            ),
        )
    except NotFound:  # a step of the other side
        abort(404)
    if done:
        return done
    flash_errors(form)
    return redirect(here, 303)


@bp.post("/<int:referral_id>/open-case")
@access(*CASEWORK)
def open_case(referral_id: int):
    """The receiving office opens its own case for the person from the shared data."""
    referral = referral_or_404(referral_id)
    here = url_for("referrals.detail", referral_id=referral_id)
    form = BaseForm()  # nothing to fill in: the CSRF token only
    try:
        done = flow.submit(
            form,
            written(
                referral, lambda: services.open_receiving_case(current_user, referral, today())
            ),
            to=lambda person: url_for("people.detail", person_id=person.id),
            message=_("A case has been opened at your office with the shared data only."),
            conflict=flow.Conflict(edit_url=here, title=_now_is(referral)),
        )
    except NotFound:
        abort(404)
    if done:
        return done
    flash_errors(form)
    return redirect(here, 303)


def _possible_steps(referral: Referral, who: str) -> set[str]:
    steps = services.TRANSITIONS.get(referral.status, set())
    if current_user.is_admin:
        return set(steps)
    mine = services.SENDER_STEPS if who == "sender" else services.RECEIVER_STEPS
    return steps & mine


def _status_label(status: str) -> str:
    return str(STATUS.get(status, status))
