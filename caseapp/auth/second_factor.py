"""The second factor (TOTP, RFC 6238): enrolment, the sign-in step, recovery codes, the
per-role policy and the administrators' reset (four eyes when the account is an administrator).

Services take the acting user and the time explicitly; they only flush. The sign-in step is
throttled by `web/throttle.py` with the password step's policy under its own kind, so a
wrong code costs exactly what a wrong password costs.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update

from caseapp.audit import services as audit
from caseapp.audit.models import ACTION_LABELS
from caseapp.auth import totp
from caseapp.auth.models import User
from caseapp.auth.roles import Role
from caseapp.auth.second_factor_models import (
    RecoveryCode,
    SecondFactor,
    SecondFactorPolicy,
    SecondFactorReset,
)
from caseapp.auth.services import end_all_sessions
from caseapp.core.clock import utcnow
from caseapp.core.errors import DomainError, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _, _l
from caseapp.web import throttle

KIND = "second_factor"  # the throttle's kind for the sign-in step (TOTP and recovery codes)

REQUIRED = "required"
RECOMMENDED = "recommended"
OPTIONAL = "optional"
LEVELS = (REQUIRED, RECOMMENDED, OPTIONAL)
LEVEL_LABELS = {
    REQUIRED: _l("required"),
    RECOMMENDED: _l("recommended"),
    OPTIONAL: _l("optional"),
}
# Roles that sign in at /login (newcomers use the portal's case number and access code).
POLICY_ROLES = (
    Role.ADMIN,
    Role.DATA_PROTECTION,
    Role.REPORTS,
    Role.COORDINATOR,
    Role.CASEWORKER,
    Role.VOLUNTEER,
)
DEFAULTS = {
    Role.ADMIN: REQUIRED,
    Role.DATA_PROTECTION: REQUIRED,
    Role.REPORTS: REQUIRED,
    Role.COORDINATOR: RECOMMENDED,
    Role.CASEWORKER: RECOMMENDED,
    Role.VOLUNTEER: OPTIONAL,
}
_STRENGTH = {OPTIONAL: 0, RECOMMENDED: 1, REQUIRED: 2}

# The audit page's words for what this module writes (the audit package keeps the table).
ACTION_LABELS.update(
    {
        "second_factor_enrolled": _l("second factor set up"),
        "second_factor_removed": _l("second factor turned off"),
        "second_factor_refused": _l("second factor refused"),
        "second_factor_throttled": _l("second factor: too many attempts"),
        "second_factor_recovery_used": _l("signed in with a recovery code"),
        "second_factor_new_recovery_codes": _l("new recovery codes"),
        "second_factor_reset": _l("second factor reset by administrator"),
        "second_factor_reset_requested": _l("second factor reset requested"),
        "second_factor_policy": _l("second factor requirements changed"),
    }
)


class SecondFactorThrottled(throttle.Throttled):
    """Too many wrong codes for this account from this address: wait (no lockout)."""


class SecondFactorFailed(DomainError):
    """A wrong, replayed or used code."""


# --- the policy ---------------------------------------------------------------------------


def policy_levels(*, defaults_apply: bool) -> dict[Role, str]:
    """Each role's level: the administrator's saved choice, else the default.

    Outside production (`defaults_apply` False: the demo, the tests) a default "required"
    counts as "recommended", so nobody is sent to set up a second factor that no administrator
    asked for; a saved choice applies everywhere (docs/security.md).
    """
    saved = {row.role: row.level for row in db.session.scalars(select(SecondFactorPolicy))}
    levels = {}
    for role in POLICY_ROLES:
        if role.value in saved:
            levels[role] = saved[role.value]
        elif DEFAULTS[role] == REQUIRED and not defaults_apply:
            levels[role] = RECOMMENDED
        else:
            levels[role] = DEFAULTS[role]
    return levels


def level_for(user: User, *, defaults_apply: bool) -> str | None:
    """The strictest level among the user's roles; None for accounts without a /login role."""
    levels = policy_levels(defaults_apply=defaults_apply)
    own = [levels[role] for role in user.role_set if role in levels]
    if not own:
        return None
    return max(own, key=_STRENGTH.__getitem__)


def save_policy(actor, levels: dict[str, str]) -> None:
    errors = {}
    for role, level in levels.items():
        if level not in LEVELS:
            errors[f"role_{role}"] = [_("Choose one of the offered options.")]
    if errors:
        raise ValidationFailed(errors)
    saved = {row.role: row for row in db.session.scalars(select(SecondFactorPolicy))}
    changes = {}
    for role, level in levels.items():
        row = saved.get(role)
        if row is None:
            db.session.add(
                SecondFactorPolicy(role=role, level=level, updated_by_id=getattr(actor, "id", None))
            )
            changes[role] = [None, level]
        elif row.level != level:
            changes[role] = [row.level, level]
            row.level = level
            row.updated_at = utcnow()
            row.updated_by_id = getattr(actor, "id", None)
    if changes:
        db.session.flush()
        audit.record(actor, "second_factor_policy", "user", None, details=changes)


# --- the user's own factor ------------------------------------------------------------------


def factor_of(user: User) -> SecondFactor | None:
    return db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == user.id))


def is_enrolled(user: User) -> bool:
    factor = factor_of(user)
    return factor is not None and factor.confirmed_at is not None


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def start_enrolment(actor: User) -> SecondFactor:
    """A new, unconfirmed secret (replacing an unconfirmed one); refused once set up."""
    factor = factor_of(actor)
    if factor is not None and factor.confirmed_at is not None:
        raise ValidationFailed({"code": [_("A second factor is already set up.")]})
    if factor is None:
        factor = SecondFactor(user_id=actor.id, secret=totp.new_secret())
        db.session.add(factor)
    else:
        factor.secret = totp.new_secret()
        factor.last_step = None
    db.session.flush()
    return factor


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = totp.new_recovery_codes()
    for code in codes:
        salt = totp.new_salt()
        db.session.add(
            RecoveryCode(user_id=user.id, salt=salt, digest=totp.recovery_digest(code, salt))
        )
    return codes


def _wrong_code() -> ValidationFailed:
    return ValidationFailed({"code": [_("The code is not correct. Please try again.")]})


def _use_step(factor: SecondFactor, step: int) -> bool:
    """Claim time step `step` for this factor; False if it (or a later one) was used already.

    One conditional UPDATE, so two requests with the same code at the same moment cannot
    both succeed.
    """
    result = db.session.execute(
        update(SecondFactor)
        .where(
            SecondFactor.id == factor.id,
            (SecondFactor.last_step.is_(None)) | (SecondFactor.last_step < step),
        )
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        factor.last_step = step
        return True
    return False


def confirm_enrolment(actor: User, code: str, now: datetime) -> list[str]:
    """Check the first code from the app; the factor is on and the recovery codes returned."""
    factor = factor_of(actor)
    if factor is None or factor.confirmed_at is not None:
        raise ValidationFailed({"code": [_("Please start the set-up again.")]})
    step = totp.matching_step(factor.secret, code, now)
    if step is None or not _use_step(factor, step):
        raise _wrong_code()
    factor.confirmed_at = now
    codes = _new_recovery_codes(actor)
    audit.record(actor, "second_factor_enrolled", "user", actor.id)
    return codes


def _check_current_code(actor: User, code: str, now: datetime) -> SecondFactor:
    factor = factor_of(actor)
    if factor is None or factor.confirmed_at is None:
        raise ValidationFailed({"code": [_("No second factor is set up.")]})
    step = totp.matching_step(factor.secret, code, now)
    if step is None or not _use_step(factor, step):
        raise _wrong_code()
    return factor


def renew_recovery_codes(actor: User, code: str, now: datetime) -> list[str]:
    """New recovery codes (the old ones stop working), after a current code from the app."""
    _check_current_code(actor, code, now)
    codes = _new_recovery_codes(actor)
    audit.record(actor, "second_factor_new_recovery_codes", "user", actor.id)
    return codes


def remove_own(actor: User, code: str, now: datetime, *, level: str | None) -> None:
    """Turn one's own second factor off; not where the role requires it."""
    if level == REQUIRED:
        raise ValidationFailed(
            {"code": [_("Your role requires a second factor; it cannot be turned off.")]}
        )
    _check_current_code(actor, code, now)
    _remove(actor)
    audit.record(actor, "second_factor_removed", "user", actor.id)


def _remove(user: User) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id))


# --- the sign-in step ----------------------------------------------------------------------


def _throttle_check(user: User, ip: str | None, policy: throttle.Policy, now: datetime) -> None:
    wait = throttle.wait_before(KIND, user.email, ip, policy, now)
    if wait:
        audit.record(user, "second_factor_throttled", "user", user.id)
        raise SecondFactorThrottled(
            wait,
            _(
                "Too many failed sign-in attempts. Please wait %(wait)s and try again.",
                wait=throttle.wait_words(wait),
            ),
        )


def _refuse(user: User, ip: str | None, now: datetime, reason: str, message: str):
    throttle.failed(KIND, user.email, ip, now)
    audit.record(user, "second_factor_refused", "user", user.id, details={"reason": reason})
    return SecondFactorFailed(message)


def verify_code(
    user: User, code: str, ip: str | None, policy: throttle.Policy, now: datetime
) -> None:
    """The sign-in step with a code from the app; raises SecondFactorFailed / ...Throttled.

    Refusals are counted and audited in the session: the caller commits them.
    """
    _throttle_check(user, ip, policy, now)
    factor = factor_of(user)
    if factor is None or factor.confirmed_at is None:
        raise _refuse(
            user, ip, now, "not_enrolled", _("The code is not correct. Please try again.")
        )
    step = totp.matching_step(factor.secret, code, now)
    if step is None:
        raise _refuse(user, ip, now, "wrong", _("The code is not correct. Please try again."))
    if not _use_step(factor, step):
        raise _refuse(
            user,
            ip,
            now,
            "replayed",
            _("This code has already been used. Please wait for the next code in your app."),
        )
    throttle.succeeded(KIND, user.email, ip)


def verify_recovery_code(
    user: User, code: str, ip: str | None, policy: throttle.Policy, now: datetime
) -> int:
    """The sign-in step with a recovery code (each works once); returns how many are left."""
    _throttle_check(user, ip, policy, now)
    rows = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    found = next((row for row in rows if totp.recovery_matches(code, row.salt, row.digest)), None)
    if found is None:
        raise _refuse(user, ip, now, "recovery_wrong", _("The recovery code is not correct."))
    claimed = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == found.id, RecoveryCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise _refuse(
            user, ip, now, "recovery_used", _("This recovery code has already been used.")
        )
    left = sum(1 for row in rows if row.used_at is None and row.id != found.id)
    throttle.succeeded(KIND, user.email, ip)
    audit.record(user, "second_factor_recovery_used", "user", user.id, details={"left": left})
    return left


# --- reset by administrators -----------------------------------------------------------------


def open_reset(user: User) -> SecondFactorReset | None:
    return db.session.scalar(
        select(SecondFactorReset).where(
            SecondFactorReset.user_id == user.id, SecondFactorReset.closed_at.is_(None)
        )
    )


def request_reset(actor: User, target: User, now: datetime) -> bool:
    """Reset `target`'s second factor; True when done, False when it waits for a second
    administrator (the target is an administrator: four eyes)."""
    if not target.is_admin:
        _reset(actor, target, now)
        return True
    if open_reset(target) is not None:
        raise ValidationFailed(
            {"reset": [_("A reset is already waiting for a second administrator.")]}
        )
    row = SecondFactorReset(user_id=target.id, requested_by_id=actor.id, requested_at=now)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "second_factor_reset_requested", "user", target.id)
    return False


def confirm_reset(actor: User, target: User, reset_id: int, now: datetime) -> None:
    """The second administrator confirms; not the one who asked, nor the account's owner."""
    row = db.session.get(SecondFactorReset, reset_id)
    if row is None or row.user_id != target.id or row.closed_at is not None:
        raise ValidationFailed({"reset": [_("This reset request is no longer open.")]})
    if actor.id in (row.requested_by_id, target.id):
        raise ValidationFailed(
            {"reset": [_("Another administrator must confirm this reset (four-eyes principle).")]}
        )
    row.confirmed_by_id = actor.id
    row.closed_at = now
    _reset(actor, target, now, requested_by_id=row.requested_by_id)


def _reset(actor: User, target: User, now: datetime, requested_by_id: int | None = None) -> None:
    _remove(target)
    # Whoever is signed in as the target now (perhaps with a stolen phone) is signed out.
    end_all_sessions(target)
    details = {"requested_by": requested_by_id} if requested_by_id else {}
    audit.record(actor, "second_factor_reset", "user", target.id, details=details)
