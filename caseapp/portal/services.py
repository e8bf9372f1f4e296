"""Access codes (random, hashed, expiring, renewable), portal sign-in with throttling,
the newcomer's language and reminder contact.

The portal reuses the staff session mechanism: the first code issued for a person creates a
newcomer account (role "newcomer", no password, an address under .invalid that cannot receive
mail) linked to the person through PortalAccess.user_id. Signing in with case number and code
starts an ordinary server-side UserSession, so logout, idle and absolute timeouts, and
deactivation all work as for staff.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from caseapp.audit import services as audit
from caseapp.auth.models import User, UserRole
from caseapp.auth.passwords import hash_password, verify_password
from caseapp.auth.roles import Role
from caseapp.core.errors import DomainError, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _, ascii_digits, current_language
from caseapp.matches.services import companions_for
from caseapp.people.models import Case, Person
from caseapp.portal.access import access_for, newcomer_language
from caseapp.portal.models import PortalAccess
from caseapp.web import throttle

# No 0/O, 1/I/L: codes are read from paper and typed on a phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
PORTAL_LANGUAGES = ("de", "ar", "tr")
PORTAL = "portal"  # the throttle's kind for portal sign-in, keyed by case number


class PortalThrottled(throttle.Throttled):
    """Too many failures for this case number from this address; wait and try again."""


class PortalLoginFailed(DomainError):
    """Unknown case number or wrong code: deliberately the same message for both."""


class PortalCodeExpired(DomainError):
    """The code was right but has expired (only said after a correct code)."""


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _i in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(value: str | None) -> str:
    """The code as issued, however it was typed: lower case, without or with other dashes,
    spaces, Arabic-Indic digits."""
    raw = re.sub(r"[^A-Za-z0-9]", "", ascii_digits(value or "")).upper()
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


# L + two-digit year + six characters (L26-4YQ3R6), as people.services.new_case_number makes.
_CASE_NUMBER = re.compile(r"(L\d\d)([A-Z0-9]{6})")
# Spaces, dashes of every kind, dots and slashes, and invisible direction marks from pasting.
_CASE_NOISE = re.compile(r"[\s\-_./\u2010-\u2015\u061c\u200b-\u200f\u2066-\u2069]")


def normalise_case_number(value: str | None) -> str:
    """The case number as printed, however it was typed: "l26 4yq3r6", "L264YQ3R6",
    "L٢٦-٤YQ٣R٦" all become "L26-4YQ3R6"."""
    compact = re.sub(_CASE_NOISE, "", ascii_digits(value or "")).upper()
    number = _CASE_NUMBER.fullmatch(compact)
    if number:
        return f"{number.group(1)}-{number.group(2)}"
    return compact[:40]


def access_for_user(user) -> PortalAccess | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(PortalAccess).where(PortalAccess.user_id == user.id))


def _ensure_account(access: PortalAccess, person: Person, language: str) -> User:
    if access.user is not None:
        return access.user
    case_number = person.case.case_number.lower()
    user = User(
        email=f"{case_number}@portal.invalid",
        display_name=person.given_name or person.case.case_number,
        password_hash=None,
        preferred_language=language,
        active=True,
    )
    user.roles.append(UserRole(role=Role.NEWCOMER.value))
    db.session.add(user)
    db.session.flush()
    access.user_id = user.id
    access.user = user
    return user


def issue_code(actor, person: Person, *, now: datetime, valid_days: int) -> str:
    """A new random access code for the person; any earlier code stops working at once."""
    access = access_for(person.id)
    if access is None:
        access = PortalAccess(person_id=person.id, language="")
        db.session.add(access)
        db.session.flush()
    language = newcomer_language(person, access)
    user = _ensure_account(access, person, language)
    if not user.active:
        user.active = True
    code = new_code()
    access.code_hash = hash_password(code)
    access.code_issued_at = now
    access.code_expires_at = now + timedelta(days=valid_days)
    access.issued_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        actor,
        "issue_access_code",
        "person",
        person.id,
        office_id=person.office_id,
        purpose="portal",
    )
    return code


def code_matches(access: PortalAccess | None, code: str) -> bool:
    return bool(access and access.code_hash and verify_password(access.code_hash, code))


def authenticate(
    case_number: str, code: str, ip_address: str | None, policy: throttle.Policy, now: datetime
) -> User:
    """The newcomer account for this case number and code, or PortalLoginFailed/Throttled.

    A failure is counted in the session: the caller commits it although the sign-in failed.
    """
    number = normalise_case_number(case_number)
    wait = throttle.wait_before(PORTAL, number, ip_address, policy, now)
    if wait:
        raise PortalThrottled(
            wait,
            _(
                "Too many attempts. Please wait %(wait)s and try again.",
                wait=throttle.wait_words(wait),
            ),
        )
    case = db.session.scalar(select(Case).where(Case.case_number == number))
    access = access_for(case.person_id) if case is not None else None
    # verify_password runs a hash even without a stored code, so timing says nothing either.
    ok = verify_password(access.code_hash if access else None, normalise_code(code))
    if not ok or access is None or case.person.merged_into_id is not None:
        throttle.failed(PORTAL, number, ip_address, now)
        raise PortalLoginFailed(_("The case number or access code is not correct."))
    if access.code_expires_at is None or access.code_expires_at <= now:
        raise PortalCodeExpired(
            _("This access code has expired. Please ask your office for a new one.")
        )
    user = access.user
    if user is None or not user.active:
        throttle.failed(PORTAL, number, ip_address, now)
        raise PortalLoginFailed(_("The case number or access code is not correct."))
    # This address starts clean for this case number; other addresses' failures stay counted.
    throttle.succeeded(PORTAL, number, ip_address)
    audit.record(user, "portal_sign_in", "person", case.person_id, office_id=case.office_id)
    return user


def person_for(user) -> Person | None:
    access = access_for_user(user)
    if access is None or access.person.merged_into_id is not None:
        return None
    return access.person


def save_contact(user, *, email: str, phone: str, consent: bool, now: datetime) -> PortalAccess:
    """The newcomer's own e-mail/phone for reminders; without consent both are removed."""
    access = access_for_user(user)
    if access is None:
        raise ValidationFailed({"email": _("Your portal access is not set up.")})
    if (email or phone) and not consent:
        raise ValidationFailed(
            {
                "consent": _(
                    "Please agree that we may send you reminders, or leave both fields empty."
                )
            }
        )
    before = (access.reminder_email, access.reminder_phone)
    access.reminder_email = email if consent else ""
    access.reminder_phone = phone if consent else ""
    access.reminder_consent_at = now if consent and (email or phone) else None
    if before != (access.reminder_email, access.reminder_phone):
        audit.record(
            user,
            "update_reminder_contact",
            "person",
            access.person_id,
            office_id=access.person.office_id,
            purpose="portal",
            details={"contact": ["…", "…"]},
        )
    return access


def ambassador_for(person: Person):
    """Hook for the matching domain: the newcomer's current ambassador/Kümmerer, if any.

    An object with `name` (first name only), `programme` and `contact` (the contact agreed
    for the match) — nothing else — or None.
    """
    found = companions_for(person.id, current_language())
    return found[0] if found else None
