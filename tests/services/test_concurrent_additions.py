"""Adding a record to a case does not conflict with a colleague adding another one.

Found on PostgreSQL: two caseworkers adding different consultations or aid to the same case at
the same moment — one got 409 and lost what they typed (20 of 40 pairs). Only edits of the
same record are version-checked. The colleague's commit is simulated by bumping the case's
version behind the session's back, which is what the second transaction sees on PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, text

from caseapp.core.clock import local_today, utcnow
from caseapp.extensions import db
from caseapp.people import casework
from caseapp.people.models import AidEntry, Consultation
from tests.factories.people import register


def _colleague_changed(case) -> None:
    db.session.execute(
        text("UPDATE cases SET version = version + 1 WHERE id = :id"), {"id": case.id}
    )


def test_two_consultations_at_the_same_moment(cw_a, world):
    person = register(cw_a, world["office_a"])
    case = person.case
    loaded = case.version
    _colleague_changed(case)  # a colleague's consultation was committed meanwhile
    assert case.version == loaded  # this session still holds the old version
    casework.log_consultation(
        cw_a,
        case,
        casework.ConsultationData(
            at=utcnow() - timedelta(minutes=5), duration_minutes=20, mode="phone"
        ),
        office_id=world["office_a"],
    )
    db.session.commit()
    assert db.session.scalar(select(func.count(Consultation.id))) == 1
    assert case.status == "active"


def test_aid_while_a_colleague_adds_to_the_same_case(cw_a, world):
    from caseapp.people.models import AidKind

    person = register(cw_a, world["office_a"])
    kind = AidKind(name_de="Gutschein", name_ar="قسيمة", name_tr="Kupon", min_interval_days=0)
    db.session.add(kind)
    db.session.commit()
    case = person.case
    _colleague_changed(case)
    casework.record_aid(
        cw_a,
        case,
        kind_id=kind.id,
        given_on=local_today(),
        value_cents=500,
        note="",
        override_reason="",
        office_id=world["office_a"],
        today=local_today(),
    )
    db.session.commit()
    assert db.session.scalar(select(func.count(AidEntry.id))) == 1
