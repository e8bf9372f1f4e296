"""Merging two persons moves everything: every row that points at the removed record ends up on
the survivor (or is resolved and said so), and no table referring to persons is forgotten."""

from __future__ import annotations

import weakref
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from caseapp.appointments.models import Appointment
from caseapp.audit.models import AuditEntry
from caseapp.core.clock import utcnow
from caseapp.core.signals import (
    merge_handled,
    person_merged,
    person_references,
    unhandled_person_references,
)
from caseapp.extensions import db
from caseapp.matches.models import Match, MatchRequest
from caseapp.people import casework, merging
from caseapp.people.models import (
    Case,
    CaseStatusChange,
    HouseholdMember,
    NextStep,
    Person,
)
from caseapp.portal import services as portal
from caseapp.referrals import services as referrals
from caseapp.referrals.models import Referral
from tests.factories.merging import (
    _removed_with_one_row_of_every_kind,
    _service,
    _waiting,
)
from tests.factories.people import TODAY, _user, register
from tests.factories.volunteers import make_programme

# What may still point at the removed record after a merge, and why.
STAYS_WITH_REMOVED = {
    ("cases", "person_id"),  # its case, closed as merged, emptied into the survivor's case
    ("person_name_keys", "person_id"),  # its own name keys; merged records are never found
    ("person_merges", "survivor_id"),  # history: an earlier merge into the removed record
    ("person_merges", "removed_id"),  # the record of this merge
    ("anonymised_persons", "person_id"),  # what was anonymised stays true of that record
}


def _references_to(person_id: int) -> dict[tuple[str, str], int]:
    """(table, column) -> rows pointing at the person, for every foreign key to persons."""
    out = {}
    for table_name, column in sorted(person_references(db.metadata)):
        table = db.metadata.tables[table_name]
        out[(table_name, column)] = db.session.scalar(
            select(func.count()).select_from(table).where(table.c[column] == person_id)
        )
    return out


def test_merge_moves_a_row_of_every_kind_to_the_survivor_and_says_so_in_the_audit(ctx, world):
    worker, admin = _user(world["caseworker_a"]), _user(world["admin"])
    survivor = register(worker, world["office_a"])
    rows = _removed_with_one_row_of_every_kind(world, worker, admin)
    removed = rows["removed"]
    before = _references_to(removed.id)
    # The builder covers every reference to persons except the record of the merge to come,
    # so a new table must bring a row here too.
    assert [ref for ref, n in before.items() if n == 0] == [("person_merges", "removed_id")]

    merging.merge_people(admin, survivor, removed, {"phone": "b"})
    db.session.commit()

    left = {ref: n for ref, n in _references_to(removed.id).items() if n}
    assert set(left) <= STAYS_WITH_REMOVED, left
    removed_case = db.session.scalar(select(Case).where(Case.person_id == removed.id))
    assert removed_case.status == "closed" and removed_case.closed_reason == "merged"
    keep = survivor.case
    assert db.session.get(Person, rows["earlier"]).merged_into_id == survivor.id
    assert db.session.scalar(select(NextStep.case_id)) == keep.id
    assert db.session.get(Appointment, rows["appointment"]).person_id == survivor.id
    sent = db.session.get(Referral, rows["sent"])
    assert (sent.person_id, sent.case_id) == (survivor.id, keep.id)
    assert sent.consent.person_id == survivor.id
    assert [r.id for r in referrals.referrals_of_person(survivor.id)] == [rows["sent"]]
    assert db.session.get(Referral, rows["received"]).receiving_person_id == survivor.id
    requests = db.session.scalars(select(MatchRequest).where(MatchRequest.person_id == survivor.id))
    assert {r.id for r in requests} == rows["requests"]
    assert db.session.get(Match, rows["match"]).person_id == survivor.id
    access = portal.access_for(survivor.id)
    assert access is not None and portal.person_for(access.user).id == survivor.id
    membership = db.session.scalar(
        select(HouseholdMember).where(HouseholdMember.person_id == survivor.id)
    )
    assert membership is not None and membership.role == "spouse"
    assert survivor.phone == "0171 1"

    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "merge", AuditEntry.record_id == survivor.id)
    )
    assert entry.details["removed"] == [removed.id, None]
    moved = {kind: change[1] for kind, change in entry.details.items() if kind != "removed"}
    assert moved == {
        "aid_entries": 1,
        "appointments": 1,
        "case_status_changes": 3,  # opened, active; and the earlier duplicate's opening
        "consents": 2,  # to share with office B, and to matching
        "consultations": 1,
        "deadlines": 1,
        "duplicate_decisions": 1,  # "not the same person" as Rania Khalil, now the survivor's
        "erasure_requests": 1,
        "export_requests": 1,
        "household_members": 1,
        "match_requests": 2,
        "matches": 1,
        "merged_records": 1,
        "next_steps": 1,
        "portal_accesses": 1,
        "referrals": 1,
        "referrals_received": 1,
    }


def test_every_foreign_key_to_persons_is_answered_by_a_merge_receiver(app):
    references = person_references(db.metadata)
    assert len(references) >= 14  # the scan finds the references
    assert unhandled_person_references(db.metadata) == []
    # Nothing is declared that no longer exists (a renamed column would hide a gap).
    assert set(merge_handled()) <= references
    connected = set()
    for ref in person_merged.receivers.values():
        receiver = ref() if isinstance(ref, weakref.ref) else ref
        connected.add(f"{receiver.__module__}.{receiver.__qualname__}")
    declared = {by for by in merge_handled().values() if by != merging.__name__}
    assert declared and declared <= connected


def test_open_requests_in_one_programme_and_two_portal_accesses_are_resolved(ctx, world):
    worker, admin = _user(world["caseworker_a"]), _user(world["admin"])
    survivor = register(worker, world["office_a"])
    removed = register(worker, world["office_a"], given_name="Muhammad", family_name="Alhasan")
    programme = make_programme()
    newer = _waiting(worker, survivor, programme, TODAY - timedelta(days=5))
    older = _waiting(worker, removed, programme, TODAY - timedelta(days=50))
    portal.issue_code(worker, survivor, now=utcnow(), valid_days=30)
    portal.issue_code(worker, removed, now=utcnow(), valid_days=30)
    theirs = portal.access_for(removed.id)
    theirs.reminder_email, theirs.reminder_consent_at = "m@example.org", utcnow()
    their_user = theirs.user
    db.session.commit()

    merging.merge_people(admin, survivor, removed, {})
    db.session.commit()

    # The newcomer keeps the longer waiting time; the other request leaves the list.
    assert older.person_id == survivor.id and older.status == "waiting"
    assert newer.status == "withdrawn"
    # The survivor keeps its own portal access; the removed one's code and account stop.
    ours = portal.access_for(survivor.id)
    assert ours.user is not their_user and ours.reminder_email == "m@example.org"
    assert theirs.person_id == removed.id and theirs.code_hash is None
    assert their_user.active is False
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "merge", AuditEntry.record_id == survivor.id)
    )
    assert entry.details["match_requests_withdrawn"] == [None, 1]
    assert entry.details["portal_accesses_revoked"] == [None, 1]
    withdrawn = db.session.scalar(
        select(AuditEntry.record_id).where(AuditEntry.action == "match_request.withdraw")
    )
    assert withdrawn == newer.id


@pytest.mark.parametrize("statuses", [("matched", "waiting"), ("matched", "matched")])
def test_a_matched_request_is_never_withdrawn(ctx, world, statuses):
    worker, admin = _user(world["caseworker_a"]), _user(world["admin"])
    survivor = register(worker, world["office_a"])
    removed = register(worker, world["office_a"], given_name="Muhammad", family_name="Alhasan")
    programme = make_programme()
    theirs = _waiting(worker, removed, programme, TODAY - timedelta(days=50))
    ours = _waiting(worker, survivor, programme, TODAY - timedelta(days=5))
    theirs.status, ours.status = statuses
    db.session.commit()
    merging.merge_people(admin, survivor, removed, {})
    db.session.commit()
    assert theirs.status == "matched" and theirs.person_id == survivor.id
    assert ours.status == ("withdrawn" if statuses[1] == "waiting" else "matched")


def test_a_survivor_without_a_case_file_takes_over_the_removed_one(ctx, world):
    worker, admin = _user(world["caseworker_a"]), _user(world["admin"])
    survivor = register(worker, world["office_a"])
    removed = register(worker, world["office_a"], given_name="Muhammad", family_name="Alhasan")
    casework.record_consent(
        worker,
        removed.case,
        purpose="referral",
        receiving_office_id=world["office_b"],
        scope="",
        given_on=TODAY,
        form="written",
        today=TODAY,
    )
    service = _service(world["office_b"], "Arbeitsvermittlung")
    referral = referrals.create_referral(
        worker, removed, referrals.ReferralData(need="work", service_id=service.id)
    )
    case_id = removed.case.id
    # Registration always opens a case file; the merge must not rely on it all the same.
    db.session.execute(delete(CaseStatusChange).where(CaseStatusChange.case_id == survivor.case.id))
    db.session.execute(delete(Case).where(Case.id == survivor.case.id))
    db.session.commit()
    db.session.expire_all()

    merging.merge_people(admin, survivor, removed, {})
    db.session.commit()

    assert survivor.case.id == case_id and survivor.case.status != "closed"
    assert (referral.person_id, referral.case_id) == (survivor.id, case_id)
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "merge", AuditEntry.record_id == survivor.id)
    )
    assert entry.details["cases"] == [None, 1] and entry.details["referrals"] == [None, 1]
