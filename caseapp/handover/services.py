"""Caseload handover: a caseworker's open cases, open next steps and upcoming appointments
go to colleagues of the same office, in one transaction, audited, each new owner told once.

The preview and the confirmation compare a fingerprint of the caseload, so a case closed or a
step done in between leads to the shared conflict page instead of a half-understood handover.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from caseapp.appointments.models import SCHEDULED, Appointment
from caseapp.audit import services as audit
from caseapp.audit.models import ACTION_LABELS
from caseapp.auth import scope
from caseapp.auth.models import OfficeMembership, User, UserRole
from caseapp.auth.roles import Role
from caseapp.core.errors import StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.handover.models import APPOINTMENT, CASE, STEP, Handover, HandoverItem
from caseapp.i18n import DEFAULT_LANGUAGE, _, _l
from caseapp.people.models import Case, NextStep

ACTION_LABELS.update(
    {
        "handover": _l("caseload handed over"),
        "handover_case": _l("case handed over"),
        "handover_step": _l("next step handed over"),
        "handover_appointment": _l("appointment handed over"),
    }
)


# Open, active and on hold are all open work; only a closed case stays with its caseworker.
CLOSED = "closed"


@dataclass
class Caseload:
    """What one caseworker still has to do, as the actor may see it."""

    cases: list[Case] = field(default_factory=list)
    steps: list[NextStep] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)

    def items(self) -> list[tuple[str, object]]:
        return [
            *((CASE, c) for c in self.cases),
            *((STEP, s) for s in self.steps),
            *((APPOINTMENT, a) for a in self.appointments),
        ]

    @property
    def empty(self) -> bool:
        return not (self.cases or self.steps or self.appointments)


def field_name(kind: str, record) -> str:
    return f"{kind}_{record.id}"


def office_of(kind: str, record) -> int:
    if kind == STEP:
        return record.case.office_id
    return record.office_id


def caseworkers(actor) -> list[User]:
    """Active caseworkers of the offices the actor may see (whose caseload can move)."""
    stmt = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.CASEWORKER.value)
    )
    offices = scope.visible_office_ids(actor)
    if offices is not None:
        stmt = stmt.where(
            User.memberships.any(OfficeMembership.office_id.in_(offices or frozenset({0})))
        )
    return list(db.session.scalars(stmt.order_by(User.display_name, User.id)).unique())


def load_caseload(actor, owner: User, now: datetime) -> Caseload:
    cases = db.session.scalars(
        scope.scoped(
            select(Case).where(Case.caseworker_id == owner.id, Case.status != CLOSED),
            Case.office_id,
            actor,
        ).order_by(Case.case_number)
    ).all()
    steps = db.session.scalars(
        scope.scoped(
            select(NextStep)
            .join(Case, Case.id == NextStep.case_id)
            .where(NextStep.owner_id == owner.id, NextStep.done_at.is_(None)),
            Case.office_id,
            actor,
        ).order_by(NextStep.due_on, NextStep.id)
    ).all()
    appointments = db.session.scalars(
        scope.scoped(
            select(Appointment).where(
                Appointment.caseworker_id == owner.id,
                Appointment.status == SCHEDULED,
                Appointment.starts_at >= now,
            ),
            Appointment.office_id,
            actor,
        ).order_by(Appointment.starts_at, Appointment.id)
    ).all()
    return Caseload(list(cases), list(steps), list(appointments))


def find_item(actor, kind: str, record_id: int):
    """One previewed item as it is now (for the conflict page), if the actor may see it."""
    model = {CASE: Case, STEP: NextStep, APPOINTMENT: Appointment}.get(kind)
    record = db.session.get(model, record_id) if model else None
    if record is None or not scope.can_see(actor, office_of(kind, record)):
        return None
    return record


def fingerprint(caseload: Caseload) -> str:
    """Changes whenever an item is added, leaves the caseload or is edited (its version)."""
    parts = []
    for kind, record in caseload.items():
        version = getattr(record, "version", None)
        extra = f"{version}" if version is not None else f"{record.owner_id}:{record.due_on}"
        parts.append(f"{kind}:{record.id}:{extra}")
    return hashlib.sha256("|".join(sorted(parts)).encode()).hexdigest()


def colleagues(owner: User, caseload: Caseload) -> dict[int, list[User]]:
    """Office id -> active caseworkers of that office who could take its items (not the owner)."""
    offices = {office_of(kind, record) for kind, record in caseload.items()}
    if not offices:
        return {}
    users = db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            UserRole.role == Role.CASEWORKER.value,
            User.active.is_(True),
            User.id != owner.id,
            User.memberships.any(OfficeMembership.office_id.in_(offices)),
        )
        .order_by(User.display_name, User.id)
    ).unique()
    by_office: dict[int, list[User]] = {office: [] for office in offices}
    for user in users:
        for office in user.office_ids & offices:
            by_office[office].append(user)
    return by_office


def suggest(caseload: Caseload, eligible: dict[int, list[User]], chosen: set[int]) -> dict:
    """A first assignment: round-robin per office among the chosen colleagues (or all of the
    office's, if none of the chosen work there); a case's own steps and appointments follow it.
    """
    turn: Counter = Counter()
    case_owner: dict[int, int] = {}
    out: dict[str, int] = {}

    def pick(office: int) -> int | None:
        pool = [u.id for u in eligible.get(office, []) if u.id in chosen] or [
            u.id for u in eligible.get(office, [])
        ]
        if not pool:
            return None
        user_id = pool[turn[office] % len(pool)]
        turn[office] += 1
        return user_id

    case_of_person = {c.person_id: c.id for c in caseload.cases}
    for kind, record in caseload.items():
        if kind == CASE:
            target = pick(record.office_id)
            if target is not None:
                case_owner[record.id] = target
        else:
            case_id = record.case_id if kind == STEP else case_of_person.get(record.person_id)
            target = case_owner.get(case_id) or pick(office_of(kind, record))
        if target is not None:
            out[field_name(kind, record)] = target
    return out


def hand_over(
    actor,
    owner: User,
    assignments: dict[str, int | None],
    seen: str,
    now: datetime,
) -> Handover:
    """Move every item of the caseload to its assigned colleague; see the module docstring."""
    caseload = load_caseload(actor, owner, now)
    if fingerprint(caseload) != seen:
        raise StaleVersion(caseload)
    if caseload.empty:
        raise ValidationFailed({"owner": [_("There is nothing to hand over.")]})
    eligible = colleagues(owner, caseload)
    errors: dict[str, list[str]] = {}
    targets: dict[int, User] = {}
    for kind, record in caseload.items():
        name = field_name(kind, record)
        allowed = {u.id: u for u in eligible.get(office_of(kind, record), [])}
        user_id = assignments.get(name)
        if user_id not in allowed:
            errors[name] = [_("Choose a colleague of the same office.")]
        else:
            targets[user_id] = allowed[user_id]
    if errors:
        raise ValidationFailed(errors)

    handover = Handover(
        from_user_id=owner.id,
        by_id=getattr(actor, "id", None),
        created_at=now,
        cases=len(caseload.cases),
        steps=len(caseload.steps),
        appointments=len(caseload.appointments),
    )
    db.session.add(handover)
    per_target: dict[int, Counter] = {}
    for kind, record in caseload.items():
        to_id = assignments[field_name(kind, record)]
        per_target.setdefault(to_id, Counter())[kind] += 1
        handover.items.append(HandoverItem(kind=kind, record_id=record.id, to_user_id=to_id))
        if kind == CASE:
            record.caseworker_id = to_id
            person_id = record.person_id
        elif kind == STEP:
            record.owner_id = to_id
            person_id = record.case.person_id
        else:
            record.caseworker_id = to_id
            person_id = record.person_id
        audit.record(
            actor,
            f"handover_{kind}",
            "person",
            person_id,
            office_id=office_of(kind, record),
            details={"id": record.id, "from": owner.id, "to": to_id},
        )
    db.session.flush()
    audit.record(
        actor,
        "handover",
        "user",
        owner.id,
        details={
            "handover": handover.id,
            "to": {str(k): dict(v) for k, v in sorted(per_target.items())},
        },
    )
    for to_id, counts in sorted(per_target.items()):
        _notify(targets[to_id], owner, actor, handover, counts)
    return handover


def _notify(target: User, owner: User, actor, handover: Handover, counts: Counter) -> None:
    """One e-mail per new owner, with counts only (no names of newcomers in e-mail)."""
    from caseapp.outbox.links import external_url
    from caseapp.outbox.services import enqueue_template

    enqueue_template(
        target.email,
        "handover/email_assigned",
        target.preferred_language or DEFAULT_LANGUAGE,
        dedupe_key=f"handover:{handover.id}:{target.id}",
        owner=owner,
        actor=actor,
        cases=counts[CASE],
        steps=counts[STEP],
        appointments=counts[APPOINTMENT],
        link=external_url("dashboard.home"),
    )


def recent(limit: int = 20) -> list[Handover]:
    """The latest handovers, newest first."""
    return list(
        db.session.scalars(
            select(Handover).order_by(Handover.created_at.desc(), Handover.id.desc()).limit(limit)
        )
    )
