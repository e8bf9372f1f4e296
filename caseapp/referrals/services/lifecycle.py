"""Referral lifecycle: draft, send with consent check, accept, decline, progress, close.

Decision: a referral is sent only with a valid consent to share with the receiving office
that covers every chosen category (a draft shares nothing and is not checked yet). The
receiving office sees a snapshot of those categories taken at send time (what was shared
stays exactly what was shared, even if the case changes later), and only while the consent
stays valid: withdrawing it empties the snapshot on the next read and the receiving pages
show nothing of the person beyond the referral's own status, not even its message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from caseapp.audit import services as audit
from caseapp.core.clock import local_today, to_local, utcnow
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people.models import Consultation, Person
from caseapp.people.vocab import NEED_AREAS
from caseapp.referrals.models import Referral, ReferralEvent, Service
from caseapp.referrals.notifications import notify_office, notify_sender
from caseapp.referrals.services.proposals import propose
from caseapp.referrals.services.visibility import side
from caseapp.referrals.sharing import build_snapshot, check_covered, valid_consent
from caseapp.referrals.vocab import CATEGORIES, STATUS, URGENCY

# status -> statuses it may move to
TRANSITIONS = {
    "draft": {"sent", "cancelled"},
    "sent": {"accepted", "declined", "cancelled"},
    "accepted": {"in_progress", "completed", "closed", "cancelled"},
    "in_progress": {"completed", "closed"},
}
SENDER_STEPS = {"sent", "cancelled"}
RECEIVER_STEPS = {"accepted", "declined", "in_progress", "completed", "closed"}
OPEN_STATUSES = ("sent", "accepted", "in_progress")


class StatusRefused(ValidationFailed):
    """A status change out of order; `message` says why, translated (also the reason given
    for the chosen step, so a form shows it like any other refusal)."""

    def __init__(self, message: str):
        super().__init__({"step": message}, message)


@dataclass
class ReferralData:
    need: str
    service_id: int
    urgency: str = "normal"
    message: str = ""
    categories: list[str] = field(default_factory=list)
    consultation_ids: list[int] = field(default_factory=list)


def _validate(actor, person: Person, data: ReferralData) -> Service:
    errors: dict[str, str] = {}
    if data.need not in NEED_AREAS:
        errors["need"] = _("Choose one of the offered values.")
    if data.urgency not in URGENCY:
        errors["urgency"] = _("Choose one of the offered values.")
    if set(data.categories) - set(CATEGORIES):
        errors["categories"] = _("Choose one of the offered values.")
    if len(data.message) > 4000:
        errors["message"] = _("Use at most %(n)d characters.", n=4000)
    service = db.session.get(Service, data.service_id) if data.service_id else None
    if service is None or not service.active:
        errors["service"] = _("Choose one of the offered values.")
    elif data.need in NEED_AREAS and data.need not in service.need_areas:
        errors["service"] = _(
            "%(office)s does not offer help with %(need)s. Choose another service.",
            office=service.office.name,
            need=NEED_AREAS[data.need],
        )
    elif service.capacity == "not_accepting":
        errors["service"] = _(
            "%(service)s is not accepting referrals at the moment. Choose another service.",
            service=service.name_de,
        )
    elif service.office_id == person.office_id:
        errors["service"] = _("This service belongs to the person's own office.")
    if data.consultation_ids:
        own = set(
            db.session.scalars(
                select(Consultation.id).where(
                    Consultation.case_id == person.case.id,
                    Consultation.id.in_(data.consultation_ids),
                )
            )
        )
        if own != set(data.consultation_ids):
            errors["consultations"] = _("Choose one of the offered values.")
    if errors:
        raise ValidationFailed(errors)
    return service


def add_event(actor, referral: Referral, to_status: str, note: str = "", office_id=None) -> None:
    referral.events.append(
        ReferralEvent(
            by_id=getattr(actor, "id", None),
            office_id=office_id,
            from_status=referral.status if to_status != "overdue" else "sent",
            to_status=to_status,
            note=note,
        )
    )


def create_referral(actor, person: Person, data: ReferralData) -> Referral:
    """Save a draft; nothing is shared yet."""
    service = _validate(actor, person, data)
    referral = Referral(
        person_id=person.id,
        case_id=person.case.id,
        from_office_id=person.office_id,
        to_office_id=service.office_id,
        service_id=service.id,
        need=data.need,
        urgency=data.urgency,
        message=data.message,
        categories=sorted(set(data.categories)),
        consultation_ids=sorted(set(data.consultation_ids)),
        status="draft",
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(referral)
    add_event(actor, referral, "draft", office_id=person.office_id)
    referral.events[-1].from_status = ""
    db.session.flush()
    audit.record(
        actor,
        "create",
        "referral",
        referral.id,
        office_id=person.office_id,
        purpose="referral",
        details={"person": [None, person.id], "to_office": [None, service.office_id]},
    )
    return referral


def _refuse(referral: Referral, to_status: str) -> None:
    if to_status not in TRANSITIONS.get(referral.status, set()):
        raise StatusRefused(
            _(
                "A referral that is %(current)s cannot be marked as %(wanted)s.",
                current=str(STATUS[referral.status]).lower(),
                wanted=str(STATUS[to_status]).lower(),
            )
        )


def _check_side(actor, referral: Referral, to_status: str) -> None:
    who = side(actor, referral)
    if to_status in SENDER_STEPS and who != "sender":
        raise NotFound()
    if to_status in RECEIVER_STEPS and who != "receiver" and not actor.is_admin:
        raise NotFound()


def send_referral(actor, referral: Referral, now: datetime | None = None) -> Referral:
    """Check consent and capacity, freeze the shared data, start the response clock."""
    now = now or utcnow()
    _check_side(actor, referral, "sent")
    _refuse(referral, "sent")
    person = referral.person
    _validate(
        actor,
        person,
        ReferralData(
            need=referral.need,
            service_id=referral.service_id,
            urgency=referral.urgency,
            message=referral.message,
            categories=referral.categories,
            consultation_ids=referral.consultation_ids,
        ),
    )
    consent = valid_consent(person.id, referral.to_office_id, to_local(now).date())
    if consent is None:
        raise ValidationFailed(
            {
                "consent": _(
                    "%(name)s has not consented to sharing data with %(office)s. Record the consent first.",
                    name=person.full_name,
                    office=referral.to_office.name,
                )
            }
        )
    check_covered(referral, consent)
    referral.consent_id = consent.id
    referral.shared = build_snapshot(referral)
    add_event(actor, referral, "sent", office_id=referral.from_office_id)
    referral.status = "sent"
    referral.sent_at = now
    referral.respond_by = now + timedelta(days=referral.service.response_days)
    referral.updated_at = now
    db.session.flush()
    audit.record(
        actor,
        "send",
        "referral",
        referral.id,
        office_id=referral.from_office_id,
        purpose="referral",
        details={
            "categories": [None, ",".join(referral.categories)],
            "consent": [None, consent.id],
        },
    )
    notify_office(referral)
    return referral


def change_status(
    actor, referral: Referral, to_status: str, *, note: str = "", today: date | None = None
) -> Referral:
    """Accept, decline (reason), start, complete (outcome), close, or cancel a referral."""
    _check_side(actor, referral, to_status)
    _refuse(referral, to_status)
    note = (note or "").strip()
    if to_status == "declined" and not note:
        raise ValidationFailed({"note": _("Please give the reason for declining.")})
    if to_status == "completed" and not note:
        raise ValidationFailed({"note": _("Please describe the outcome.")})
    if len(note) > 4000:
        raise ValidationFailed({"note": _("Use at most %(n)d characters.", n=4000)})
    office_id = referral.from_office_id if to_status in SENDER_STEPS else referral.to_office_id
    add_event(actor, referral, to_status, note, office_id=office_id)
    referral.status = to_status
    if to_status == "declined":
        referral.decline_reason = note
        decision = propose(
            referral.person,
            referral.need,
            today or local_today(),
            exclude={referral.service_id},
        )
        referral.alternative_service_id = decision.service_id
    if to_status == "completed" or to_status == "closed":
        referral.outcome = note
    if to_status == "cancelled":
        referral.shared = {}  # nothing stays with the receiving office
    referral.updated_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        to_status,
        "referral",
        referral.id,
        office_id=office_id,
        purpose="referral",
        details={"status": [referral.events[-1].from_status, to_status]},
    )
    if to_status in RECEIVER_STEPS:
        notify_sender(referral, to_status, note)
    return referral
