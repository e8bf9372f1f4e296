"""Builders shared by several test modules."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.people import services
from caseapp.people.validation import PersonData

TODAY = date(2026, 11, 22)


def _data(**kw):
    base = dict(  # noqa: C408 - reads like the dataclass call it feeds
        given_name="Mohammed",
        family_name="Al-Hassan",
        birth_year=1988,
        birth_month=3,
        birth_day=14,
        sex="m",
        nationalities=["SY"],
        languages=[{"code": "ar", "level": "native"}],
    )
    base.update(kw)
    return PersonData(**base)


def register(actor, office, **kw):
    person = services.register_person(
        actor, _data(**kw), office_id=office, caseworker_id=actor.id, today=TODAY
    )
    db.session.commit()
    return person


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))
