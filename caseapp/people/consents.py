"""Consents: recording and withdrawing them, and which consent is valid for a purpose today.

A consent is valid on a day when it is not withdrawn and has not expired (`valid_until`).
What depends on a consent asks here: referrals (which data may go to which office) and the
matching waiting list (volunteer_matching).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, exists, or_, select

from caseapp.audit import services as audit
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people.models import Case, Consent
from caseapp.people.vocab import CONSENT_FORMS, CONSENT_PURPOSES, DATA_CATEGORIES

MAX_NOTE = 500


def _audit(actor, action: str, case: Case, details: dict) -> None:
    audit.record(
        actor,
        action,
        "person",
        case.person_id,
        office_id=case.office_id,
        purpose="case_management",
        details=details,
    )


def record_consent(
    actor,
    case: Case,
    *,
    purpose: str,
    receiving_office_id: int | None,
    scope: str,
    given_on: date,
    form: str,
    today: date,
    categories: Iterable[str] = (),
    valid_until: date | None = None,
) -> Consent:
    """Record a consent; `categories` is what it covers, `scope` an optional note on that."""
    categories = list(dict.fromkeys(categories))
    errors = {}
    if purpose not in CONSENT_PURPOSES:
        errors["purpose"] = _("Choose one of the offered values.")
    if form not in CONSENT_FORMS:
        errors["form"] = _("Choose one of the offered values.")
    if set(categories) - set(DATA_CATEGORIES):
        errors["categories"] = _("Choose one of the offered values.")
    if len(scope or "") > MAX_NOTE:
        errors["scope"] = _("Use at most %(n)d characters.", n=MAX_NOTE)
    if given_on > today:
        errors["given_on"] = _("This date cannot be in the future.")
    if valid_until is not None and valid_until < given_on:
        errors["valid_until"] = _("A consent cannot end before the day it was given.")
    if purpose == "referral" and not receiving_office_id:
        errors["receiving_office"] = _("Sharing needs the office that receives the data.")
    if errors:
        raise ValidationFailed(errors)
    consent = Consent(
        person_id=case.person_id,
        purpose=purpose,
        receiving_office_id=receiving_office_id,
        categories=[c for c in DATA_CATEGORIES if c in categories],
        scope=scope or "",
        given_on=given_on,
        valid_until=valid_until,
        form=form,
        recorded_by_id=getattr(actor, "id", None),
    )
    db.session.add(consent)
    db.session.flush()
    _audit(actor, "record_consent", case, {"consent": [None, consent.id]})
    return consent


def withdraw_consent(actor, case: Case, consent_id: int, today: date) -> None:
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.person_id != case.person_id:
        raise NotFound()
    if consent.withdrawn_on is None:
        consent.withdrawn_on = today
        _audit(actor, "withdraw_consent", case, {"consent": [consent.id, None]})


def _valid_on(today: date) -> list[ColumnElement[bool]]:
    """Not withdrawn and not expired on `today` (the SQL form of Consent.state)."""
    return [
        Consent.withdrawn_on.is_(None),
        or_(Consent.valid_until.is_(None), Consent.valid_until >= today),
    ]


def consented(person_id, purpose: str, today: date) -> ColumnElement[bool]:
    """A WHERE clause: the person (an id or an id column) has a valid consent for `purpose`."""
    return exists().where(
        Consent.person_id == person_id, Consent.purpose == purpose, *_valid_on(today)
    )


def has_consent(person_id: int, purpose: str, today: date) -> bool:
    return bool(db.session.scalar(select(consented(person_id, purpose, today))))


def sharing_consent(person_id: int, office_id: int, today: date) -> Consent | None:
    """The consent that decides what may be shared with `office_id` today: the newest valid
    consent to share that names this office or none (any office). A newer consent replaces
    an older one's scope: the person's latest decision counts."""
    return db.session.scalar(
        select(Consent)
        .where(
            Consent.person_id == person_id,
            Consent.purpose == "referral",
            or_(Consent.receiving_office_id == office_id, Consent.receiving_office_id.is_(None)),
            *_valid_on(today),
        )
        .order_by(Consent.given_on.desc(), Consent.id.desc())
        .limit(1)
    )
