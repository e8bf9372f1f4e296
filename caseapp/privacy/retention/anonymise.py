"""Anonymising one person: every holding's free text emptied or its rows deleted, names and
contact gone, the exact birth date cut to the year — everything the reports count stays
(office, district, year of birth, sex, nationalities, languages, need areas, dates, amounts).

The caller commits once per person, so no person is ever left half anonymised: an
interruption loses at most the person in hand, whom the next run takes up again.
"""

from __future__ import annotations

from sqlalchemy import case, delete, exists, func, select, update

from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.people.models import HouseholdMember, Person
from caseapp.portal.models import PortalAccess
from caseapp.privacy.models import AnonymisedPerson, DeletionLogEntry
from caseapp.privacy.registry import holdings, is_json, person_clause

COUNTED_MARK = "–"


def _blank(column):
    if is_json(column):
        return {}
    return None if column.nullable and column.name == "body_html" else ""


def log(run_id: int | None, kind: str, action: str, rule: str, count: int) -> None:
    """Add `count` to the deletion log's line for (run, kind, action, rule)."""
    if not count:
        return
    entry = db.session.scalar(
        select(DeletionLogEntry).where(
            DeletionLogEntry.run_id == run_id if run_id else DeletionLogEntry.run_id.is_(None),
            DeletionLogEntry.kind == kind,
            DeletionLogEntry.action == action,
            DeletionLogEntry.rule == rule,
        )
    )
    if entry is None or run_id is None:
        entry = DeletionLogEntry(run_id=run_id, kind=kind, action=action, rule=rule, count=0)
        db.session.add(entry)
    entry.count += count
    entry.at = utcnow()


def is_anonymised(person_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(AnonymisedPerson.person_id == person_id))))


def _deactivate_portal_account(person_ids: list[int]) -> None:
    from caseapp.auth.models import User

    for user_id in db.session.scalars(
        select(PortalAccess.user_id).where(
            PortalAccess.person_id.in_(person_ids), PortalAccess.user_id.is_not(None)
        )
    ).all():
        db.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(
                active=False,
                display_name="",
                email=f"anonymised-{user_id}@invalid.example",
                password_hash=None,
                version=User.version + 1,
            )
        )


def anonymise_person(person_id: int, *, rule: str, run_id: int | None = None) -> dict[str, int]:
    """Anonymise one person (flush only); returns {kind: rows emptied or deleted}."""
    if is_anonymised(person_id):
        return {}
    ids = [person_id]
    counts: dict[str, int] = {}
    _deactivate_portal_account(ids)
    # The person's own row last: other holdings find their rows through its contact data.
    for h in reversed(holdings()):
        clause = person_clause(h, ids)
        table = h.sa_table
        if h.on_anonymise == "delete":
            n = db.session.execute(delete(table).where(clause)).rowcount or 0
            action = "deleted"
        elif h.on_anonymise == "clear" and h.free_text:
            values = {c: _blank(table.c[c]) for c in h.free_text}
            for c in h.counted:
                values[c] = case((table.c[c] != "", COUNTED_MARK), else_="")
            if h.kind == "person":
                values.update(birth_month=None, birth_day=None, external_id=None)
            n = db.session.execute(update(table).where(clause).values(**values)).rowcount or 0
            action = "emptied"
        else:
            continue
        if n:
            counts[h.kind] = n
            log(run_id, h.kind, action, rule, n)
    _empty_household_names(person_id)
    db.session.add(AnonymisedPerson(person_id=person_id, rule=rule, run_id=run_id, at=utcnow()))
    log(run_id, "person", "anonymised", rule, 1)
    db.session.flush()
    db.session.expire_all()
    return counts


def _empty_household_names(person_id: int) -> None:
    """A household's name is the family's: emptied once no member is left un-anonymised."""
    from caseapp.people.models import Household

    household_id = db.session.scalar(
        select(HouseholdMember.household_id).where(HouseholdMember.person_id == person_id)
    )
    if household_id is None:
        return
    others = db.session.scalar(
        select(func.count())
        .select_from(HouseholdMember)
        .join(Person, Person.id == HouseholdMember.person_id)
        .where(
            HouseholdMember.household_id == household_id,
            HouseholdMember.person_id != person_id,
            ~exists().where(AnonymisedPerson.person_id == HouseholdMember.person_id),
        )
    )
    if not others:
        db.session.execute(update(Household).where(Household.id == household_id).values(name=""))
