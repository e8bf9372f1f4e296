"""The case file's sections and timeline, registered by the packages whose data they show.

People import none of appointments, referrals or matches: each of those packages registers
in its own `sections` module what it shows on a case file (as Indico's template hooks do),
and the case file asks this registry. A section is a partial template and a loader whose
mapping the partial reads as `section` (besides `person`, `case` and `today`); a timeline
source returns the case's events of its kinds, each rendered by the source's partial (the
event is `e` there).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from caseapp.core.clock import to_local
from caseapp.extensions import db
from caseapp.people.models import AidEntry, Case, CaseStatusChange, Consultation, NextStep, Person


@dataclass
class TimelineEvent:
    """Something that happened in a case; `template` renders it (the registry fills it in)."""

    at: datetime
    kind: str
    item: object
    template: str = ""


SectionLoader = Callable[[Any, Person], Mapping[str, Any]]
TimelineSource = Callable[[Any, Case, int], list[TimelineEvent]]


@dataclass(frozen=True)
class Section:
    """One card of the case file: `load(actor, person)` gives the variables of `template`."""

    name: str
    order: int
    template: str
    load: SectionLoader


@dataclass(frozen=True)
class Timeline:
    """One source of timeline events: `events(actor, case, limit)`, newest first."""

    name: str
    order: int
    template: str
    events: TimelineSource


@dataclass(frozen=True)
class ConsultationPart:
    """Fields another package adds to the consultation form, saved with the consultation.

    `fields()` gives unbound WTForms fields by name (added to the form class), `template` is
    the partial that renders them inside the form (it reads `form`), and `save(actor,
    consultation, form)` runs in the same transaction after the consultation is logged; it
    may raise ValidationFailed with errors keyed by its field names.
    """

    name: str
    order: int
    template: str
    fields: Callable[[], Mapping[str, Any]]
    save: Callable[[Any, Consultation, Any], None]


_sections: dict[str, Section] = {}
_timelines: dict[str, Timeline] = {}
_consultation_parts: dict[str, ConsultationPart] = {}


def register_section(name: str, *, order: int, template: str, load: SectionLoader) -> None:
    """Show a section on every case file; a second registration of `name` replaces the first."""
    _sections[name] = Section(name, order, template, load)


def register_timeline(name: str, *, order: int, template: str, events: TimelineSource) -> None:
    """Merge a source's events into every case's timeline (ties keep the sources' order)."""
    _timelines[name] = Timeline(name, order, template, events)


def register_consultation_part(
    name: str,
    *,
    order: int,
    template: str,
    fields: Callable[[], Mapping[str, Any]],
    save: Callable[[Any, Consultation, Any], None],
) -> None:
    """Add fields to the consultation form (a second registration of `name` replaces it)."""
    _consultation_parts[name] = ConsultationPart(name, order, template, fields, save)


def consultation_parts() -> list[ConsultationPart]:
    return sorted(_consultation_parts.values(), key=lambda p: (p.order, p.name))


def registered_sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.name))


def registered_timelines() -> list[Timeline]:
    return sorted(_timelines.values(), key=lambda t: (t.order, t.name))


@dataclass(frozen=True)
class LoadedSection:
    """A section ready for the page: the case file includes `template` with `section` = data."""

    name: str
    template: str
    data: Mapping[str, Any]


def load_sections(actor, person: Person) -> list[LoadedSection]:
    """Every registered section, loaded for this person, in their order."""
    return [
        LoadedSection(section.name, section.template, section.load(actor, person))
        for section in registered_sections()
    ]


def timeline(actor, case: Case, limit: int = 200) -> list[TimelineEvent]:
    """The newest `limit` events of the case from every registered source, newest first."""
    events = []
    for source in registered_timelines():
        for event in source.events(actor, case, limit):
            events.append(event if event.template else replace(event, template=source.template))
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]


# --- the people package's own: next steps, and the casework on the timeline --------------


def _open_steps(actor, person: Person) -> dict[str, Any]:
    steps = db.session.scalars(
        select(NextStep)
        .where(NextStep.case_id == person.case.id, NextStep.done_at.is_(None))
        .options(lazyload(NextStep.case))  # this case, already loaded
        .order_by(NextStep.due_on)
    ).all()
    return {"steps": steps}


def _casework_events(actor, case: Case, limit: int) -> list[TimelineEvent]:
    """Consultations, aid given and status changes."""
    events = []
    for c in db.session.scalars(
        select(Consultation)
        .where(Consultation.case_id == case.id)
        .order_by(Consultation.at.desc())
        .limit(limit)
    ):
        events.append(TimelineEvent(c.at, "consultation", c))
    for a in db.session.scalars(
        select(AidEntry)
        .where(AidEntry.case_id == case.id)
        .order_by(AidEntry.given_on.desc())
        .limit(limit)
    ):
        events.append(
            TimelineEvent(
                a.created_at
                if to_local(a.created_at).date() == a.given_on
                else datetime.combine(a.given_on, datetime.min.time(), tzinfo=a.created_at.tzinfo),
                "aid",
                a,
            )
        )
    for s in db.session.scalars(
        select(CaseStatusChange)
        .where(CaseStatusChange.case_id == case.id)
        .order_by(CaseStatusChange.at.desc())
        .limit(limit)
    ):
        events.append(TimelineEvent(s.at, "status", s))
    return events


register_section("next_steps", order=20, template="people/_next_steps.html", load=_open_steps)
register_timeline(
    "casework", order=10, template="people/_timeline_casework.html", events=_casework_events
)
