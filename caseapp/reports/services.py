"""Who sees which report, the cubes of a year (computed once per request), barrier tagging.

Services take the acting user explicitly and never read the request; views, the CLI and the
yearly report call them alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import delete, select

from caseapp.audit import services as audit
from caseapp.audit.models import ACTION_LABELS, RECORD_TYPE_LABELS
from caseapp.auth import scope
from caseapp.auth.roles import Role
from caseapp.core.clock import local_today, utcnow
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _, _l
from caseapp.offices.models import District, Office
from caseapp.people.models import Case, Consultation
from caseapp.reports import snapshots
from caseapp.reports.cube import CITY, Cube
from caseapp.reports.indicators import COORDINATION_SECTIONS, INDICATORS, OFFICE_SECTIONS
from caseapp.reports.models import ConsultationBarrier
from caseapp.reports.periods import Period
from caseapp.reports.queries.common import Context
from caseapp.reports.suppression import DEFAULT_MIN_CELL
from caseapp.reports.vocab import BARRIERS, MAX_BARRIER_NOTE

# The audit page names what this package writes (registered here, next to the writes).
ACTION_LABELS.setdefault("tag_barriers", _l("structural barriers tagged"))
ACTION_LABELS.setdefault("export_report", _l("report exported"))
RECORD_TYPE_LABELS.setdefault("report", _l("Report"))


def min_cell() -> int:
    """The suppression limit (config REPORT_MIN_CELL, env CASEAPP_REPORT_MIN_CELL); below 2
    nothing would be hidden, so 2 is the floor."""
    try:
        value = int(current_app.config.get("REPORT_MIN_CELL", DEFAULT_MIN_CELL))
    except (TypeError, ValueError):
        value = DEFAULT_MIN_CELL
    return max(value, 2)


# --- who sees what ------------------------------------------------------------------------


@dataclass
class Audience:
    """The sections an actor may open and, per section, the areas they may choose."""

    sections: dict[str, list[tuple]] = field(default_factory=dict)
    yearly_report: bool = False

    def areas(self, section: str) -> list[tuple]:
        return self.sections.get(section, [])

    def may_see(self, section: str, area: tuple) -> bool:
        return area in self.sections.get(section, [])


def all_offices() -> list[int]:
    return list(db.session.scalars(select(Office.id).order_by(Office.name)))


def all_districts() -> list[int]:
    return list(db.session.scalars(select(District.id).order_by(District.name)))


def audience(actor) -> Audience:
    """Caseworkers: their offices' figures (office sections only). Coordinators: volunteers and
    matching across the city and per district. The reports permission and administrators:
    every section for the city, each office and each district, and the yearly report."""
    roles = actor.role_set
    districts = [("district", d) for d in [*all_districts(), None]]
    result = Audience()
    if roles & {Role.ADMIN, Role.REPORTS}:
        offices = [("office", o) for o in all_offices()]
        for section in OFFICE_SECTIONS:
            result.sections[section] = [CITY, *offices, *districts]
        for section in COORDINATION_SECTIONS:
            result.sections[section] = [CITY, *districts]
        result.sections["matching"] += offices
        result.yearly_report = True
        return result
    if Role.CASEWORKER in roles:
        visible = scope.visible_office_ids(actor)
        own = all_offices() if visible is None else [o for o in all_offices() if o in visible]
        for section in OFFICE_SECTIONS:
            result.sections[section] = [("office", o) for o in own]
    if Role.COORDINATOR in roles:
        for section in COORDINATION_SECTIONS:
            result.sections[section] = [CITY, *districts]
    return result


# --- the cubes of a year --------------------------------------------------------------------


class Report:
    """The indicators of one year, each computed (and suppressed) once when first needed —
    or read from its stored snapshot while that is fresh (`snapshots`).

    Stock figures (at a period's end) are computed for `periods` only, which is consistent:
    a stock has no sums across periods, so each period's slice is suppressed on its own.
    """

    def __init__(
        self,
        year: int,
        *,
        limit: int | None = None,
        periods: tuple[Period, ...] | None = None,
        now: datetime | None = None,
        today: date | None = None,
        stored: bool = True,
    ):
        self.year = year
        self.stored = stored
        self.as_of: datetime | None = None  # the oldest snapshot used; None: all live
        self.min_cell = limit if limit is not None else min_cell()
        self.context = Context(
            year=year,
            min_cell=self.min_cell,
            now=now or utcnow(),
            today=today or local_today(),
            offices=all_offices(),
            districts=all_districts(),
            periods=periods,
        )
        self._cubes: dict[str, Cube] = {}

    def cube(self, key: str) -> Cube:
        if key not in self._cubes:
            found = snapshots.fresh(key, self.year, self.min_cell) if self.stored else None
            if found is not None:
                self._cubes[key], computed_at = found
                self.as_of = min(self.as_of or computed_at, computed_at)
            else:
                self._cubes[key] = INDICATORS[key].compute(self.context)
        return self._cubes[key]


def refresh(years, *, limit: int | None = None) -> list[tuple[str, int, float]]:
    """Compute and store every indicator's cube for `years` (all periods), committing after
    each so that no request waits on a long transaction. Returns (indicator, year, seconds)."""
    import time

    done = []
    for year in years:
        report = Report(year, limit=limit, stored=False)
        for key in INDICATORS:
            started = time.perf_counter()
            snapshots.store(report.cube(key))
            db.session.commit()
            done.append((key, year, time.perf_counter() - started))
    return done


# --- structural barriers ----------------------------------------------------------------------


def tag_barriers(actor, consultation: Consultation, codes, note: str = "") -> list[str]:
    """Set the structural barriers of a consultation (replacing earlier tags) with one short
    note; the case file keeps the note, reports count the tags. Returns the codes set."""
    case = db.session.get(Case, consultation.case_id)
    if case is None or not scope.can_see(actor, case.office_id):
        raise NotFound()
    wanted = sorted(set(codes or []))
    note = (note or "").strip()
    errors = {}
    if set(wanted) - set(BARRIERS):
        errors["barriers"] = _("Choose one of the offered values.")
    if len(note) > MAX_BARRIER_NOTE:
        errors["barrier_note"] = _("Use at most %(n)d characters.", n=MAX_BARRIER_NOTE)
    if errors:
        raise ValidationFailed(errors)
    before = sorted(
        db.session.scalars(
            select(ConsultationBarrier.code).where(
                ConsultationBarrier.consultation_id == consultation.id
            )
        )
    )
    db.session.execute(
        delete(ConsultationBarrier).where(ConsultationBarrier.consultation_id == consultation.id)
    )
    for code in wanted:
        db.session.add(
            ConsultationBarrier(
                consultation_id=consultation.id,
                code=code,
                note=note,
                created_by_id=getattr(actor, "id", None),
            )
        )
    db.session.flush()
    audit.record(
        actor,
        "tag_barriers",
        "person",
        case.person_id,
        office_id=case.office_id,
        purpose="case_management",
        details={"barriers": [",".join(before), ",".join(wanted)]},
    )
    return wanted


def barriers_of(consultation_ids) -> dict[int, list[ConsultationBarrier]]:
    """The barriers of some consultations (for the case file once the form is wired)."""
    ids = list(consultation_ids)
    out: dict[int, list[ConsultationBarrier]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = db.session.scalars(
        select(ConsultationBarrier)
        .where(ConsultationBarrier.consultation_id.in_(ids))
        .order_by(ConsultationBarrier.code)
    )
    for row in rows:
        out[row.consultation_id].append(row)
    return out


def record_export(actor, what: str, *, year: int, area: str = "", language: str = "") -> None:
    """An export leaves Lotse (CSV, PDF): who took which report, in the caller's transaction."""
    audit.record(
        actor,
        "export_report",
        "report",
        None,
        office_id=scope.first_own_office(actor),
        purpose="reporting",
        details={"report": [None, what], "year": [None, year], "area": [None, area or "city"]}
        | ({"language": [None, language]} if language else {}),
    )
