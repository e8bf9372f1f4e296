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
    return rows
