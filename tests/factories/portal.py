"""Builders shared by several test modules."""

from __future__ import annotations

import re

from sqlalchemy import select

from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.portal import services as portal


def issue(app, setup, person_id=None, *, valid_days=30) -> str:
    from caseapp.auth.models import User
    from caseapp.people.models import Person

    with app.test_request_context():
        actor = db.session.get(User, setup["worker_ids"][0])
        code = portal.issue_code(
            actor,
            db.session.get(Person, person_id or setup["person"]),
            now=utcnow(),
            valid_days=valid_days,
        )
        db.session.commit()
        return code


def case_number(app, person_id) -> str:
    from caseapp.people.models import Case

    with app.app_context():
        return db.session.scalar(select(Case.case_number).where(Case.person_id == person_id))


def portal_login(actions, number, code, **kw):
    actions._token = None
    page = actions.client.get("/portal/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return actions.client.post(
        "/portal/login",
        data={"case_number": number, "access_code": code, "csrf_token": token},
        **kw,
    )
