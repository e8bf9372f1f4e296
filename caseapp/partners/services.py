"""Partners without an account: registering them, telling them of referrals by e-mail with
signed links, and taking their answers. Services flush; the caller commits.

A partner answers as the receiving office of the referral (`PartnerActor`), so the
referral lifecycle, its audit entries and the closed loop (the sender is e-mailed) are the
same as for an office with an account; the link itself is recorded as used in the same
transaction, so an answer and its link's use commit together or not at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from caseapp.audit import services as audit
from caseapp.core.errors import StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import LANGUAGES, _
from caseapp.offices.models import Office
from caseapp.partners import links
from caseapp.partners.models import Partner, PartnerLinkUse
from caseapp.referrals.models import Referral

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class PartnerActor:
    """The receiving side of a referral, acting through a signed link (no user account)."""

    office_id: int
    partner_id: int
    id: None = None
    is_admin: bool = False

    @property
    def office_ids(self) -> frozenset[int]:
        return frozenset({self.office_id})


@dataclass
class PartnerData:
    name: str
    kind: str
    email: str
    contact_name: str = ""
    language: str = "de"
    street: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    website: str = ""
    active: bool = True
    # The partner's first service (optional; more through the service pages).
    service_name_de: str = ""
    service_name_ar: str = ""
    service_name_tr: str = ""
    need_areas: list[str] = field(default_factory=list)
    response_days: int = 5


def _check_contact(email: str, language: str) -> dict[str, str]:
    errors = {}
    if not EMAIL_RE.match(email or ""):
        errors["email"] = _("Enter a valid e-mail address.")
    if language not in LANGUAGES:
        errors["language"] = _("Choose one of the offered values.")
    return errors


def register_partner(actor, data: PartnerData, today: date) -> Partner:
    """The partner's office in the directory, its referral address and its first service."""
    from caseapp.offices.services import OfficeData, create_office
    from caseapp.referrals import directory

    errors = _check_contact(data.email, data.language)
    if data.service_name_de and not data.need_areas:
        errors["need_areas"] = _("Choose at least one need area.")
    if errors:
        raise ValidationFailed(errors)
    office = create_office(
        actor,
        OfficeData(
            name=data.name,
            kind=data.kind,
            street=data.street,
            postcode=data.postcode,
            city=data.city,
            phone=data.phone,
            website=data.website,
            active=data.active,
        ),
    )
    partner = Partner(
        office_id=office.id,
        email=data.email,
        contact_name=data.contact_name,
        language=data.language,
        active=data.active,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(partner)
    db.session.flush()
    if data.service_name_de:
        directory.create_service(
            actor,
            directory.ServiceData(
                office_id=office.id,
                name_de=data.service_name_de,
                name_ar=data.service_name_ar,
                name_tr=data.service_name_tr,
                need_areas=list(data.need_areas),
                response_days=data.response_days,
            ),
            today,
        )
    # The partner is its office in the directory: its referral address is part of that record.
    audit.record(
        actor,
        "update",
        "office",
        office.id,
        office_id=office.id,
        details={
            "partner_email": [None, partner.email],
            "partner_language": [None, partner.language],
        },
    )
    return partner


def update_partner(
    actor,
    partner: Partner,
    *,
    email: str,
    contact_name: str,
    language: str,
    active: bool,
    loaded_version: int | None,
) -> Partner:
    """Change where the partner's referrals are e-mailed, in which language, or pause it."""
    if loaded_version != partner.version:
        raise StaleVersion(partner)
    errors = _check_contact(email, language)
    if errors:
        raise ValidationFailed(errors)
    before = {
        "email": partner.email,
        "contact_name": partner.contact_name,
        "language": partner.language,
        "active": partner.active,
    }
    partner.email, partner.contact_name = email, contact_name
    partner.language, partner.active = language, active
    after = {"email": email, "contact_name": contact_name, "language": language, "active": active}
    changes = audit.diff(before, after)
    if changes:
        db.session.flush()
        details = {f"partner_{name}": values for name, values in changes.items()}
        audit.record(
            actor,
            "update",
            "office",
            partner.office_id,
            office_id=partner.office_id,
            details=details,
        )
    return partner


def partners_query():
    return select(Partner).join(Office, Office.id == Partner.office_id).order_by(Office.name)


def partner_of_office(office_id: int | None) -> Partner | None:
    if office_id is None:
        return None
    return db.session.scalar(select(Partner).where(Partner.office_id == office_id))


# --- the e-mails with signed links -------------------------------------------------------


def link_url(referral: Referral, action: str, secret: str, language: str = "de") -> str:
    """The absolute signed link for one action on one referral, opening in `language`."""
    from caseapp.outbox.links import external_url

    token = links.make_token(secret, referral.id, action)
    return external_url(
        "partner_links.answer",
        referral_id=referral.id,
        action=action,
        token=token,
        lang=language,
    )


def notify_partner(referral: Referral, overdue: bool, secret: str) -> bool:
    """E-mail a partner without an account its new (or overdue) referral with signed links;
    False when the receiving office is no such partner (the office's own e-mail applies)."""
    partner = partner_of_office(referral.to_office_id)
    if partner is None or not partner.active:
        return False
    from caseapp.outbox.services import enqueue_template

    enqueue_template(
        partner.email,
        "emails/partners/incoming",
        partner.language,
        dedupe_key=f"referral-{referral.id}-partner-{'overdue' if overdue else 'sent'}",
        referral=referral,
        partner=partner,
        overdue=overdue,
        accept_link=link_url(referral, "accept", secret, partner.language),
        decline_link=link_url(referral, "decline", secret, partner.language),
        days=links.MAX_AGE_DAYS["accept"],
    )
    return True


def _notify_accepted(referral: Referral, partner: Partner, secret: str) -> None:
    """After accepting, the link for reporting the outcome (it works longer)."""
    from caseapp.outbox.services import enqueue_template

    enqueue_template(
        partner.email,
        "emails/partners/accepted",
        partner.language,
        dedupe_key=f"referral-{referral.id}-partner-accepted",
        referral=referral,
        partner=partner,
        complete_link=link_url(referral, "complete", secret, partner.language),
        days=links.MAX_AGE_DAYS["complete"],
    )


# --- opening a link and answering ----------------------------------------------------------


def open_link(referral_id: int, action: str, token: str, secret: str):
    """(referral, partner, claim) for a genuine link that has not been used; LinkRefused
    otherwise (also when the referral is not addressed to an active partner)."""
    claim = links.read_token(secret, token, referral_id, action)
    referral = db.session.get(Referral, referral_id)
    if referral is None or referral.status == "draft":
        raise links.LinkRefused("unknown")
    partner = partner_of_office(referral.to_office_id)
    if partner is None or not partner.active:
        raise links.LinkRefused("unknown")
    used = db.session.scalar(
        select(PartnerLinkUse.id).where(PartnerLinkUse.nonce_digest == claim.digest)
    )
    if used:
        raise links.LinkRefused("used")
    return referral, partner, claim


def record_view(referral: Referral, partner: Partner) -> None:
    """The partner opened the referral through a link: an audited read of shared data."""
    audit.record(
        None,
        "view",
        "referral",
        referral.id,
        office_id=referral.to_office_id,
        purpose="referral",
        details={"person": [None, referral.person_id], "partner": [None, partner.id]},
    )


def answer(
    referral: Referral, partner: Partner, claim: links.LinkClaim, note: str, secret: str
) -> Referral:
    """Accept, decline (reason) or complete (outcome) through a link, used up once done."""
    from caseapp.referrals.services import change_status

    actor = PartnerActor(office_id=partner.office_id, partner_id=partner.id)
    change_status(actor, referral, links.STATUS_OF[claim.action], note=note)
    # The status change wrote its audit entry (no actor: the receiving office by link); the
    # link's use is kept here, with the time, and refuses the link from now on.
    db.session.add(
        PartnerLinkUse(referral_id=referral.id, action=claim.action, nonce_digest=claim.digest)
    )
    db.session.flush()
    if claim.action == "accept":
        _notify_accepted(referral, partner, secret)
    return referral
