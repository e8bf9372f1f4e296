"""API tokens: created by administrators, shown once, checked on every API request.

A token acts as a user-like actor (`TokenActor`): the services take it as they take a
signed-in user, so the office scope (`auth.scope`), the validation and the audit entries are
the same as in the pages. Its `id` is the token's own account row, which is inactive and has
neither password, roles nor memberships: it can never sign in, and it appears in no choice
list of caseworkers. The roles and the one office live on the token.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from caseapp.api.models import TOKEN_ROLES, ApiToken
from caseapp.audit import services as audit
from caseapp.auth.models import User
from caseapp.auth.roles import Role
from caseapp.core.clock import OFFICE_TZ, local_today
from caseapp.core.errors import DomainError, NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.offices.models import Office
from caseapp.web.throttle import Throttled

PREFIX = "lotse_"
MAX_DAYS = 366 * 2  # a token lives at most two years; partners rotate it
WINDOW = timedelta(minutes=1)


def digest(secret: str) -> str:
    """SHA-256 of the secret: 256 random bits need no slow hash (nothing to guess)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class TokenActor:
    """The token as the services see an actor: an id, its roles and its one office."""

    id: int
    token_id: int
    name: str
    office_id: int
    roles: frozenset[Role]
    preferred_language: str | None = None
    is_admin: bool = False
    is_authenticated: bool = True
    office_ids: frozenset[int] = field(default=frozenset())

    @property
    def role_set(self) -> frozenset[Role]:
        return self.roles

    def has_role(self, *roles: Role | str) -> bool:
        return any(Role(r) in self.roles for r in roles)

    @property
    def is_staff(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.name


def actor_for(token: ApiToken) -> TokenActor:
    return TokenActor(
        id=token.user_id,
        token_id=token.id,
        name=token.name,
        office_id=token.office_id,
        roles=frozenset(Role(r) for r in token.roles),
        office_ids=frozenset({token.office_id}),
    )


# --- administration --------------------------------------------------------------------


def parse_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """One address or CIDR network per line (commas and spaces separate too)."""
    words = text.replace(",", " ").split()
    return [ipaddress.ip_network(w, strict=False) for w in words]


@dataclass
class TokenData:
    name: str
    office_id: int | None
    roles: list[str]
    expires_on: date | None
    allowed_ips: str = ""


def _validate(data: TokenData, today: date) -> Office:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = _("Please enter a name; spaces alone are not a name.")
    elif len(data.name) > 120:
        errors["name"] = _("Use at most %(n)d characters.", n=120)
    office = db.session.get(Office, data.office_id) if data.office_id else None
    if office is None or not office.active:
        errors["office"] = _("Choose one of the offered values.")
    if not data.roles or set(data.roles) - set(TOKEN_ROLES):
        errors["roles"] = _("Choose one of the offered values.")
    if data.expires_on is None or data.expires_on <= today:
        errors["expires_on"] = _("The expiry date must lie in the future.")
    elif data.expires_on > today + timedelta(days=MAX_DAYS):
        errors["expires_on"] = _("A token may be valid for at most two years.")
    try:
        parse_networks(data.allowed_ips)
    except ValueError:
        errors["allowed_ips"] = _("Enter IP addresses or networks such as 192.0.2.0/24.")
    if len(data.allowed_ips) > 1000:
        errors["allowed_ips"] = _("Use at most %(n)d characters.", n=1000)
    if errors:
        raise ValidationFailed(errors)
    return office


def create_token(actor, data: TokenData) -> tuple[ApiToken, str]:
    """A new token and its secret (returned once, never stored); flushes."""
    today = local_today()
    office = _validate(data, today)
    secret = PREFIX + secrets.token_urlsafe(32)
    account = User(
        email=f"api-{secrets.token_hex(8)}@tokens.invalid",
        display_name=f"API: {data.name.strip()}"[:120],
        password_hash=None,
        active=False,
    )
    db.session.add(account)
    db.session.flush()
    token = ApiToken(
        name=data.name.strip(),
        prefix=secret[: len(PREFIX) + 6],
        secret_digest=digest(secret),
        office_id=office.id,
        roles=sorted(set(data.roles)),
        user_id=account.id,
        created_by_id=getattr(actor, "id", None),
        expires_at=datetime.combine(
            data.expires_on + timedelta(days=1), time.min, tzinfo=OFFICE_TZ
        ),
        allowed_ips="\n".join(str(n) for n in parse_networks(data.allowed_ips)),
    )
    db.session.add(token)
    db.session.flush()
    # Filed under the token's account, so "History of this account" tells its whole story.
    audit.record(
        actor,
        "create",
        "user",
        account.id,
        office_id=office.id,
        details={
            "api_token": [None, token.id],
            "roles": [None, ",".join(token.roles)],
            "office": [None, office.id],
        },
    )
    return token, secret


def revoke_token(actor, token: ApiToken, now: datetime) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = now
        token.revoked_by_id = getattr(actor, "id", None)
        audit.record(
            actor,
            "deactivate",
            "user",
            token.user_id,
            office_id=token.office_id,
            details={"api_token": [None, token.id]},
        )
    return token


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))


def get_token(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound()
    return token


# --- checking a request ----------------------------------------------------------------


class TokenRefused(DomainError):
    """No usable token: missing, unknown, revoked or expired (401); `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class AddressRefused(DomainError):
    """A valid token used from an address outside its allow-list (403)."""


def authenticate(secret: str | None, ip: str | None, now: datetime) -> ApiToken:
    """The token for `secret`, or TokenRefused / AddressRefused."""
    if not secret:
        raise TokenRefused("missing")
    token = db.session.scalar(select(ApiToken).where(ApiToken.secret_digest == digest(secret)))
    if token is None:
        raise TokenRefused("unknown")
    if token.revoked_at is not None:
        raise TokenRefused("revoked")
    if token.expires_at <= now:
        raise TokenRefused("expired")
    if token.allowed_ips.strip():
        try:
            address = ipaddress.ip_address((ip or "").strip())
        except ValueError:
            raise AddressRefused() from None
        if not any(address in network for network in parse_networks(token.allowed_ips)):
            raise AddressRefused()
    return token


def count_use(token: ApiToken, ip: str | None, now: datetime, per_minute: int) -> None:
    """Note the use (last use, address) and count it; Throttled past `per_minute` a minute.

    A fixed one-minute window per token: the unit is the partner system, whatever address it
    calls from (the sign-in throttle counts failures per address instead). Flushes.
    """
    token.last_used_at = now
    token.last_used_ip = (ip or "")[:45]
    if token.window_started_at is None or now - token.window_started_at >= WINDOW:
        token.window_started_at = now
        token.window_count = 0
    if token.window_count >= per_minute:
        raise Throttled(token.window_started_at + WINDOW - now)
    token.window_count += 1
