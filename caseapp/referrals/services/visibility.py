"""Who may see what: a referral belongs to the office that sent it and, once sent, to the
office it went to; the lists, counts and latest answers follow from that."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import lazyload

from caseapp.audit import services as audit
from caseapp.auth import scope
from caseapp.core.errors import NotFound
from caseapp.extensions import db
from caseapp.referrals.models import Referral, ReferralEvent


def side(actor, referral: Referral) -> str:
    """'sender', 'receiver' or '' (an administrator counts as the sender)."""
    if actor.is_admin:
        return "sender"
    offices = scope.own_office_ids(actor)
    if referral.from_office_id in offices:
        return "sender"
    if referral.to_office_id in offices and referral.status != "draft":
        return "receiver"
    return ""


def get_referral(actor, referral_id: int, *, audit_read: bool = True) -> Referral:
    """The referral if the actor's office sent or received it; anyone else gets NotFound."""
    referral = db.session.get(Referral, referral_id)
    if referral is None or not side(actor, referral):
        raise NotFound()
    if audit_read:
        audit.record(
            actor,
            "view",
            "referral",
            referral.id,
            office_id=scope.first_own_office(actor),
            purpose="referral",
            details={"person": [None, referral.person_id]},
        )
    return referral


def visible_query(actor, box: str) -> Select:
    """Referrals sent by ('outgoing') or addressed to ('incoming') the actor's offices."""
    stmt = select(Referral)
    if box == "incoming":
        return scope.scoped(stmt.where(Referral.status != "draft"), Referral.to_office_id, actor)
    return scope.scoped(stmt, Referral.from_office_id, actor)


def status_condition(status: str, now: datetime):
    """The condition of a status filter of the referral lists (None: no filter)."""
    if status == "new":
        return and_(
            Referral.status == "sent",
            or_(Referral.respond_by.is_(None), Referral.respond_by >= now),
        )
    if status == "overdue":
        return and_(Referral.status == "sent", Referral.respond_by < now)
    if status == "in_progress":
        return Referral.status.in_(("accepted", "in_progress"))
    if status == "done":
        return Referral.status.in_(("completed", "closed", "declined", "cancelled"))
    return None


def filter_query(stmt: Select, status: str, now: datetime) -> Select:
    condition = status_condition(status, now)
    return stmt if condition is None else stmt.where(condition)


COUNTED = ("new", "overdue", "in_progress")


def counts_for(actor, now: datetime) -> dict[str, int]:
    """The start page's incoming counts, in one statement (a count with a filter each)."""
    stmt = visible_query(actor, "incoming").with_only_columns(
        *(func.count(Referral.id).filter(status_condition(key, now)).label(key) for key in COUNTED)
    )
    row = db.session.execute(stmt).one()
    return {key: getattr(row, key) or 0 for key in COUNTED}


def recent_updates(actor, limit: int = 8) -> list[ReferralEvent]:
    """Closed loop: the latest steps the receiving offices took on the actor's referrals."""
    stmt = (
        select(ReferralEvent)
        .join(Referral, Referral.id == ReferralEvent.referral_id)
        .where(
            ReferralEvent.to_status.in_(
                ("accepted", "declined", "in_progress", "completed", "closed", "overdue")
            ),
        )
        .order_by(ReferralEvent.at.desc(), ReferralEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(scope.own(stmt, Referral.from_office_id, actor)))


def referrals_of_person(person_id: int) -> list[Referral]:
    return list(
        db.session.scalars(
            select(Referral)
            .where(Referral.person_id == person_id)
            .options(lazyload(Referral.person))  # the caller has the person
            .order_by(Referral.id.desc())
        )
    )
