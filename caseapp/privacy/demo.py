"""Demo data of the privacy package: a data-protection officer's account, one request for a
copy waiting for its caseworker, one erasure request (by an administrator) for the officer to confirm."""

from __future__ import annotations

from sqlalchemy import select

DPO_EMAIL = "datenschutz@lotse.example"


def seed() -> None:
    from caseapp.auth.models import User
    from caseapp.demo import DEMO_PASSWORD
    from caseapp.extensions import db
    from caseapp.people.models import Person
    from caseapp.privacy import services
    from caseapp.privacy.models import ErasureRequest, ExportRequest
    from caseapp.users.services import UserData, create_user

    dpo = db.session.scalar(select(User).where(User.email == DPO_EMAIL))
    if dpo is None:
        dpo = create_user(
            None,
            UserData(
                email=DPO_EMAIL,
                display_name="Datenschutzbeauftragte (Demo)",
                roles=["data_protection"],
                office_ids=[],
                preferred_language="de",
            ),
            DEMO_PASSWORD,
        )
    persons = db.session.scalars(
        select(Person).where(Person.merged_into_id.is_(None)).order_by(Person.id).limit(2)
    ).all()
    if len(persons) < 2:
        return
    if db.session.scalar(select(ExportRequest.id).limit(1)) is None:
        services.request_export(None, persons[0], via="portal")
    if db.session.scalar(select(ErasureRequest.id).limit(1)) is None:
        # Requested by an administrator; the officer confirms (four eyes).
        admin = next((u for u in db.session.scalars(select(User)) if u.is_admin), dpo)
        services.request_erasure(admin, persons[1], "Antrag per Brief (Demo)")
    db.session.flush()
