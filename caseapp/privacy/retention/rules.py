"""Retention rules: how long each kind of record is kept, with documented defaults.

An administrator or the data-protection officer changes a rule's days on the retention page;
a rule without a row in `retention_rules` has its default.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from caseapp.audit import services as audit
from caseapp.core.clock import utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _, _l
from caseapp.privacy.models import RetentionRule


@dataclass(frozen=True)
class Rule:
    kind: str
    default_days: int
    label: object
    action: object


RULES = {
    rule.kind: rule
    for rule in (
        Rule(
            "closed_case",
            3 * 365,
            _l("Closed case files"),
            _l("The person is anonymised; figures stay."),
        ),
        Rule(
            "aid_ledger",
            10 * 365,
            _l("Aid ledger (funding rules)"),
            _l("A person who received aid in this time is not anonymised yet."),
        ),
        Rule("audit_log", 2 * 365, _l("Audit log"), _l("Entries are deleted.")),
        Rule(
            "rejected_application",
            183,
            _l("Rejected volunteer applications"),
            _l("The reason is deleted; an applicant with no other application is anonymised."),
        ),
        Rule(
            "outbox_body",
            30,
            _l("Sent e-mail and text messages"),
            _l("Recipient, subject and text are deleted."),
        ),
        Rule("portal_attempts", 30, _l("Failed portal sign-ins"), _l("Entries are deleted.")),
    )
}
MIN_DAYS, MAX_DAYS = 1, 50 * 365


def days(kind: str) -> int:
    stored = db.session.scalar(select(RetentionRule.days).where(RetentionRule.kind == kind))
    return stored if stored is not None else RULES[kind].default_days


def all_days() -> dict[str, int]:
    stored = dict(db.session.execute(select(RetentionRule.kind, RetentionRule.days)).all())
    return {kind: stored.get(kind, rule.default_days) for kind, rule in RULES.items()}


def set_days(actor, values: dict[str, int]) -> list[str]:
    """Store changed rules (audited); returns the kinds that changed."""
    errors = {}
    for kind, value in values.items():
        if kind not in RULES:
            errors[kind] = _("Choose one of the offered values.")
        elif value is None or not MIN_DAYS <= value <= MAX_DAYS:
            errors[kind] = _("Enter a number from %(min)d to %(max)d.", min=MIN_DAYS, max=MAX_DAYS)
    if errors:
        raise ValidationFailed(errors)
    before = all_days()
    changed = []
    for kind, value in values.items():
        if before[kind] == value:
            continue
        row = db.session.scalar(select(RetentionRule).where(RetentionRule.kind == kind))
        if row is None:
            row = RetentionRule(kind=kind, days=value)
            db.session.add(row)
        row.days, row.updated_at, row.updated_by_id = value, utcnow(), getattr(actor, "id", None)
        changed.append(kind)
    if changed:
        audit.record(
            actor,
            "retention_rules",
            "retention",
            None,
            purpose="data_protection",
            details={kind: [before[kind], values[kind]] for kind in changed},
        )
    db.session.flush()
    return changed
