"""Realistic demo data for every domain (idempotent), for `flask seed-demo` and the quickstart.

Each module seeds one domain; `seed_demo` runs them in the order their data builds on.
"""

from __future__ import annotations

from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.demo import appointments, matches, people, referrals, reports, volunteers
from caseapp.demo.appointments import portal_demo_login
from caseapp.demo.offices import DEMO_PASSWORD, seed_offices
from caseapp.extensions import db

__all__ = ["DEMO_PASSWORD", "portal_demo_login", "seed_demo"]

COORDINATOR = "koordination@lotse.example"


def seed_demo() -> list[tuple[str, str, str]]:
    """Create what is missing and return (e-mail, role, office) rows for the login table."""
    rows = seed_offices()
    db.session.flush()
    coordinator = db.session.scalar(select(User).where(User.email == COORDINATOR))
    volunteers.seed(coordinator)
    people.seed_people()
    db.session.flush()
    reports.seed()
    referrals.seed()
    appointments.seed()
    matches.seed(coordinator)
    from caseapp import features

    db.session.flush()
    features.seed_demo()
    return rows + _feature_logins({email for email, _r, _o in rows})


def _feature_logins(listed: set[str]) -> list[tuple[str, str, str]]:
    """Demo accounts a feature package created (the data-protection officer), for the table."""
    users = db.session.scalars(
        select(User).where(User.email.like("%@lotse.example")).order_by(User.email)
    ).all()
    return [
        (u.email, ", ".join(sorted(str(r) for r in u.role_set)), "")
        for u in users
        if u.email not in listed
    ]
