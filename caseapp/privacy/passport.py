"""The consent passport: what a newcomer sees in the portal about their own data.

Which offices hold a case file about them, the consents they gave, which referrals shared
which categories with whom, and what they can do: withdraw a consent (at once: the
receiving office loses the shared copy and the referral's message, referrals.sharing) and
ask for a copy of their data (a request their caseworker sees).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from caseapp.core.errors import NotFound
from caseapp.extensions import db
from caseapp.offices.models import Office
from caseapp.people import consents as consent_service
from caseapp.people.models import Consent, Person
from caseapp.privacy import services
from caseapp.referrals.models import Referral
from caseapp.referrals.sharing import shared_data


@dataclass(frozen=True)
class Passport:
    person: Person
    offices: list[Office]
    consents: list[Consent]
    referrals: list[Referral]
    copy_requested: bool


def passport(person: Person) -> Passport:
    referrals = db.session.scalars(
        select(Referral)
        .where(Referral.person_id == person.id, Referral.status != "draft")
        .order_by(Referral.sent_at.desc(), Referral.id.desc())
    ).all()
    offices = {person.office_id: person.office}
    for referral in referrals:
        if referral.receiving_person_id is not None and referral.receiving_person is not None:
            offices.setdefault(
                referral.receiving_person.office_id, referral.receiving_person.office
            )
    consents = db.session.scalars(
        select(Consent)
        .where(Consent.person_id == person.id)
        .order_by(Consent.given_on.desc(), Consent.id.desc())
    ).all()
    return Passport(
        person=person,
        offices=list(offices.values()),
        consents=list(consents),
        referrals=list(referrals),
        copy_requested=services.has_open_export_request(person.id),
    )


def withdraw(user, person: Person, consent_id: int, today: date) -> Consent:
    """Withdraw the newcomer's own consent now; shared copies under it are erased at once."""
    if person.case is None:
        raise NotFound()
    consent_service.withdraw_consent(user, person.case, consent_id, today)
    consent = db.session.get(Consent, consent_id)
    for referral in db.session.scalars(select(Referral).where(Referral.consent_id == consent_id)):
        shared_data(referral, today)
    db.session.flush()
    return consent


def request_copy(user, person: Person):
    return services.request_export(user, person, via="portal")
