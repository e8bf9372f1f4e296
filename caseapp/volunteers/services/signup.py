"""Public sign-up: a new volunteer account, the address confirmation, expired sign-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from caseapp.audit import services as audit
from caseapp.auth.models import User, UserRole
from caseapp.auth.normalise import normalise_email
from caseapp.auth.passwords import hash_password, password_problems
from caseapp.auth.roles import Role
from caseapp.core.clock import local_today, utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import LANGUAGES, _
from caseapp.volunteers import notifications
from caseapp.volunteers.labels import CONSENT_VERSION
from caseapp.volunteers.models import Volunteer
from caseapp.volunteers.services.profiles import (
    ProfileData,
    _apply_profile,
    _language_codes,
    _validate_profile,
)

CONFIRM_SALT = "volunteer-confirm-email"
CONFIRM_MAX_AGE = timedelta(days=3)


class InvalidLink(ValidationFailed):
    """A confirmation link that is broken or expired (a reason for the link, not a field)."""

    def __init__(self, message: str):
        super().__init__({"token": [message]}, message)


@dataclass
class SignupData(ProfileData):
    email: str = ""
    password: str = ""
    language: str = "de"
    consent: bool = False


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=CONFIRM_SALT)


def confirmation_token(volunteer: Volunteer, secret: str) -> str:
    return _serializer(secret).dumps({"v": volunteer.id, "e": volunteer.user.email})


def _send_confirmation(volunteer: Volunteer, secret: str) -> None:
    token = confirmation_token(volunteer, secret)
    notifications.send(
        volunteer.user.email,
        "confirm",
        volunteer.language,
        name=volunteer.name,
        confirm_url=notifications.external_url("volunteers.confirm", token=token),
        days=CONFIRM_MAX_AGE.days,
    )


def signup(data: SignupData, *, secret: str, today: date | None = None) -> Volunteer | None:
    """Register a new volunteer (not active until the e-mail address is confirmed).

    With an address that already has an account nothing new is created: the existing
    address gets a notice (or, for an unconfirmed sign-up, the link again). Both paths do the
    same work (one password hash, one message queued in the outbox) and the caller shows the
    same page, so neither the form nor its timing reveals who has an account.
    """
    today = today or local_today()
    errors = _validate_profile(data, today, known_languages=_language_codes())
    if data.language not in LANGUAGES:
        errors["language"] = [_("Choose one of the offered languages.")]
    email = normalise_email(data.email)
    problems = password_problems(
        data.password, staff=False, context=(email, email.split("@")[0], data.name)
    )
    if problems:
        errors["password"] = problems
    if not data.consent:
        errors["consent"] = [_("Please agree so that we may store your details.")]
    if errors:
        raise ValidationFailed(errors)

    # Hashed on both paths: answering an address with an account without the ~0.2 s of
    # argon2 would tell by timing which addresses have one.
    password_hash = hash_password(data.password)
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None:
        profile = db.session.scalar(select(Volunteer).where(Volunteer.user_id == existing.id))
        if profile is not None and profile.email_confirmed_at is None:
            _send_confirmation(profile, secret)
        else:
            notifications.send(
                existing.email,
                "duplicate_signup",
                existing.preferred_language or data.language,
                name=existing.display_name,
                login_url=notifications.external_url("auth.login"),
            )
        return None

    user = User(
        email=email,
        display_name=data.name.strip(),
        preferred_language=data.language,
        active=False,  # until the address is confirmed
        password_hash=password_hash,
        password_changed_at=utcnow(),
    )
    user.roles.append(UserRole(role=Role.VOLUNTEER.value))
    db.session.add(user)
    volunteer = Volunteer(user=user, consent_version=CONSENT_VERSION, consent_at=utcnow())
    db.session.add(volunteer)
    _apply_profile(volunteer, data)
    db.session.flush()
    # The visitor is not signed in: the public sign-up has no actor.
    audit.record(
        None,
        "signup",
        "volunteer",
        volunteer.id,
        details={"consent_version": [None, CONSENT_VERSION]},
    )
    _send_confirmation(volunteer, secret)
    return volunteer


def confirm_email(token: str, *, secret: str) -> Volunteer:
    """Activate the account behind a confirmation link (idempotent)."""
    try:
        payload = _serializer(secret).loads(token, max_age=int(CONFIRM_MAX_AGE.total_seconds()))
    except SignatureExpired as error:
        raise InvalidLink(_("This link has expired. Please sign up again.")) from error
    except BadSignature as error:
        raise InvalidLink(_("This link is not valid.")) from error
    volunteer = db.session.get(Volunteer, payload.get("v"))
    if volunteer is None or volunteer.user.email != payload.get("e"):
        raise InvalidLink(_("This link is not valid."))
    if volunteer.email_confirmed_at is None:
        volunteer.email_confirmed_at = utcnow()
        volunteer.user.active = True
        db.session.flush()
        audit.record(volunteer.user, "confirm_email", "volunteer", volunteer.id)
    return volunteer


def purge_unconfirmed(now: datetime) -> int:
    """Delete sign-ups whose address was never confirmed and whose link has expired."""
    stale = db.session.scalars(
        select(Volunteer).where(
            Volunteer.email_confirmed_at.is_(None),
            Volunteer.created_at < now - CONFIRM_MAX_AGE,
        )
    ).all()
    for volunteer in stale:
        user = volunteer.user
        db.session.delete(volunteer)
        if not user.active and user.role_set == {Role.VOLUNTEER}:
            db.session.delete(user)
    db.session.flush()
    return len(stale)
