"""What a referral shares: the consent check and the snapshot of consented categories.

A referral may share only the categories (vocab.CATEGORIES) that the person's consent to
share with the receiving office covers: the newest valid consent (not withdrawn, not
expired) that names that office or no office decides (people.consents.sharing_consent).

The receiving office sees a snapshot taken at send time (what was shared stays exactly what
was shared, even if the case changes later), and only while that consent stays valid:
withdrawing it (or its end date passing) empties the snapshot on the next read or the next
`referrals flag-overdue` run, and the receiving office no longer sees the referral's
message either (templates/referrals/detail.html says why).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseapp.core.clock import local_today
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _, join_list
from caseapp.people.consents import sharing_consent
from caseapp.people.models import Case, Consent, Consultation, Person
from caseapp.referrals.models import Referral
from caseapp.referrals.vocab import CATEGORIES


def valid_consent(person_id: int, office_id: int, today: date | None = None) -> Consent | None:
    """The consent that decides what may be shared with this office today, if any."""
    return sharing_consent(person_id, office_id, today or local_today())


def allowed_categories(person_id: int, office_id: int | None, today: date | None = None) -> list:
    """The categories the person's consent lets the sending office share with `office_id`."""
    consent = valid_consent(person_id, office_id, today) if office_id else None
    return [c for c in CATEGORIES if consent is not None and c in consent.categories]


def check_covered(referral: Referral, consent: Consent) -> None:
    """Refuse, naming them, the chosen categories the consent does not cover."""
    uncovered = [c for c in referral.categories if c not in (consent.categories or [])]
    if uncovered:
        raise ValidationFailed(
            {
                "categories": _(
                    "Not covered by the consent to share with %(office)s: %(categories)s. Untick these or record a consent that covers them.",
                    office=referral.to_office.name,
                    categories=join_list(str(CATEGORIES.get(c, c)) for c in uncovered),
                )
            }
        )


def sharing_ended(referral: Referral, today: date | None = None) -> str:
    """'withdrawn' or 'expired' once the consent a sent referral relied on ended, else ''."""
    consent = referral.consent
    if consent is None:
        return ""
    state = consent.state(today or local_today())
    return state if state in ("withdrawn", "expired") else ""


def shared_data(referral: Referral, today: date | None = None) -> dict | None:
    """What the receiving office may see now; None once the consent is withdrawn or ended."""
    consent = referral.consent
    if consent is None or sharing_ended(referral, today):
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
