"""The receiving office opens its own case for a referred person, from the shared data only."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseapp.audit import services as audit
from caseapp.auth import scope
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.offices.models import District
from caseapp.people.models import Person
from caseapp.referrals.models import Referral
from caseapp.referrals.services.visibility import side
from caseapp.referrals.sharing import shared_data

OPENABLE = ("accepted", "in_progress", "completed")


def open_receiving_case(actor, referral: Referral, today: date) -> Person:
    """Open the receiving office's own case for the person, from the shared data only.

    Only the consented snapshot is copied (names and birth year always; contact, languages,
    residence and need areas only if shared) — notes, consultations and vulnerability flags
    stay with the sending office. The new record is linked from the referral; it is the
    receiving office's own file from then on.
    """
    from caseapp.people import services as people
    from caseapp.people.models import CaseNeed
    from caseapp.people.validation import PersonData

    if side(actor, referral) != "receiver" and not actor.is_admin:
        raise NotFound()
    if referral.status not in OPENABLE:
        raise ValidationFailed({"status": _("Accept the referral first.")})
    if referral.receiving_person_id is not None:
        raise ValidationFailed({"status": _("A case at your office is already linked.")})
    shared = shared_data(referral)
    if not shared:
        raise ValidationFailed({"status": _("The consent was withdrawn; nothing may be copied.")})
    identity = shared.get("identity", {})
    contact = shared.get("contact") or {}
    languages = shared.get("languages") or {}
    residence = shared.get("residence") or {}
    district_id = None
    if contact.get("district"):
        district_id = db.session.scalar(
            select(District.id).where(District.name == contact["district"])
        )
    valid_until = residence.get("valid_until") or None
    data = PersonData(
        given_name=identity.get("given_name", ""),
        family_name=identity.get("family_name", ""),
        birth_year=identity.get("birth_year"),
        languages=list(languages.get("spoken") or []),
        interpreter_language=languages.get("interpreter") or "",
        phone=contact.get("phone", ""),
        email=contact.get("email", ""),
        street=contact.get("street", ""),
        postcode=contact.get("postcode", ""),
        city=contact.get("city", ""),
        district_id=district_id,
        residence_status=residence.get("status", ""),
        residence_valid_until=date.fromisoformat(valid_until) if valid_until else None,
    )
    caseworker = actor.id if referral.to_office_id in scope.own_office_ids(actor) else None
    person = people.register_person(
        actor, data, office_id=referral.to_office_id, caseworker_id=caseworker, today=today
    )
    needs = {referral.need, *(shared.get("needs") or [])}
    for need in sorted(n for n in needs if n):
        db.session.add(CaseNeed(case_id=person.case.id, need=need))
    referral.receiving_person_id = person.id
    db.session.flush()
    audit.record(
        actor,
        "open_receiving_case",
        "referral",
        referral.id,
        office_id=referral.to_office_id,
        purpose="referral",
        details={"person": [None, person.id]},
    )
    return person
