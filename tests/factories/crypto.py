"""A consultation note and a referral message carrying markers, for the encryption-at-rest
and the encryption-migration tests."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.people import casework
from caseapp.people.services import get_person
from caseapp.referrals import services as referrals
from tests.factories.referrals import referral_records

NOTE_MARKER = "MARKER-NOTE-at-rest-5c1d"
MESSAGE_MARKER = "MARKER-MESSAGE-at-rest-9e2a"


def _worker(world):
    return db.session.scalar(select(User).where(User.email == world["caseworker_a"]))


def plant(app, world) -> dict:
    """A consultation note and a referral message with markers, through the services."""
    ids = referral_records(app, world)
    with app.test_request_context():
        worker = _worker(world)
        person = get_person(worker, ids["person_id"], audit_read=False)
        consultation = casework.log_consultation(
            worker,
            person.case,
            casework.ConsultationData(
                at=datetime(2026, 11, 25, 10, tzinfo=UTC),
                duration_minutes=30,
                mode="in_person",
                notes=f"Gespräch über die Wohnung. {NOTE_MARKER} – ğüş عربي",
            ),
            office_id=world["office_a"],
        )
        referral = referrals.create_referral(
            worker,
            person,
            referrals.ReferralData(
                need="work",
                service_id=ids["service_id"],
                message=f"Bitte melden. {MESSAGE_MARKER}",
                categories=["contact"],
            ),
        )
        db.session.commit()
        return {**ids, "note_id": consultation.id, "referral_id": referral.id}
