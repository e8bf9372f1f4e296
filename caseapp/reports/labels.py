"""Names of areas, categories and periods in the viewer's (or the report's) language."""

from __future__ import annotations

from dataclasses import dataclass, field

from babel import Locale
from flask_babel import format_date
from sqlalchemy import select

from caseapp.appointments.templating import STATUS_LABELS as APPOINTMENT_STATUS
from caseapp.extensions import db
from caseapp.i18n import _, _l, current_language, language_name
from caseapp.matches.wording import END_REASONS
from caseapp.offices.models import District, Office
from caseapp.people.models import AidKind
from caseapp.people.vocab import CASE_STATUS, CLOSE_REASONS, CONSULTATION_MODES, NEED_AREAS, SEX
from caseapp.referrals.vocab import STATUS as REFERRAL_STATUS
from caseapp.reports.periods import MONTH, QUARTER, Period
from caseapp.reports.vocab import AGE_LABELS, BARRIERS
from caseapp.volunteers.models import Programme

NOT_STATED = SEX[""]
OTHER = _l("other")

STEP_STATES = {
    "on_time": _l("done on time"),
    "late": _l("done late"),
    "overdue": _l("overdue"),
    "not_due": _l("not yet due"),
}
ANSWERS = {
    "in_time": _l("answered in time"),
    "late": _l("answered late"),
    "overdue": _l("overdue"),
    "open": _l("not answered yet"),
}
REQUEST_STATES = {"handled": _l("handled"), "open": _l("open")}
DECISIONS = {"approved": _l("approved"), "declined": _l("declined")}
TURNAROUND_STEPS = {"accept": _l("until accepted"), "complete": _l("until completed")}
FIELDS = {**NEED_AREAS, "other": _l("other")}

# (indicator, breakdown) -> labels when the same breakdown name means different things.
_BY_INDICATOR = {
    ("cases_open", "status"): CASE_STATUS,
    ("cases_closed", "reason"): CLOSE_REASONS,
    ("matches_ended", "reason"): END_REASONS,
    ("referrals", "status"): REFERRAL_STATUS,
    ("appointments", "status"): APPOINTMENT_STATUS,
    ("next_steps", "state"): STEP_STATES,
    ("reschedule_requests", "state"): REQUEST_STATES,
}
_BY_BREAKDOWN = {
    "mode": CONSULTATION_MODES,
    "need": NEED_AREAS,
    "age": AGE_LABELS,
    "answer": ANSWERS,
    "decision": DECISIONS,
    "step": TURNAROUND_STEPS,
    "barrier": BARRIERS,
    "field": FIELDS,
}


@dataclass
class Names:
    """The names from the database the labels need, loaded once per page or report."""

    language: str
    offices: dict[int, str] = field(default_factory=dict)
    districts: dict[int, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    programmes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, language: str | None = None) -> Names:
        language = language or current_language()
        return cls(
            language=language,
            offices={r.id: r.name for r in db.session.execute(select(Office.id, Office.name))},
            districts={
                r.id: r.name for r in db.session.execute(select(District.id, District.name))
            },
            kinds={str(k.id): k.name(language) for k in db.session.scalars(select(AidKind))},
            programmes={str(p.id): p.name(language) for p in db.session.scalars(select(Programme))},
        )

    def area(self, area: tuple, role: str | None = None) -> str:
        kind = area[0]
        if kind == "city":
            return _("City-wide")
        if kind == "district":
            if area[1] is None:
                return _("No district recorded")
            return self.districts.get(area[1], str(area[1]))
        return self.offices.get(area[1], str(area[1]))

    def category(self, indicator: str, category: tuple) -> str:
        if category == ("all",):
            return _("Total")
        breakdown, code = category
        if code in ("none", "unknown") and breakdown not in ("field",):
            return str(NOT_STATED)
        if code == "other" and breakdown in ("nationality", "language"):
            return str(OTHER)
        if breakdown == "sex":
            return str(SEX.get(code, code))
        if breakdown == "nationality":
            return Locale.parse(self.language).territories.get(code, code)
        if breakdown == "language":
            return language_name(code, self.language)
        if breakdown == "kind":
            return self.kinds.get(code, code)
        if breakdown == "programme":
            return self.programmes.get(code, code)
        labels = _BY_INDICATOR.get((indicator, breakdown)) or _BY_BREAKDOWN.get(breakdown, {})
        return str(labels.get(code, code))


def period_label(period: Period, short: bool = False) -> str:
    if period.kind == MONTH:
        return format_date(period.start, "LLL y" if short else "MMMM y")
    if period.kind == QUARTER:
        return format_date(period.start, "QQQ y")
    return str(period.year)
