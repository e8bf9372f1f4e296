"""The administrator's catalogue of deadline kinds: validate, save, switch off, ship defaults."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from caseapp.audit import services as audit
from caseapp.core.errors import StaleVersion, ValidationFailed
from caseapp.deadlines import rules
from caseapp.deadlines.defaults import DEFAULT_KINDS
from caseapp.deadlines.models import TEXT_FIELDS, TEXT_LANGUAGES, DeadlineKind
from caseapp.extensions import db
from caseapp.i18n import _

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
# The stored dates each derived rule may start from.
RULE_SOURCES = {
    rules.FROM_DATE: ("residence_valid_until", "arrived_germany_on", "arrived_municipality_on"),
    rules.CHILD_AGE: ("birth_date",),
    rules.ENTERED: ("",),
}


@dataclass
class KindData:
    """A kind as typed: `texts[field][language]`, the rule and the warning weeks as text."""

    code: str
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    rule: str = rules.ENTERED
    source: str = ""
    months: int = 0
    days: int = 0
    age_years: int = 0
    cutoff_month: int = 0
    cutoff_day: int = 0
    warn_weeks: str = ""
    active: bool = True


def validate_kind(data: KindData, kind: DeadlineKind | None) -> list[int]:
    """Per-field reasons (translated) for a kind that cannot be saved; the warning weeks."""
    errors: dict[str, str] = {}
    if not CODE_RE.match(data.code or ""):
        errors["code"] = _(
            "Use 2 to 40 lower-case letters, digits and underscores, starting with a letter."
        )
    else:
        taken = db.session.scalar(select(DeadlineKind.id).where(DeadlineKind.code == data.code))
        if taken is not None and (kind is None or taken != kind.id):
            errors["code"] = _("Another deadline kind already has this code.")
    if not (data.texts.get("name") or {}).get("de", "").strip():
        errors["name_de"] = _("Enter the name in German.")
    if data.rule not in rules.RULES:
        errors["rule"] = _("Choose how the deadline is found.")
    elif data.source not in RULE_SOURCES[data.rule]:
        errors["source"] = _("Choose the stored date the deadline is derived from.")
    if not -240 <= (data.months or 0) <= 240:
        errors["months"] = _("Enter a number from %(min)d to %(max)d.", min=-240, max=240)
    if not -366 <= (data.days or 0) <= 366:
        errors["days"] = _("Enter a number from %(min)d to %(max)d.", min=-366, max=366)
    if data.rule == rules.CHILD_AGE:
        if not 0 <= (data.age_years or 0) <= 18:
            errors["age_years"] = _("Enter a number from %(min)d to %(max)d.", min=0, max=18)
        try:
            date(2024, data.cutoff_month or 0, data.cutoff_day or 0)  # a leap year: 29 Feb ok
        except ValueError:
            errors["cutoff_day"] = _("Enter a cut-off date that exists (day and month).")
    weeks = rules.parse_weeks(data.warn_weeks or "")
    if weeks is None:
        errors["warn_weeks"] = _("Enter weeks as whole numbers separated by commas, e.g. 12, 6.")
    elif not weeks:
        errors["warn_weeks"] = _("Enter at least one warning time.")
    if errors:
        raise ValidationFailed(errors)
    return weeks or []


def save_kind(
    actor, kind: DeadlineKind | None, data: KindData, loaded_version: int | None = None
) -> DeadlineKind:
    """Create or change a kind (StaleVersion when someone else saved it meanwhile)."""
    weeks = validate_kind(data, kind)
    if kind is None:
        kind = DeadlineKind(code=data.code)
        db.session.add(kind)
        action = "create"
    else:
        if loaded_version != kind.version:
            raise StaleVersion(kind)
        action = "update"
    kind.code = data.code
    for name in TEXT_FIELDS:
        typed = data.texts.get(name) or {}
        values = {lang: (typed.get(lang) or "").strip() for lang in TEXT_LANGUAGES}
        setattr(kind, "documents" if name == "documents" else f"{name}s", values)
    kind.rule = data.rule
    derived = data.rule != rules.ENTERED
    kind.source = data.source if derived else ""
    kind.months = data.months or 0 if derived else 0
    kind.days = data.days or 0 if derived else 0
    child = data.rule == rules.CHILD_AGE
    kind.age_years = data.age_years or 0 if child else 0
    kind.cutoff_month = data.cutoff_month or 0 if child else 0
    kind.cutoff_day = data.cutoff_day or 0 if child else 0
    kind.warn_weeks = weeks
    kind.active = bool(data.active)
    db.session.flush()
    audit.record(actor, action, "deadline_kind", kind.id, details={"code": [None, kind.code]})
    return kind


def set_active(actor, kind: DeadlineKind, active: bool) -> DeadlineKind:
    """Switch a kind off (no new deadlines, no warnings) or on again; nothing is deleted."""
    kind.active = active
    db.session.flush()
    audit.record(
        actor, "activate" if active else "deactivate", "deadline_kind", kind.id, details={}
    )
    return kind


def install_defaults(actor=None) -> int:
    """Add the shipped kinds whose code is not in the catalogue yet; returns how many."""
    have = set(db.session.scalars(select(DeadlineKind.code)))
    added = 0
    for spec in DEFAULT_KINDS:
        if spec["code"] in have:
            continue
        db.session.add(
            DeadlineKind(
                code=spec["code"],
                names=dict(spec["names"]),
                explanations=dict(spec["explanations"]),
                next_steps=dict(spec["next_steps"]),
                documents=dict(spec["documents"]),
                rule=spec["rule"],
                source=spec.get("source", ""),
                months=spec.get("months", 0),
                days=spec.get("days", 0),
                age_years=spec.get("age_years", 0),
                cutoff_month=spec.get("cutoff_month", 0),
                cutoff_day=spec.get("cutoff_day", 0),
                warn_weeks=list(spec["warn_weeks"]),
                active=spec.get("active", True),
            )
        )
        added += 1
    db.session.flush()
    if added:
        audit.record(actor, "create", "deadline_kind", None, details={"defaults": [0, added]})
    return added


def all_kinds(active_only: bool = False) -> list[DeadlineKind]:
    stmt = select(DeadlineKind).order_by(DeadlineKind.code)
    if active_only:
        stmt = stmt.where(DeadlineKind.active.is_(True))
    return list(db.session.scalars(stmt))
