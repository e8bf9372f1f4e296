"""The people package's part of a merge: case file, aid, consents, household, name keys."""

from __future__ import annotations

from sqlalchemy import update

from caseapp.core.signals import merge_handler
from caseapp.extensions import db
from caseapp.people.models import (
    AidEntry,
    CaseNeed,
    CaseStatusChange,
    CaseVulnerability,
    Consent,
    Consultation,
    HouseholdMember,
    NextStep,
    Person,
)
from caseapp.people.services import _write_keys


def _moved(statement) -> int:
    return db.session.execute(statement).rowcount or 0


def _merge_cases(survivor: Person, removed: Person) -> dict[str, int]:
    """Survivor without a case takes the removed one; otherwise the removed case's entries
    move into the survivor's case and the removed case is closed as merged."""
    keep_case, drop_case = survivor.case, removed.case
    if drop_case is None:
        return {}
    if keep_case is None:
        drop_case.person = survivor
        db.session.flush()
        return {"cases": 1}
    counts = {}
    for name, model in (
        ("consultations", Consultation),
        ("next_steps", NextStep),
        ("case_status_changes", CaseStatusChange),
    ):
        counts[name] = _moved(
            update(model).where(model.case_id == drop_case.id).values(case_id=keep_case.id)
        )
    # Aid entries are counted by person below; their case follows the person's case file.
    db.session.execute(
        update(AidEntry).where(AidEntry.case_id == drop_case.id).values(case_id=keep_case.id)
    )
    for need in drop_case.need_areas:
        if need not in keep_case.need_areas:
            keep_case.need_rows.append(CaseNeed(need=need))
    for flag in drop_case.vulnerabilities:
        if flag not in keep_case.vulnerabilities:
            keep_case.vulnerability_rows.append(CaseVulnerability(flag=flag))
    drop_case.status = "closed"
    drop_case.closed_reason = "merged"
    return counts


def _merge_household(survivor: Person, removed: Person) -> dict[str, int]:
    """A person lives in one household: the survivor keeps its own; without one it takes the
    removed record's place."""
    if removed.membership is None:
        return {}
    if survivor.membership is None:
        moved = _moved(
            update(HouseholdMember)
            .where(HouseholdMember.person_id == removed.id)
            .values(person_id=survivor.id)
        )
        return {"household_members": moved}
    db.session.delete(removed.membership)
    return {"household_members_dropped": 1}


@merge_handler(
    "cases.person_id",
    "aid_entries.person_id",
    "consents.person_id",
    "household_members.person_id",
    "person_name_keys.person_id",
)
def merge_people_rows(survivor: Person, *, removed: Person, actor=None, **_kw) -> dict[str, int]:
    counts = _merge_cases(survivor, removed)
    counts["aid_entries"] = _moved(
        update(AidEntry).where(AidEntry.person_id == removed.id).values(person_id=survivor.id)
    )
    counts["consents"] = _moved(
        update(Consent).where(Consent.person_id == removed.id).values(person_id=survivor.id)
    )
    counts.update(_merge_household(survivor, removed))
    # Name keys follow the survivor's (possibly newly chosen) names; the removed record keeps
    # its own keys, and merged records are never found.
    _write_keys(survivor)
    return counts
