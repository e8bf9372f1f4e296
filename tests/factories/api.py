"""API tokens and the records behind the API's operations, for the API, contract and
access tests."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from caseapp.api import tokens
from caseapp.auth.models import User
from caseapp.extensions import db
from tests.factories.referrals import referral_records

MARKER_B = "Bmarkerfamily"


def make_token(app, office_id, *roles, days=30, allowed_ips="") -> str:
    with app.test_request_context():
        _token, secret = tokens.create_token(
            None,
            tokens.TokenData(
                name=f"System {'+'.join(roles)} {office_id}",
                office_id=office_id,
                roles=list(roles),
                expires_on=date(2026, 11, 30) + timedelta(days=days),
                allowed_ips=allowed_ips,
            ),
        )
        db.session.commit()
        return secret


def bearer(secret: str, **headers) -> dict:
    return {"Authorization": f"Bearer {secret}", **headers}


def api_records(app, world, make_user=None) -> dict:
    """Office A's person (markers), a draft referral A→C, an appointment, a person of B, a
    match of A (with make_user), and a token per role and office."""
    from caseapp.offices.services import OfficeData, create_office
    from caseapp.people import services as people
    from caseapp.people.validation import PersonData
    from caseapp.referrals import services as referrals
    from tests.factories.appointments import room_and_appointment

    with app.test_request_context():
        office_c = create_office(None, OfficeData(name="Gesundheitsamt C", kind="health_office"))
        db.session.commit()
        office_c_id = office_c.id
    ids = referral_records(app, world, to_office_id=office_c_id)
    ids["office_c"] = office_c_id
    with app.test_request_context():
        worker = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        worker_b = db.session.scalar(select(User).where(User.email == world["caseworker_b"]))
        person = people.get_person(worker, ids["person_id"], audit_read=False)
        ids["case_id"] = person.case.id
        referral = referrals.create_referral(
            worker, person, referrals.ReferralData(need="work", service_id=ids["service_id"])
        )
        room, appointment = room_and_appointment(world["office_a"], person.id, worker.id)
        other = people.register_person(
            worker_b,
            PersonData(given_name="Bora", family_name=MARKER_B, birth_year=1985),
            office_id=world["office_b"],
            caseworker_id=worker_b.id,
            today=date(2026, 11, 22),
        )
        db.session.commit()
        ids.update(
            referral_id=referral.id,
            appointment_id=appointment.id,
            room_id=room.id,
            person_b=other.id,
            case_b=other.case.id,
        )
    if make_user is not None:
        from tests.factories.matching_web import matching_records

        ids["match_id"] = matching_records(app, world, make_user)["match_id"]
    ids["tokens"] = {
        "cw_a": make_token(app, world["office_a"], "caseworker"),
        "cw_b": make_token(app, world["office_b"], "caseworker"),
        "coord_a": make_token(app, world["office_a"], "coordinator"),
        "coord_b": make_token(app, world["office_b"], "coordinator"),
        "reports_a": make_token(app, world["office_a"], "reports"),
    }
    return ids
