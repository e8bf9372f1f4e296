"""The deadline scan: derive deadlines from stored dates, mark missed ones, give warnings.

Run by `flask --app wsgi deadlines scan` and by the worker's schedule (periodic.py). Every
step is set-based and idempotent, so a second run the same day changes nothing:

1. missed — one UPDATE: open deadlines before today become missed.
2. derive — per active derived kind, one read of (person, source date), the rule applied
   in Python (month ends and leap days, see rules.py), then inserts of the deadlines not
   there yet and deletes of open derived deadlines whose source date changed or went away,
   in batches. Only persons whose deadline can fall today or later are read (a bound on
   the source date in SQL); a derived deadline already past when first seen is not added.
3. warn — per kind and warning offset, the open deadlines whose nearest due warning has not
   been given (no warning row at that or a nearer offset): a next step for the case's
   caseworker (unless one from an earlier warning is still open), a warning row (unique per
   deadline and offset) and a reminder through the outbox where the newcomer agreed to
   reminders (dedupe key per deadline, offset and channel).

It commits after each batch (as the reminders and the import do), so a long first run does
not hold SQLite's write lock for its whole length.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import delete, exists, insert, select, update

from caseapp.deadlines import rules
from caseapp.deadlines.models import MISSED, OPEN, Deadline, DeadlineKind, DeadlineWarning
from caseapp.extensions import db
from caseapp.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, format_day
from caseapp.outbox.services import enqueue
from caseapp.people.models import Case, Consent, NextStep, Person

BATCH = 2000


@dataclass
class ScanReport:
    added: int = 0
    removed: int = 0
    missed: int = 0
    warnings: int = 0
    next_steps: int = 0
    reminders: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # per step, for the operator

    def __str__(self) -> str:
        return (
            f"derived {self.added} new, removed {self.removed} superseded, "
            f"{self.missed} missed, {self.warnings} warnings "
            f"({self.next_steps} next steps, {self.reminders} reminders)"
            + "".join(f"; {step} {sec:.1f} s" for step, sec in self.seconds.items())
        )


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def derived_key(person_id: int, kind_id: int, due: date) -> str:
    return f"{person_id}:{kind_id}:{due.isoformat()}"


def _source_rows(kind: DeadlineKind, today: date):
    """(person id, office id, source date) of the persons whose deadline of this kind may
    fall today or later: the bound is set in SQL, with a margin for month ends."""
    live = Person.merged_into_id.is_(None)
    ahead_years = max(kind.months, 0) // 12 + max(kind.days, 0) // 365
    if kind.source == "birth_date":
        rows = db.session.execute(
            select(
                Person.id, Person.office_id, Person.birth_year, Person.birth_month, Person.birth_day
            ).where(
                live,
                Person.birth_year >= today.year - kind.age_years - ahead_years - 3,
                Person.birth_month.is_not(None),
                Person.birth_day.is_not(None),
            )
        )
        for pid, office, y, m, d in rows:
            try:
                yield pid, office, date(y, m, d)
            except ValueError:
                continue
        return
    column = getattr(Person, kind.source)
    try:
        low = rules.add_months(today - timedelta(days=kind.days), -kind.months)
        low -= timedelta(days=4)
    except (ValueError, OverflowError):
        low = date.min
    yield from db.session.execute(
        select(Person.id, Person.office_id, column).where(live, column >= low)
    )


def derive_kind(kind: DeadlineKind, today: date, commit) -> tuple[int, int]:
    """Bring one derived kind's deadlines up to date; returns (added, removed)."""
    rule = kind.as_rule
    existing: set[str] = set()
    open_rows: dict[int, list[tuple[int, str]]] = {}
    # Run after mark_missed: every open row is due today or later, like every new one.
    for row_id, person_id, key, status in db.session.execute(
        select(Deadline.id, Deadline.person_id, Deadline.derived_key, Deadline.status).where(
            Deadline.kind_id == kind.id,
            Deadline.derived_key.is_not(None),
            Deadline.due_on >= today,
        )
    ):
        existing.add(key)
        if status == OPEN:
            open_rows.setdefault(person_id, []).append((row_id, key))
    new_rows, wanted = [], {}
    for person_id, office_id, start in _source_rows(kind, today):
        due = rules.derive(rule, start)
        if due is None:
            continue
        key = derived_key(person_id, kind.id, due)
        wanted[person_id] = key
        if key not in existing and due >= today:
            existing.add(key)
            new_rows.append(
                {
                    "person_id": person_id,
                    "office_id": office_id,
                    "kind_id": kind.id,
                    "due_on": due,
                    "source_date": start,
                    "derived_key": key,
                    "note": "",
                    "status": OPEN,
                }
            )
    stale = [
        row_id
        for person_id, rows in open_rows.items()
        for row_id, key in rows
        if wanted.get(person_id) != key
    ]
    for chunk in _chunks(stale):
        db.session.execute(delete(DeadlineWarning).where(DeadlineWarning.deadline_id.in_(chunk)))
        db.session.execute(delete(Deadline).where(Deadline.id.in_(chunk)))
        commit()
    for chunk in _chunks(new_rows):
        db.session.execute(Deadline.__table__.insert(), chunk)  # Core: no ORM bookkeeping
        commit()
    return len(new_rows), len(stale)


def mark_missed(today: date, now: datetime) -> int:
    result = db.session.execute(
        update(Deadline)
        .where(Deadline.status == OPEN, Deadline.due_on < today)
        .values(status=MISSED, missed_at=now)
    )
    return result.rowcount or 0


def _due_for_warning(kind: DeadlineKind, weeks: int, nearer: int | None, today: date):
    """Open deadlines of the kind whose nearest due warning is `weeks` and was not given."""
    low = today if nearer is None else today + timedelta(weeks=nearer, days=1)
    given = exists().where(
        DeadlineWarning.deadline_id == Deadline.id, DeadlineWarning.weeks <= weeks
    )
    return db.session.execute(
        select(Deadline.id, Deadline.person_id, Deadline.due_on, Case.id, Case.caseworker_id)
        .join(Person, Person.id == Deadline.person_id)
        .join(Case, Case.person_id == Person.id)
        .where(
            Deadline.kind_id == kind.id,
            Deadline.status == OPEN,
            Deadline.due_on.between(low, today + timedelta(weeks=weeks)),
            Person.merged_into_id.is_(None),
            ~given,
        )
        .order_by(Deadline.id)
    ).all()


def _open_steps(deadline_ids: list[int]) -> set[int]:
    """Deadlines that still have an open next step from an earlier warning."""
    return set(
        db.session.scalars(
            select(DeadlineWarning.deadline_id)
            .join(NextStep, NextStep.id == DeadlineWarning.next_step_id)
            .where(DeadlineWarning.deadline_id.in_(deadline_ids), NextStep.done_at.is_(None))
        )
    )


def _languages(user_ids: set[int]) -> dict[int, str]:
    from caseapp.auth.models import User

    if not user_ids:
        return {}
    return dict(
        db.session.execute(
            select(User.id, User.preferred_language).where(User.id.in_(user_ids))
        ).all()
    )


def step_text(kind: DeadlineKind, due: date, language: str) -> str:
    """The next step's description in the caseworker's language."""
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    with force_locale(language):
        return _step_text(kind, due, language)


def _step_text(kind: DeadlineKind, due: date, language: str) -> str:
    """step_text inside force_locale(language) (one locale switch per batch and language)."""
    text = _(
        "Deadline %(deadline)s on %(date)s: %(step)s",
        deadline=kind.name(language),
        date=format_day(due, "medium"),
        step=kind.text("next_step", language),
    )
    return text[:500]


def _step_texts(kind: DeadlineKind, wanted: list[tuple[int, date, str]]) -> dict[int, str]:
    """deadline id -> next-step text, for (deadline id, due, caseworker language) triples."""
    by_language: dict[str, list[tuple[int, date]]] = {}
    for deadline_id, due, language in wanted:
        language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        by_language.setdefault(language, []).append((deadline_id, due))
    texts = {}
    for language, rows in by_language.items():
        with force_locale(language):
            for deadline_id, due in rows:
                texts[deadline_id] = _step_text(kind, due, language)
    return texts


def _may_remind(person_ids: list[int]) -> set[int]:
    """Persons who may have agreed to reminders (checked exactly by contacts_for)."""
    from caseapp.portal.models import PortalAccess

    via_portal = db.session.scalars(
        select(PortalAccess.person_id).where(
            PortalAccess.person_id.in_(person_ids), PortalAccess.reminder_consent_at.is_not(None)
        )
    )
    via_consent = db.session.scalars(
        select(Consent.person_id).where(
            Consent.person_id.in_(person_ids),
            Consent.purpose == "reminders",
            Consent.withdrawn_on.is_(None),
        )
    )
    return set(via_portal) | set(via_consent)


def queue_reminder(
    person: Person, kind: DeadlineKind, deadline_id: int, due: date, weeks: int
) -> int:
    """The newcomer's reminder in their language, by each channel they agreed to."""
    from caseapp.appointments.reminders import contacts_for, portal_url
    from caseapp.portal.access import newcomer_language

    targets = contacts_for(person)
    if not targets:
        return 0
    language = newcomer_language(person)
    context = {
        "person": person,
        "due_on": due,
        "name": kind.name(language),
        "explanation": kind.text("explanation", language),
        "next_step": kind.text("next_step", language),
        "documents": kind.text("documents", language),
        "office": person.office,
        "portal_url": portal_url(language),
    }
    queued = 0
    with force_locale(language):
        for target in targets:
            if target.channel == "email":
                rendered = render_template("deadlines/emails/reminder.txt", **context)
                subject, _sep, body = rendered.strip().partition("\n")
            else:
                subject = ""
                body = render_template("deadlines/emails/sms_reminder.txt", **context)
            message = enqueue(
                target.recipient,
                subject.strip(),
                body.strip() + "\n",
                language=language,
                channel=target.channel,
                dedupe_key=f"deadline:{deadline_id}:{weeks}w:{target.channel}",
            )
            queued += message is not None
    return queued


def _warn_batch(kind, weeks, chunk, today, now, report: ScanReport) -> None:
    """One batch of warnings: next steps (bulk), reminders, warning rows (bulk)."""
    ids = [r[0] for r in chunk]
    still_open = _open_steps(ids)
    languages = _languages({r[4] for r in chunk if r[4]})
    fresh = [row for row in chunk if row[0] not in still_open]
    texts = _step_texts(kind, [(r[0], r[2], languages.get(r[4], "")) for r in fresh])
    steps = [
        (
            deadline_id,
            {
                "case_id": case_id,
                "description": texts[deadline_id],
                "due_on": today,
                "owner_id": owner_id,
            },
        )
        for deadline_id, _person_id, _due, case_id, owner_id in fresh
    ]
    step_ids = {}
    if steps:
        made = db.session.scalars(
            insert(NextStep).returning(NextStep.id, sort_by_parameter_order=True),
            [values for _id, values in steps],
        ).all()
        step_ids = {
            deadline_id: step_id for (deadline_id, _v), step_id in zip(steps, made, strict=True)
        }
    report.next_steps += len(step_ids)
    remindable = _may_remind([r[1] for r in chunk])
    persons = {}
    if remindable:
        persons = {
            p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(remindable)))
        }
    warnings = []
    for deadline_id, person_id, due, _case_id, _owner_id in chunk:
        sent = 0
        if person_id in persons:
            sent = queue_reminder(persons[person_id], kind, deadline_id, due, weeks)
        warnings.append(
            {
                "deadline_id": deadline_id,
                "weeks": weeks,
                "next_step_id": step_ids.get(deadline_id),
                "reminders": sent,
                "at": now,
            }
        )
        report.reminders += sent
    db.session.execute(DeadlineWarning.__table__.insert(), warnings)
    report.warnings += len(warnings)


def warn_kind(kind: DeadlineKind, today: date, now: datetime, commit, report: ScanReport) -> None:
    nearer = None
    for weeks in sorted(set(kind.warn_weeks or [])):
        rows = _due_for_warning(kind, weeks, nearer, today)
        nearer = weeks
        for chunk in _chunks(rows, 500):
            _warn_batch(kind, weeks, chunk, today, now, report)
            commit()


def scan(today: date, now: datetime, *, commit=None) -> ScanReport:
    """The whole scan (see the module docstring); `commit` is called after each batch."""
    commit = commit or db.session.commit
    report = ScanReport()
    started = time.perf_counter()
    kinds = db.session.scalars(
        select(DeadlineKind).where(DeadlineKind.active.is_(True)).order_by(DeadlineKind.id)
    ).all()
    report.missed = mark_missed(today, now)
    commit()
    report.seconds["missed"] = time.perf_counter() - started
    for kind in kinds:
        if kind.as_rule.derived:
            added, removed = derive_kind(kind, today, commit)
            report.added += added
            report.removed += removed
    report.seconds["derive"] = time.perf_counter() - started - report.seconds["missed"]
    for kind in kinds:
        warn_kind(kind, today, now, commit, report)
    report.seconds["warn"] = time.perf_counter() - started - sum(report.seconds.values())
    return report
