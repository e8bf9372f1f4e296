"""Builders shared by several test modules."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.extensions import db

MARKER_PHONE = "+49 171 5550199"  # shared: contact details


MARKER_RESIDENCE_NOTE = "MARKER-CONSULT-NOTE-b71e"  # unshared: consultation notes


MARKER_STREET = "MARKER-STREET-ref-44"  # shared only with contact details


MARKER_MESSAGE = "Bitte Termin zur Arbeitsvermittlung"


ALL_CATEGORIES = (
    "contact",
    "household",
    "languages",
    "residence",
    "needs",
    "consultations",
    "vulnerabilities",
)


def referral_records(app, world, *, to_office_id=None, consent=True, categories=ALL_CATEGORIES):
    """A person of office A, a service of office B (or `to_office_id`), optionally a consent
    to share `categories` (all by default) with that office."""
    from caseapp.people import casework, services
    from caseapp.people.validation import PersonData
    from caseapp.referrals import directory

    with app.test_request_context():
        worker = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        to_office = to_office_id or world["office_b"]
        person = services.register_person(
            worker,
            PersonData(
                given_name="Rania",
                family_name="Khalil",
                birth_year=1991,
                phone=MARKER_PHONE,
                street=MARKER_STREET,
                residence_status="tolerated",
                languages=[{"code": "ar", "level": "native"}],
            ),
            office_id=world["office_a"],
            caseworker_id=worker.id,
            today=date(2026, 11, 22),
        )
        casework.update_case(
            worker,
            person.case,
            status="open",
            closed_reason="",
            caseworker_id=worker.id,
            needs=["work"],
            vulnerabilities=["pregnancy"],
            loaded_version=person.case.version,
        )
        consultation = casework.log_consultation(
            worker,
            person.case,
            casework.ConsultationData(
                at=datetime(2026, 11, 20, 9, tzinfo=UTC),
                duration_minutes=20,
                mode="in_person",
                notes=MARKER_RESIDENCE_NOTE,
            ),
            office_id=world["office_a"],
        )
        service = directory.create_service(
            None,
            directory.ServiceData(
                office_id=to_office,
                name_de="Arbeitsvermittlung für Geflüchtete",
                name_ar="التوظيف للاجئين",
                name_tr="Mülteciler için iş bulma",
                need_areas=["work"],
                languages=["de", "ar"],
                response_days=3,
            ),
            date(2026, 11, 1),
        )
        consent_id = None
        if consent:
            consent_id = casework.record_consent(
                worker,
                person.case,
                purpose="referral",
                receiving_office_id=to_office,
                categories=categories,
                scope="Kontaktdaten",
                given_on=date(2026, 11, 21),
                form="written",
                today=date(2026, 11, 22),
            ).id
        db.session.commit()
        return {
            "person_id": person.id,
            "service_id": service.id,
            "consent_id": consent_id,
            "consultation_id": consultation.id,
        }


def _send(actions, ids, **extra):
    form = {
        "need": "work",
        "service": ids["service_id"],
        "urgency": "urgent",
        "message": MARKER_MESSAGE,
        "categories": ["contact"],
        "send": "1",
    }
    form.update(extra)
    return actions.post(f"/referrals/new/{ids['person_id']}?lang=en", form)


def _referral_id(response) -> int:
    return int(re.search(r"/referrals/(\d+)", response.headers["Location"]).group(1))
