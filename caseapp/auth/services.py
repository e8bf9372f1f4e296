"""Sign-in, server-side sessions, throttling and the user's own settings.

Services take the acting user explicitly and never touch flask.session or flash().
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from caseapp.audit import services as audit
from caseapp.audit.models import ACTION_LABELS
from caseapp.auth.models import OfficeMembership, User, UserSession
from caseapp.auth.normalise import normalise_email
from caseapp.auth.passwords import hash_password, needs_rehash, password_problems, verify_password
from caseapp.core.clock import utcnow
from caseapp.core.errors import DomainError, NotFound, ValidationFailed
from caseapp.core.ids import new_token, token_digest
from caseapp.extensions import db
from caseapp.i18n import LANGUAGES, _, _l
from caseapp.web import throttle

LOGIN = "login"  # the throttle's kind for staff (and volunteer) sign-in

# The audit page's words for the session actions below (the audit package keeps the table).
ACTION_LABELS.update(
    {
        "end_session": _l("signed out a session"),
        "end_other_sessions": _l("signed out everywhere else"),
    }
)


class LoginThrottled(throttle.Throttled):
    """This account failed too often from this address; wait, then try again (no lockout)."""


class LoginFailed(DomainError):
    """Wrong e-mail or password; deliberately says nothing about which."""


def authenticate(
    email: str, password: str, ip_address: str, policy: throttle.Policy, now: datetime
) -> User:
    """Return the active user for these credentials or raise LoginFailed / LoginThrottled.

    A failure is counted in the session: the caller commits it although the sign-in failed.
    """
    account = normalise_email(email)
    wait = throttle.wait_before(LOGIN, account, ip_address, policy, now)
    if wait:
        raise LoginThrottled(
            wait,
            _(
                "Too many failed sign-in attempts. Please wait %(wait)s and try again.",
                wait=throttle.wait_words(wait),
            ),
        )
    user = db.session.scalar(select(User).where(User.email == account))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        throttle.failed(LOGIN, account, ip_address, now)
        raise LoginFailed(_("The e-mail address or password is not correct."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    # This address starts clean for this account; other addresses' failures stay counted.
    throttle.succeeded(LOGIN, account, ip_address)
    return user


def start_session(user: User, ip_address: str | None, user_agent: str | None = None) -> str:
    """Create a server-side session row and return the bearer token for the cookie."""
    token = new_token()
    now = utcnow()
    db.session.add(
        UserSession(
            token_digest=token_digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            ip_address=ip_address,
            user_agent=(user_agent or "")[:255] or None,
        )
    )
    audit.record(user, "sign_in", "user", user.id)
    return token


@lru_cache(maxsize=1)
def _session_user():
    """The statement of load_session_user, built once: building it (a join and two eager
    loads) and its cache key cost more than running it, on every request."""
    return (
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_digest == bindparam("digest"))
        .options(
            joinedload(User.roles),
            joinedload(User.memberships).joinedload(OfficeMembership.office).lazyload("*"),
        )
    )


def load_session_user(user_id: str, token: str | None, absolute: timedelta) -> User | None:
    """The user for a live, unrevoked session of that user; None ends the session.

    Runs on every request, so it is one statement: the session row with the user, their roles
    and offices (an office's districts and opening hours only if a page asks for them).
    """
    if not token or not user_id or not user_id.isdigit():
        return None
    found = db.session.execute(_session_user(), {"digest": token_digest(token)}).unique().first()
    if found is None:
        return None
    row, user = found
    if row.revoked_at is not None or row.user_id != int(user_id):
        return None
    if utcnow() - row.created_at > absolute:
        return None
    if not user.active:
        return None
    return user


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(
            update(UserSession)
            .where(
                UserSession.token_digest == token_digest(token), UserSession.revoked_at.is_(None)
            )
            .values(revoked_at=utcnow())
        )


def end_all_sessions(user: User, *, except_token: str | None = None) -> None:
    stmt = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if except_token:
        stmt = stmt.where(UserSession.token_digest != token_digest(except_token))
    db.session.execute(stmt.values(revoked_at=utcnow()))


def touch_session(token: str | None, now: datetime) -> None:
    """Remember when a session was last used ("My sessions"); called about once a minute."""
    if token:
        db.session.execute(
            update(UserSession)
            .where(
                UserSession.token_digest == token_digest(token), UserSession.revoked_at.is_(None)
            )
            .values(last_seen_at=now)
        )


def active_sessions(
    user: User, now: datetime, *, idle: timedelta, absolute: timedelta
) -> list[UserSession]:
    """The user's sessions that still let a browser in, most recently used first."""
    rows = db.session.scalars(
        select(UserSession).where(
            UserSession.user_id == user.id,
            UserSession.revoked_at.is_(None),
            UserSession.created_at > now - absolute,
        )
    ).all()
    live = [r for r in rows if (r.last_seen_at or r.created_at) > now - idle]
    return sorted(live, key=lambda r: (r.last_seen_at or r.created_at, r.id), reverse=True)


def end_own_session(actor: User, session_id: int, *, current_token: str | None) -> None:
    """Sign out one of the actor's own sessions (another user's is not there: NotFound)."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != actor.id:
        raise NotFound()
    if current_token and row.token_digest == token_digest(current_token):
        raise ValidationFailed(
            {"session": [_("This is the session you are using now. Sign out to end it.")]}
        )
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(actor, "end_session", "user", actor.id, details={"session": row.id})


def end_other_sessions(actor: User, *, current_token: str | None) -> None:
    """Sign out everywhere else: every session of the actor but this one."""
    end_all_sessions(actor, except_token=current_token)
    audit.record(actor, "end_other_sessions", "user", actor.id)


def change_password(actor: User, current: str, new: str, *, keep_token: str | None) -> None:
    errors: dict[str, list[str]] = {}
    if not verify_password(actor.password_hash, current):
        errors["current_password"] = [_("The current password is not correct.")]
    problems = password_problems(
        new,
        staff=actor.is_staff,
        context=(actor.email, actor.email.split("@")[0], actor.display_name),
    )
    if problems:
        errors["new_password"] = problems
    if errors:
        raise ValidationFailed(errors)
    actor.password_hash = hash_password(new)
    actor.password_changed_at = utcnow()
    # Every other browser signed in as this user is signed out.
    end_all_sessions(actor, except_token=keep_token)
    audit.record(actor, "change_password", "user", actor.id)


def set_preferred_language(actor: User, code: str) -> None:
    if code not in LANGUAGES:
        raise ValidationFailed({"language": _("Choose one of the offered languages.")})
    actor.preferred_language = code
