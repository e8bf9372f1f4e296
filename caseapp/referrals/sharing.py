"""What a referral shares: the consent check and the snapshot of consented categories.

The receiving office sees a snapshot taken at send time (what was shared stays exactly what
was shared, even if the case changes later), and only while the consent stays valid:
withdrawing it empties the snapshot on the next read or the next `referrals flag-overdue` run.
"""

from __future__ import annotations

from sqlalchemy import select

from caseapp.extensions import db
from caseapp.people.models import Case, Consent, Consultation, Person
from caseapp.referrals.models import Referral


def valid_consent(person_id: int, office_id: int) -> Consent | None:
    """The person's newest consent to share with this office that is not withdrawn."""
    return db.session.scalar(
        select(Consent)
        .where(
            Consent.person_id == person_id,
            Consent.purpose == "referral",
            Consent.receiving_office_id == office_id,
            Consent.withdrawn_on.is_(None),
        )
        .order_by(Consent.given_on.desc(), Consent.id.desc())
        .limit(1)
    )


def shared_data(referral: Referral) -> dict | None:
    """What the receiving office may see now; None once the consent is withdrawn."""
    consent = referral.consent
    if consent is None or consent.withdrawn_on is not None:
        if referral.shared:
            referral.shared = {}  # access ends: the copy is erased, not only hidden
        return None
    return referral.shared or None


def build_snapshot(referral: Referral) -> dict:
    """The consented categories of the person's data, as plain values."""
    person: Person = referral.person
    case: Case = db.session.get(Case, referral.case_id)
    shared: dict = {
        "identity": {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "birth_year": person.birth_year,
        }
    }
    cats = set(referral.categories)
    if "contact" in cats:
        shared["contact"] = {
            "phone": person.phone,
            "email": person.email,
            "street": person.street,
            "postcode": person.postcode,
            "city": person.city,
            "district": person.district.name if person.district else "",
        }
    if "household" in cats and person.household:
        shared["household"] = [
            {"name": m.person.given_name, "role": m.role, "birth_year": m.person.birth_year}
            for m in person.household.members
            if m.person_id != person.id
        ]
    if "languages" in cats:
        shared["languages"] = {
            "spoken": list(person.languages or []),
            "interpreter": person.interpreter_language,
        }
    if "residence" in cats:
        shared["residence"] = {
            "status": person.residence_status,
            "valid_until": person.residence_valid_until.isoformat()
            if person.residence_valid_until
            else "",
        }
    if "needs" in cats:
        shared["needs"] = case.need_areas
    if "vulnerabilities" in cats:
        shared["vulnerabilities"] = case.vulnerabilities
    if "consultations" in cats and referral.consultation_ids:
        rows = db.session.scalars(
            select(Consultation)
            .where(Consultation.id.in_(referral.consultation_ids), Consultation.case_id == case.id)
            .order_by(Consultation.at)
        )
        shared["consultations"] = [
            {
                "at": c.at.isoformat(),
                "mode": c.mode,
                "need_areas": list(c.need_areas or []),
                "notes": c.notes,
            }
            for c in rows
        ]
    return shared
