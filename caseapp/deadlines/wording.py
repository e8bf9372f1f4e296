"""How deadlines are put into words on pages: labels, rules, the "derived from" line."""

from __future__ import annotations

from caseapp.deadlines import rules
from caseapp.deadlines.models import HANDLED, MISSED, OPEN, Deadline, DeadlineKind
from caseapp.i18n import _, _l, current_language, format_day, ngettext

SOURCE_LABELS = {
    "residence_valid_until": _l("Residence permit valid until"),
    "arrived_germany_on": _l("Arrival in Germany"),
    "arrived_municipality_on": _l("Arrival in the municipality"),
    "birth_date": _l("Date of birth"),
}

RULE_LABELS = {
    rules.FROM_DATE: _l("Derived from a stored date"),
    rules.CHILD_AGE: _l("Derived from a child's age and a cut-off date"),
    rules.ENTERED: _l("Entered by the caseworker"),
}

STATUS_LABELS = {OPEN: _l("open"), HANDLED: _l("handled"), MISSED: _l("missed")}
STATUS_BADGES = {OPEN: "primary", HANDLED: "success", MISSED: "danger"}


def _offset(months: int, days: int) -> str:
    parts = []
    if months:
        parts.append(
            ngettext("%(num)d month", "%(num)d months", abs(months))
            if months > 0
            else _("minus %(offset)s", offset=ngettext("%(num)d month", "%(num)d months", -months))
        )
    if days:
        parts.append(
            ngettext("%(num)d day", "%(num)d days", abs(days))
            if days > 0
            else _("minus %(offset)s", offset=ngettext("%(num)d day", "%(num)d days", -days))
        )
    return " + ".join(parts)


def rule_text(kind: DeadlineKind) -> str:
    """The kind's rule in a sentence, for the catalogue."""
    if kind.rule == rules.ENTERED:
        return str(RULE_LABELS[rules.ENTERED])
    offset = _offset(kind.months, kind.days)
    if kind.rule == rules.CHILD_AGE:
        text = _(
            "age %(age)d, next cut-off date %(cutoff)s",
            age=kind.age_years,
            cutoff=f"{kind.cutoff_day:02d}.{kind.cutoff_month:02d}.",
        )
    else:
        text = str(SOURCE_LABELS.get(kind.source, kind.source))
    return f"{text} + {offset}" if offset else text


def derived_text(deadline: Deadline) -> str:
    """'derived from Arrival in Germany 2023-03-01 + 36 months', or 'entered by hand'."""
    if not deadline.derived or deadline.source_date is None:
        return _("entered by hand")
    kind = deadline.kind
    offset = _offset(kind.months, kind.days)
    source = str(SOURCE_LABELS.get(kind.source, kind.source))
    start = format_day(deadline.source_date, "medium")
    if kind.rule == rules.CHILD_AGE:
        return _(
            "derived from %(source)s %(date)s: age %(age)d by the cut-off date %(cutoff)s%(offset)s",
            source=source,
            date=start,
            age=kind.age_years,
            cutoff=f"{kind.cutoff_day:02d}.{kind.cutoff_month:02d}.",
            offset=f" + {offset}" if offset else "",
        )
    if offset:
        return _(
            "derived from %(source)s %(date)s + %(offset)s",
            source=source,
            date=start,
            offset=offset,
        )
    return _("derived from %(source)s %(date)s", source=source, date=start)


def kind_name(kind: DeadlineKind) -> str:
    return kind.name(current_language())


def kind_text(kind: DeadlineKind, field: str) -> str:
    return kind.text(field, current_language())
