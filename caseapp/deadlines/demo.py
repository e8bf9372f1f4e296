"""Demo data of the deadline watch: the shipped kinds, one entered deadline, a first scan."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select


def seed() -> None:
    from caseapp.core.clock import local_today, utcnow
    from caseapp.deadlines.catalogue import install_defaults
    from caseapp.deadlines.models import Deadline, DeadlineKind
    from caseapp.deadlines.scan import scan
    from caseapp.extensions import db
    from caseapp.people.models import Person

    install_defaults()
    db.session.flush()
    course = db.session.scalar(
        select(DeadlineKind).where(DeadlineKind.code == "integration_course")
    )
    person = db.session.scalar(
        select(Person).where(Person.merged_into_id.is_(None)).order_by(Person.id)
    )
    if course is not None and person is not None:
        have = db.session.scalar(
            select(Deadline.id).where(
                Deadline.kind_id == course.id, Deadline.person_id == person.id
            )
        )
        if have is None:
            db.session.add(
                Deadline(
                    person_id=person.id,
                    office_id=person.office_id,
                    kind_id=course.id,
                    due_on=local_today() + timedelta(weeks=5),
                    note="Demo",
                )
            )
    db.session.flush()
    scan(local_today(), utcnow(), commit=db.session.flush)
