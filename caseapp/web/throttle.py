"""One throttle for everything a stranger can try: staff sign-in, portal sign-in, public forms.

Secrets (passwords, portal codes) are guarded by counting *failed* tries in one table,
`throttle_attempts`, per (key, address) pair, per address and per key, where the key is what
the stranger aims at (an e-mail address, a case number). The rules, and the numbers behind
them, are in docs/security.md:

- A pair (key, address) that has failed `per_pair` times in the last day waits before its
  next try is even checked: 1 s after that failure, then 2 s, 4 s, … up to `longest_wait`.
  Only that pair's own failures start and renew its wait, so nobody at another address can
  make the owner wait.
- A pair with no failures in the last day is always checked: the right secret from a clean
  address gets in, however hard someone else is guessing.
- A key that failed `per_key_per_day` times in a day from all addresses together, or an
  address that failed `per_address` times within `address_window` for any keys, gets no free
  tries any more: every pair involved waits from its first failure on.
- An address as a whole is never refused: behind one address (a shelter's Wi-Fi) many people
  sign in, and an address-wide wait would let one guesser keep all of them out.

Public forms without a secret (volunteer sign-up, certificate checks) use `limit()`: a plain
count of every try per address and window.

Only `flush()`es; the caller commits (a failed sign-in is committed, not rolled back, or the
failure would not count). `flask attempts purge` deletes rows no rule looks at any more.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Index, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.errors import DomainError
from caseapp.extensions import db

DAY = timedelta(days=1)
# The longest any rule looks back; rows older than this count for nothing.
KEEP = DAY
ZERO = timedelta(0)
IPV6_PREFIX = 56
# Past this many doublings the wait is long capped anyway; keeps 2**n small.
_MAX_DOUBLINGS = 30


class Attempt(db.Model):
    """A failed try at a secret (or, for public forms, any try), by kind, key and address."""

    __tablename__ = "throttle_attempts"
    __table_args__ = (
        Index("ix_throttle_attempts_kind_key_at", "kind", "key", "at"),
        Index("ix_throttle_attempts_kind_address_at", "kind", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "login", "portal", "signup", "verify": each kind counts on its own.
    kind: Mapped[str] = mapped_column(String(20))
    # What was aimed at: a normalised e-mail address or case number; "" for public forms.
    key: Mapped[str] = mapped_column(String(254), default="")
    # See address_of(): an IPv4 address or an IPv6 /56 network.
    address: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(index=True)

    def __repr__(self) -> str:
        return f"<Attempt {self.kind} {self.key!r} {self.address}>"


@dataclass(frozen=True)
class Policy:
    """How many failures are free and how long a pair waits after them (see module docstring)."""

    per_pair: int
    per_address: int
    address_window: timedelta
    per_key_per_day: int
    first_wait: timedelta = timedelta(seconds=1)
    longest_wait: timedelta = timedelta(minutes=15)


class Throttled(DomainError):
    """Too many failures: the next try is checked only after `wait`. Never a lockout."""

    def __init__(self, wait: timedelta, message: str = ""):
        super().__init__(message)
        self.wait = wait

    @property
    def retry_after(self) -> int:
        """Whole seconds for the Retry-After header (at least 1)."""
        return max(1, math.ceil(self.wait.total_seconds()))


def address_of(ip: str | None) -> str:
    """The address as the throttle counts it.

    IPv4 as it is; IPv6 by its /56 network: a household or a server is given a /64 or more
    (Deutsche Telekom hands out a /56), and could otherwise step to a fresh address, or a
    fresh /64, for every guess.
    """
    raw = (ip or "").strip()
    try:
        parsed = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:45]
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)


def _count(kind: str, since: datetime, **match) -> tuple[int, datetime | None]:
    stmt = select(func.count(Attempt.id), func.max(Attempt.at)).where(
        Attempt.kind == kind, Attempt.at >= since
    )
    for column, value in match.items():
        stmt = stmt.where(getattr(Attempt, column) == value)
    count, last = db.session.execute(stmt).one()
    return count, last


def wait_before(kind: str, key: str, ip: str | None, policy: Policy, now: datetime) -> timedelta:
    """How long the pair (key, address) must still wait before its next try is checked."""
    address = address_of(ip)
    failures, last = _count(kind, now - DAY, key=key, address=address)
    if failures == 0 or last is None:
        return ZERO  # a clean pair is always checked
    free = policy.per_pair
    if free > 1 and (
        _count(kind, now - policy.address_window, address=address)[0] >= policy.per_address
        or _count(kind, now - DAY, key=key)[0] >= policy.per_key_per_day
    ):
        free = 1  # under attack: no free tries for anyone involved
    if failures < free:
        return ZERO
    doublings = min(failures - free, _MAX_DOUBLINGS)
    wait = min(policy.first_wait * 2**doublings, policy.longest_wait)
    return max(last + wait - now, ZERO)


def check(kind: str, key: str, ip: str | None, policy: Policy, now: datetime) -> None:
    """Raise Throttled when this pair must wait; otherwise the caller checks the secret."""
    wait = wait_before(kind, key, ip, policy, now)
    if wait > ZERO:
        raise Throttled(wait)


def failed(kind: str, key: str, ip: str | None, now: datetime) -> None:
    """Count a wrong secret for this pair (the caller commits, even though the try failed)."""
    db.session.add(Attempt(kind=kind, key=key, address=address_of(ip), at=now))


def succeeded(kind: str, key: str, ip: str | None) -> None:
    """The right secret: this pair starts clean. Other addresses' failures stay counted."""
    db.session.execute(
        delete(Attempt).where(
            Attempt.kind == kind, Attempt.key == key, Attempt.address == address_of(ip)
        )
    )


def limit(kind: str, ip: str | None, per_window: int, window: timedelta, now: datetime) -> None:
    """Count a try at a public form; Throttled once the address used up `per_window` tries.

    The wait ends when the oldest counted try leaves the window. A refused try is not counted.
    """
    address = address_of(ip)
    stmt = select(func.count(Attempt.id), func.min(Attempt.at)).where(
        Attempt.kind == kind, Attempt.address == address, Attempt.at > now - window
    )
    count, oldest = db.session.execute(stmt).one()
    if count >= per_window:
        wait = (oldest + window - now) if oldest is not None else window
        raise Throttled(max(wait, timedelta(seconds=1)))
    db.session.add(Attempt(kind=kind, key="", address=address, at=now))


def purge(now: datetime, older_than: timedelta = KEEP) -> int:
    """Delete the tries no rule looks at any more; returns how many went."""
    result = db.session.execute(delete(Attempt).where(Attempt.at < now - older_than))
    return result.rowcount or 0


def wait_words(wait: timedelta) -> str:
    """'45 seconds', '3 minutes' in the user's language, rounded up so it is never too short."""
    from flask_babel import format_timedelta

    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds > 60:
        seconds = math.ceil(seconds / 60) * 60
    return format_timedelta(timedelta(seconds=seconds), threshold=1, add_direction=False)
