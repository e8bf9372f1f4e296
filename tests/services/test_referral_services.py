"""Referral services against the real database: consent, lifecycle, audit, overdue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.auth.models import User
from caseapp.core.clock import utcnow
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.people import casework
from caseapp.people.services import get_person
from caseapp.referrals import services
from caseapp.referrals.models import Referral
from tests.factories.referrals import referral_records


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def setup(app, world):
    ids = referral_records(app, world)
    with app.test_request_context():
        yield ids, _user(world["caseworker_a"]), _user(world["caseworker_b"])
        db.session.rollback()


def _draft(worker, ids, **kw):
    person = get_person(worker, ids["person_id"], audit_read=False)
    data = services.ReferralData(need="work", service_id=ids["service_id"], **kw)
    return services.create_referral(worker, person, data)


def test_consent_for_another_office_does_not_count(app, world, make_office, setup):
    ids, worker, _b = setup
    other = make_office(name="Anderes Amt")
    person = get_person(worker, ids["person_id"], audit_read=False)
    casework.withdraw_consent(worker, person.case, ids["consent_id"], date(2026, 11, 22))
    casework.record_consent(
        worker,
        person.case,
        purpose="referral",
        receiving_office_id=other,
        scope="",
        given_on=date(2026, 11, 22),
        form="oral",
        today=date(2026, 11, 22),
    )
    referral = _draft(worker, ids, categories=["contact"])
    with pytest.raises(ValidationFailed) as error:
        services.send_referral(worker, referral)
    assert "consent" in error.value.errors
    assert referral.status == "draft" and referral.shared == {}


def test_snapshot_holds_only_chosen_categories_and_every_step_is_audited(setup):
    ids, worker, receiver = setup
    referral = _draft(worker, ids, categories=["languages"])
    services.send_referral(worker, referral)
    assert set(referral.shared) == {"identity", "languages"}
    assert referral.respond_by - referral.sent_at == timedelta(days=3)
    services.change_status(receiver, referral, "accepted")
    services.change_status(receiver, referral, "in_progress")
    services.change_status(receiver, referral, "closed", note="")
    assert [e.to_status for e in referral.events] == [
        "draft",
        "sent",
        "accepted",
        "in_progress",
        "closed",
    ]
    actions = db.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.record_type == "referral", AuditEntry.record_id == referral.id
        )
    ).all()
    assert actions == ["create", "send", "accepted", "in_progress", "closed"]


@pytest.mark.parametrize(
    ("path", "wanted"),
    [
        ([], "accepted"),
        ([], "completed"),
        ([], "in_progress"),
        (["sent"], "completed"),
        (["sent"], "in_progress"),
        (["sent", "declined"], "accepted"),
        (["sent", "accepted", "completed"], "cancelled"),
    ],
)
def test_status_changes_out_of_order_are_refused(setup, path, wanted):
    ids, worker, receiver = setup
    referral = _draft(worker, ids)
    for step in path:
        if step == "sent":
            services.send_referral(worker, referral)
        else:
            services.change_status(receiver, referral, step, note="Grund")
    before = referral.status
    actor = worker if wanted == "cancelled" else receiver
    with pytest.raises((services.StatusRefused, NotFound)):
        services.change_status(actor, referral, wanted, note="Grund")
    assert referral.status == before


def test_receiver_cannot_cancel_and_sender_cannot_accept(setup):
    ids, worker, receiver = setup
    referral = _draft(worker, ids)
    with pytest.raises(NotFound):
        services.get_referral(receiver, referral.id)  # drafts are not addressed yet
    services.send_referral(worker, referral)
    assert services.get_referral(receiver, referral.id).id == referral.id
    with pytest.raises(NotFound):
        services.change_status(receiver, referral, "cancelled")
    with pytest.raises(NotFound):
        services.change_status(worker, referral, "accepted")


def test_flag_overdue_once(setup):
    ids, worker, _b = setup
    referral = _draft(worker, ids)
    services.send_referral(worker, referral, now=utcnow() - timedelta(days=10))
    later = _draft(worker, ids)
    services.send_referral(worker, later)
    assert referral.is_overdue() and not later.is_overdue()
    assert services.flag_overdue() == 1
    assert services.flag_overdue() == 0
    assert services.counts_for(worker, utcnow())["overdue"] == 0  # worker is the sender
    count = db.session.scalar(
        select(func.count(Referral.id)).where(Referral.overdue_flagged_at.is_not(None))
    )
    assert count == 1


def test_the_start_page_counts_new_overdue_and_in_progress_for_the_receiver(setup):
    """One statement counts all three (counts_for): each referral in exactly its box, for the
    receiving office only, drafts never."""
    ids, worker, receiver = setup
    empty = {"new": 0, "overdue": 0, "in_progress": 0}
    assert services.counts_for(receiver, utcnow()) == empty
    _draft(worker, ids)  # a draft is addressed to nobody yet
    overdue = _draft(worker, ids)
    services.send_referral(worker, overdue, now=utcnow() - timedelta(days=10))
    for _n in range(2):
        services.send_referral(worker, _draft(worker, ids))
    taken = _draft(worker, ids)
    services.send_referral(worker, taken)
    services.change_status(receiver, taken, "accepted")
    db.session.flush()
    assert services.counts_for(receiver, utcnow()) == {"new": 2, "overdue": 1, "in_progress": 1}
    assert services.counts_for(worker, utcnow()) == empty  # the sender's incoming box
