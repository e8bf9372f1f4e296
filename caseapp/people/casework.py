"""The daily work on a case: status, consultations, next steps, aid, consents, households."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from caseapp.audit import services as audit
from caseapp.core.clock import utcnow
from caseapp.core.errors import DomainError, StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people import consents
from caseapp.people.models import (
    AidEntry,
    AidKind,
    Case,
    CaseNeed,
    CaseStatusChange,
    CaseVulnerability,
    Consultation,
    Household,
    HouseholdMember,
    NextStep,
    Person,
)
from caseapp.people.vocab import (
    CASE_STATUS,
    CLOSE_REASONS,
    CONSULTATION_MODES,
    HOUSEHOLD_ROLES,
    NEED_AREAS,
    VULNERABILITIES,
)

MAX_NOTES = 8000


def _touch(case: Case, **values) -> None:
    """Mark the case as changed without claiming its version.

    Adding a record (a consultation, aid) must not conflict with a colleague adding another
    one to the same case at the same moment; only edits of the case itself are checked
    against the version the form was loaded with. An ORM UPDATE by criteria does not check
    or bump the version column, and updates the loaded object without marking it dirty.
    """
    values["updated_at"] = utcnow()
    db.session.execute(
        update(Case).where(Case.id == case.id).values(**values),
        execution_options={"synchronize_session": "evaluate"},
    )


def _audit(actor, action, case: Case, details=None):
    audit.record(
        actor,
        action,
        "person",
        case.person_id,
        office_id=case.office_id,
        purpose="case_management",
        details=details or {},
    )


def update_case(
    actor,
    case: Case,
    *,
    status: str,
    closed_reason: str,
    caseworker_id: int | None,
    needs: list[str],
    vulnerabilities: list[str],
    loaded_version: int | None,
) -> Case:
    if loaded_version != case.version:
        raise StaleVersion(case)
    errors = {}
    if status not in CASE_STATUS:
        errors["status"] = _("Choose one of the offered values.")
    if status == "closed" and closed_reason not in CLOSE_REASONS:
        errors["closed_reason"] = _("Please give the reason for closing the case.")
    if set(needs) - set(NEED_AREAS):
        errors["needs"] = _("Choose one of the offered values.")
    if set(vulnerabilities) - set(VULNERABILITIES):
        errors["vulnerabilities"] = _("Choose one of the offered values.")
    if errors:
        raise ValidationFailed(errors)
    if case.status != status:
        db.session.add(
            CaseStatusChange(
                case_id=case.id,
                from_status=case.status,
                to_status=status,
                reason=closed_reason if status == "closed" else "",
                by_id=getattr(actor, "id", None),
            )
        )
    case.status = status
    case.closed_reason = closed_reason if status == "closed" else ""
    case.caseworker_id = caseworker_id
    wanted = set(needs)
    for row in list(case.need_rows):
        if row.need not in wanted:
            case.need_rows.remove(row)
    for need in sorted(wanted - {r.need for r in case.need_rows}):
        case.need_rows.append(CaseNeed(need=need))
    wanted = set(vulnerabilities)
    for row in list(case.vulnerability_rows):
        if row.flag not in wanted:
            case.vulnerability_rows.remove(row)
    for flag in sorted(wanted - {r.flag for r in case.vulnerability_rows}):
        case.vulnerability_rows.append(CaseVulnerability(flag=flag))
    case.updated_at = utcnow()
    db.session.flush()
    _audit(actor, "update_case", case)
    return case


@dataclass
class StepData:
    description: str
    due_on: date
    owner_id: int | None


@dataclass
class ConsultationData:
    at: datetime
    duration_minutes: int
    mode: str
    interpreter_language: str = ""
    need_areas: list[str] = field(default_factory=list)
    notes: str = ""
    steps: list[StepData] = field(default_factory=list)


def log_consultation(actor, case: Case, data: ConsultationData, *, office_id: int) -> Consultation:
    errors = {}
    if data.mode not in CONSULTATION_MODES:
        errors["mode"] = _("Choose one of the offered values.")
    if not 1 <= data.duration_minutes <= 600:
        errors["duration_minutes"] = _("Enter a duration between 1 and 600 minutes.")
    if data.at > utcnow() + timedelta(minutes=5):
        errors["at"] = _("A consultation cannot be logged for the future.")
    if len(data.notes) > MAX_NOTES:
        errors["notes"] = _("Use at most %(n)d characters.", n=MAX_NOTES)
    if set(data.need_areas) - set(NEED_AREAS):
        errors["need_areas"] = _("Choose one of the offered values.")
    if errors:
        raise ValidationFailed(errors)
    consultation = Consultation(
        case_id=case.id,
        office_id=office_id,
        caseworker_id=getattr(actor, "id", None),
        at=data.at,
        duration_minutes=data.duration_minutes,
        mode=data.mode,
        interpreter_language=data.interpreter_language,
        need_areas=sorted(set(data.need_areas)),
        notes=data.notes,
    )
    db.session.add(consultation)
    db.session.flush()
    for step in data.steps:
        db.session.add(
            NextStep(
                case_id=case.id,
                consultation_id=consultation.id,
                description=step.description,
                due_on=step.due_on,
                owner_id=step.owner_id,
            )
        )
    if case.status == "open":
        db.session.add(
            CaseStatusChange(
                case_id=case.id,
                from_status="open",
                to_status="active",
                by_id=getattr(actor, "id", None),
            )
        )
        _touch(case, status="active")
    else:
        _touch(case)
    db.session.flush()
    _audit(actor, "log_consultation", case, {"consultation": [None, consultation.id]})
    return consultation


def complete_next_step(actor, step: NextStep) -> None:
    if step.done_at is None:
        step.done_at = utcnow()
        _audit(actor, "complete_next_step", step.case, {"next_step": [None, step.id]})


def due_next_steps(actor, today: date, limit: int = 50) -> list[NextStep]:
    """Open next steps owned by the actor that are due today or overdue."""
    stmt = (
        select(NextStep)
        .where(NextStep.owner_id == actor.id, NextStep.done_at.is_(None), NextStep.due_on <= today)
        .order_by(NextStep.due_on, NextStep.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


# --- aid ---------------------------------------------------------------------------------


class RepeatedAid(DomainError):
    """The same kind of aid went to this household recently; saving needs a reason."""

    def __init__(self, earlier: list[AidEntry]):
        super().__init__("")
        self.earlier = earlier


def recent_aid(person: Person, kind: AidKind, given_on: date) -> list[AidEntry]:
    """Aid of this kind to the person's household (or the person) within the kind's interval,
    from any office."""
    if kind.min_interval_days <= 0:
        return []
    since = given_on - timedelta(days=kind.min_interval_days)
    until = given_on + timedelta(days=kind.min_interval_days)
    household = person.household
    who = (
        (AidEntry.household_id == household.id) if household else (AidEntry.person_id == person.id)
    )
    stmt = (
        select(AidEntry)
        .where(
            who,
            AidEntry.aid_kind_id == kind.id,
            AidEntry.given_on >= since,
            AidEntry.given_on <= until,
        )
        .order_by(AidEntry.given_on.desc())
    )
    return list(db.session.scalars(stmt))


def record_aid(
    actor,
    case: Case,
    *,
    kind_id: int,
    given_on: date,
    value_cents: int,
    note: str,
    override_reason: str,
    office_id: int,
    today: date,
) -> AidEntry:
    kind = db.session.get(AidKind, kind_id)
    errors = {}
    if kind is None or not kind.active:
        errors["kind"] = _("Choose one of the offered values.")
    if given_on > today:
        errors["given_on"] = _("This date cannot be in the future.")
    if value_cents < 0 or value_cents > 10_000_000:
        errors["value"] = _("Enter a value between 0 and 100,000 euros.")
    if errors:
        raise ValidationFailed(errors)
    person = case.person
    earlier = recent_aid(person, kind, given_on)
    if earlier and not override_reason.strip():
        raise RepeatedAid(earlier)
    entry = AidEntry(
        case_id=case.id,
        person_id=person.id,
        household_id=person.household.id if person.household else None,
        aid_kind_id=kind.id,
        office_id=office_id,
        given_on=given_on,
        value_cents=value_cents,
        note=note,
        override_reason=override_reason.strip() if earlier else "",
        recorded_by_id=getattr(actor, "id", None),
    )
    db.session.add(entry)
    _touch(case)
    db.session.flush()
    _audit(actor, "record_aid", case, {"aid": [None, entry.id]})
    return entry


def add_aid_kind(
    actor, *, name_de: str, name_ar: str, name_tr: str, min_interval_days: int
) -> AidKind:
    """A new kind of aid (administrators); the German name is unique."""
    if db.session.scalar(select(AidKind.id).where(AidKind.name_de == name_de)):
        raise ValidationFailed({"name_de": _("This kind of aid already exists.")})
    kind = AidKind(
        name_de=name_de, name_ar=name_ar, name_tr=name_tr, min_interval_days=min_interval_days
    )
    db.session.add(kind)
    db.session.flush()
    return kind


# --- consents (caseapp/people/consents.py; re-exported where callers know them) ------------

record_consent = consents.record_consent
withdraw_consent = consents.withdraw_consent


# --- households --------------------------------------------------------------------------


def link_household(
    actor, person: Person, other: Person, *, role: str, other_role: str
) -> Household:
    """Put `person` into `other`'s household (created around `other` if needed)."""
    if role not in HOUSEHOLD_ROLES or other_role not in HOUSEHOLD_ROLES:
        raise ValidationFailed({"role": _("Choose one of the offered values.")})
    if person.id == other.id:
        raise ValidationFailed({"other": _("Choose another person.")})
    if person.office_id != other.office_id:
        raise ValidationFailed({"other": _("Both persons must belong to the same office.")})
    household = other.household
    if household is None:
        household = Household(office_id=other.office_id, name=other.family_name)
        db.session.add(household)
        db.session.flush()
        db.session.add(
            HouseholdMember(household_id=household.id, person_id=other.id, role=other_role)
        )
        db.session.flush()
        db.session.refresh(other)  # so the next link to `other` finds this household
    if person.membership is not None:
        if person.membership.household_id == household.id:
            person.membership.role = role
            return household
        db.session.delete(person.membership)
        db.session.flush()
    db.session.add(HouseholdMember(household_id=household.id, person_id=person.id, role=role))
    db.session.flush()
    db.session.refresh(person)
    db.session.refresh(household)
    audit.record(
        actor,
        "link_household",
        "person",
        person.id,
        office_id=person.office_id,
        details={"household": [None, household.id]},
    )
    return household


def leave_household(actor, person: Person) -> None:
    if person.membership is not None:
        household_id = person.membership.household_id
        db.session.delete(person.membership)
        audit.record(
            actor,
            "leave_household",
            "person",
            person.id,
            office_id=person.office_id,
            details={"household": [household_id, None]},
        )
