"""Erasure on request (four eyes), legal holds, and requests for a copy of one's data.

Services take the acting account and flush only; views and the CLI commit.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import lazyload

from caseapp.audit import services as audit
from caseapp.auth import scope
from caseapp.auth.roles import Role
from caseapp.core.clock import utcnow
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people.models import Case, CaseStatusChange, Person
from caseapp.privacy.models import ErasureRequest, ExportRequest, LegalHold
from caseapp.privacy.retention.anonymise import anonymise_person, is_anonymised

MAX_REASON = 300


def _audit(actor, action: str, person: Person, details: dict | None = None) -> None:
    audit.record(
        actor,
        action,
        "person",
        person.id,
        office_id=person.office_id,
        purpose="data_protection",
        details=details or {},
    )


def visible_person(actor, person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    if person is None or not scope.can_see_for_data_protection(actor, person.office_id):
        raise NotFound()
    return person


# --- legal holds --------------------------------------------------------------------------


def active_hold(case_id: int) -> LegalHold | None:
    return db.session.scalar(
        select(LegalHold)
        .where(LegalHold.case_id == case_id, LegalHold.lifted_at.is_(None))
        .options(lazyload(LegalHold.case))  # the caller has the case
    )


def set_hold(actor, person: Person, reason: str) -> LegalHold:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("This field is required.")})
    if len(reason) > MAX_REASON:
        raise ValidationFailed({"reason": _("Use at most %(n)d characters.", n=MAX_REASON)})
    if person.case is None:
        raise NotFound()
    hold = active_hold(person.case.id)
    if hold is None:
        hold = LegalHold(case_id=person.case.id, reason=reason, set_by_id=actor.id, set_at=utcnow())
        db.session.add(hold)
        db.session.flush()
        _audit(actor, "legal_hold.set", person, {"legal_hold": [None, hold.id]})
    return hold


def lift_hold(actor, person: Person) -> None:
    hold = active_hold(person.case.id) if person.case else None
    if hold is None:
        return  # nothing on hold (any more): lifting twice is harmless
    hold.lifted_at, hold.lifted_by_id = utcnow(), actor.id
    _audit(actor, "legal_hold.lift", person, {"legal_hold": [hold.id, None]})


# --- erasure on request (four eyes) --------------------------------------------------------


def request_erasure(actor, person: Person, reason: str) -> ErasureRequest:
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationFailed({"reason": _("Use at most %(n)d characters.", n=500)})
    if is_anonymised(person.id):
        raise ValidationFailed({"reason": _("This person's data has already been anonymised.")})
    open_request = db.session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.person_id == person.id, ErasureRequest.status == "requested"
        )
    )
    if open_request is not None:
        return open_request
    request = ErasureRequest(
        person_id=person.id,
        office_id=person.office_id,
        reason=reason,
        requested_by_id=actor.id,
        requested_at=utcnow(),
    )
    db.session.add(request)
    db.session.flush()
    _audit(actor, "erasure.request", person, {"erasure_request": [None, request.id]})
    return request


def _open_request(actor, request_id: int) -> ErasureRequest:
    request = db.session.get(ErasureRequest, request_id)
    if request is None or not scope.can_see_for_data_protection(actor, request.office_id):
        raise NotFound()
    if request.status != "requested":
        raise ValidationFailed({"confirm": _("This request has already been decided.")})
    return request


def confirm_erasure(actor, request_id: int) -> ErasureRequest:
    """The second pair of eyes: another account with the data-protection permission. The
    person (and the records merged into them) are anonymised now; an open case is closed."""
    request = _open_request(actor, request_id)
    if not actor.has_role(Role.DATA_PROTECTION):
        raise ValidationFailed({"confirm": _("Only the data-protection officer can confirm.")})
    if request.requested_by_id == actor.id:
        raise ValidationFailed(
            {"confirm": _("Another account must confirm an erasure you requested.")}
        )
    person = request.person
    if person.case is not None and active_hold(person.case.id) is not None:
        raise ValidationFailed({"confirm": _("The case is on legal hold; it cannot be erased.")})
    case = person.case
    if case is not None and case.status != "closed":
        db.session.add(
            CaseStatusChange(
                case_id=case.id,
                from_status=case.status,
                to_status="closed",
                reason="other",
                at=utcnow(),
                by_id=actor.id,
            )
        )
        case.status, case.closed_reason = "closed", "other"
    request.status, request.decided_at, request.decided_by_id = "confirmed", utcnow(), actor.id
    _audit(actor, "erasure.confirm", person, {"erasure_request": [request.id, "confirmed"]})
    db.session.flush()
    merged = db.session.scalars(select(Person.id).where(Person.merged_into_id == person.id)).all()
    for person_id in [person.id, *merged]:
        anonymise_person(person_id, rule="erasure")
    return request


def reject_erasure(actor, request_id: int) -> ErasureRequest:
    request = _open_request(actor, request_id)
    if not actor.has_role(Role.DATA_PROTECTION):
        raise ValidationFailed({"confirm": _("Only the data-protection officer can confirm.")})
    request.status, request.decided_at, request.decided_by_id = "rejected", utcnow(), actor.id
    _audit(actor, "erasure.reject", request.person, {"erasure_request": [request.id, "rejected"]})
    return request


def erasure_requests(actor, status: str = "requested") -> list[ErasureRequest]:
    stmt = select(ErasureRequest).where(ErasureRequest.status == status)
    stmt = scope.within(stmt, ErasureRequest.office_id, scope.data_protection_office_ids(actor))
    return list(db.session.scalars(stmt.order_by(ErasureRequest.requested_at.desc()).limit(200)))


# --- requests for a copy (art. 15) ---------------------------------------------------------


def request_export(actor, person: Person, *, via: str) -> ExportRequest:
    """Queue a request for the person's caseworker; a second one while open is the same."""
    pending = db.session.scalar(
        select(ExportRequest).where(
            ExportRequest.person_id == person.id, ExportRequest.status == "open"
        )
    )
    if pending is not None:
        return pending
    request = ExportRequest(
        person_id=person.id,
        office_id=person.office_id,
        via=via,
        requested_by_id=getattr(actor, "id", None),
        requested_at=utcnow(),
    )
    db.session.add(request)
    db.session.flush()
    _audit(actor, "export.request", person, {"export_request": [None, request.id]})
    return request


def open_export_requests(actor) -> list[ExportRequest]:
    stmt = select(ExportRequest).where(ExportRequest.status == "open")
    stmt = scope.within(stmt, ExportRequest.office_id, scope.data_protection_office_ids(actor))
    return list(db.session.scalars(stmt.order_by(ExportRequest.requested_at).limit(200)))


def mark_exports_done(actor, person_ids: list[int]) -> int:
    rows = db.session.scalars(
        select(ExportRequest).where(
            ExportRequest.person_id.in_(person_ids), ExportRequest.status == "open"
        )
    ).all()
    for row in rows:
        row.status, row.done_at, row.done_by_id = "done", utcnow(), getattr(actor, "id", None)
    return len(rows)


def has_open_export_request(person_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(ExportRequest.person_id == person_id, ExportRequest.status == "open")
            )
        )
    )


def case_of(person: Person) -> Case | None:
    return person.case
