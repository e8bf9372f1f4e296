"""Interpreter rounds: read what a period needs, let the engine propose, store, offer."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from caseapp.appointments.models import SCHEDULED, Appointment
from caseapp.appointments.services import day_bounds
from caseapp.audit import services as audit
from caseapp.auth import scope
from caseapp.core.clock import local_today, to_local, utcnow
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.interpreters import engine, varieties
from caseapp.interpreters.models import (
    DECLINED,
    HOLDING,
    OFFERED,
    PROPOSED,
    WITHDRAWN,
    Interpreter,
    InterpreterAssignment,
    InterpreterNeed,
    InterpreterRound,
    InterpreterUnmatched,
)
from caseapp.interpreters.services import notices
from caseapp.interpreters.services.profiles import engaged_volunteer_ids, get_settings
from caseapp.offices.models import Office

MAX_PERIOD_DAYS = 31
# The local hours of the volunteers' dayparts, as interpreters' availability uses them.
DAYPART_MINUTES = {
    "morning": (8 * 60, 12 * 60),
    "afternoon": (12 * 60, 17 * 60),
    "evening": (17 * 60, 21 * 60),
}


@dataclass
class RoundInputs:
    starts_on: date
    ends_on: date
    needs: list[engine.Need]
    interpreters: list[engine.Interpreter]
    settings: engine.Settings


def _local(instant: datetime) -> datetime:
    return to_local(instant).replace(tzinfo=None)


def _windows(slots: list[str]) -> tuple[tuple[int, int, int], ...]:
    out = []
    for slot in slots:
        day, _sep, part = slot.partition("-")
        if part in DAYPART_MINUTES and day.isdigit():
            out.append((int(day), *DAYPART_MINUTES[part]))
    return tuple(sorted(out))


def check_period(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise ValidationFailed({"ends_on": _("The end must be after the start.")})
    if (ends_on - starts_on).days >= MAX_PERIOD_DAYS:
        raise ValidationFailed(
            {"ends_on": _("A round covers at most %(days)d days.") % {"days": MAX_PERIOD_DAYS}}
        )


def open_appointments(actor, starts_on: date, ends_on: date) -> list[Appointment]:
    """Upcoming appointments of the period that need an interpreter and have none."""
    start = max(day_bounds(starts_on)[0], utcnow())
    end = day_bounds(ends_on)[1]
    held = select(InterpreterAssignment.holding_appointment_id).where(
        InterpreterAssignment.holding_appointment_id.is_not(None)
    )
    stmt = (
        select(Appointment)
        .where(
            Appointment.status == SCHEDULED,
            Appointment.interpreter_language != "",
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
            Appointment.id.not_in(held),
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return list(db.session.scalars(scope.scoped(stmt, Appointment.office_id, actor)))


def load_round(actor, starts_on: date, ends_on: date) -> RoundInputs:
    check_period(starts_on, ends_on)
    appointments = open_appointments(actor, starts_on, ends_on)
    ids = [a.id for a in appointments]
    needs_by_id = {
        n.appointment_id: n
        for n in db.session.scalars(
            select(InterpreterNeed).where(InterpreterNeed.appointment_id.in_(ids or [0]))
        )
    }
    office_districts = {
        o.id: frozenset(d.id for d in o.districts) for o in db.session.scalars(select(Office))
    }
    needs = []
    for a in appointments:
        wish = needs_by_id.get(a.id)
        needs.append(
            engine.Need(
                id=a.id,
                office_id=a.office_id,
                districts=office_districts.get(a.office_id, frozenset()),
                starts_at=_local(a.starts_at),
                ends_at=_local(a.ends_at),
                language=a.interpreter_language,
                variety=wish.variety if wish else "",
                variety_strict=bool(wish and wish.variety_strict),
                gender=wish.gender if wish else "",
                gender_strict=bool(wish and wish.gender_strict),
                mode=wish.mode if wish else engine.IN_PERSON,
            )
        )
    interpreters = _load_interpreters(starts_on, ends_on, set(ids))
    settings = get_settings()
    return RoundInputs(
        starts_on,
        ends_on,
        needs,
        interpreters,
        engine.Settings(settings.travel_minutes, settings.budget_cents),
    )


def _load_interpreters(starts_on: date, ends_on: date, need_ids: set[int]):
    today = local_today()
    engaged = engaged_volunteer_ids()
    rows = [
        i
        for i in db.session.scalars(select(Interpreter).where(Interpreter.active.is_(True)))
        if i.volunteer_id is None or i.volunteer_id in engaged
    ]
    start = day_bounds(starts_on - timedelta(days=1))[0]
    end = day_bounds(ends_on + timedelta(days=1))[1]
    bookings: dict[int, list[engine.Booking]] = {}
    declined: dict[int, set[int]] = {}
    # The appointment's current time counts (it may have moved); a cancelled one holds nothing.
    rows_held = db.session.execute(
        select(InterpreterAssignment, Appointment)
        .join(Appointment, Appointment.id == InterpreterAssignment.appointment_id)
        .where(
            Appointment.starts_at < end,
            Appointment.ends_at > start,
            InterpreterAssignment.status.in_((*HOLDING, DECLINED)),
        )
    ).all()
    for a, appointment in rows_held:
        if a.status == DECLINED:
            declined.setdefault(a.interpreter_id, set()).add(a.appointment_id)
        elif appointment.status == SCHEDULED:
            bookings.setdefault(a.interpreter_id, []).append(
                engine.Booking(
                    _local(appointment.starts_at),
                    _local(appointment.ends_at),
                    appointment.office_id,
                    a.mode,
                )
            )
    out = []
    for i in rows:
        out.append(
            engine.Interpreter(
                id=i.id,
                languages=frozenset(varieties.parse(v) for v in i.languages),
                gender=i.gender,
                paid=i.paid,
                hourly_rate_cents=i.hourly_rate_cents if i.paid else 0,
                districts=frozenset(i.district_ids),
                availability=_windows(i.availability),
                modes=frozenset(i.modes),
                pledge=i.pledge_signed_on is not None and i.pledge_signed_on <= today,
                bookings=tuple(bookings.get(i.id, ())),
                declined=frozenset(declined.get(i.id, set()) & need_ids),
            )
        )
    return out


def propose(actor, inputs: RoundInputs, *, time_limit: float = 4.0) -> InterpreterRound:
    """Run the engine on the inputs and store its proposals and non-matches as a round."""
    plan = engine.plan_round(
        inputs.needs, inputs.interpreters, inputs.settings, time_limit=time_limit
    )
    by_need = {n.id: n for n in inputs.needs}
    appointments = {
        a.id: a
        for a in db.session.scalars(
            select(Appointment).where(Appointment.id.in_(list(by_need) or [0]))
        )
    }
    stats = dict(plan.stats)
    stats["timings"] = {k: round(v, 3) for k, v in plan.timings.items()}
    round_ = InterpreterRound(
        starts_on=inputs.starts_on,
        ends_on=inputs.ends_on,
        created_by_id=getattr(actor, "id", None),
        optimal=plan.optimal,
        stats=stats,
    )
    db.session.add(round_)
    db.session.flush()
    for p in plan.proposals:
        a = appointments[p.need_id]
        db.session.add(
            InterpreterAssignment(
                round_id=round_.id,
                appointment_id=a.id,
                interpreter_id=p.interpreter_id,
                holding_appointment_id=a.id,
                status=PROPOSED,
                starts_at=a.starts_at,
                ends_at=a.ends_at,
                office_id=a.office_id,
                mode=by_need[a.id].mode,
                score=p.score,
                reasons=list(p.reasons),
                cost_cents=p.cost_cents,
            )
        )
    for u in plan.unmatched:
        db.session.add(
            InterpreterUnmatched(
                round_id=round_.id,
                appointment_id=u.need_id,
                reason=u.reason,
                blocked_by=[list(x) for x in u.blocked_by],
                candidates=u.candidates,
            )
        )
    db.session.flush()
    audit.record(
        actor,
        "run_interpreter_round",
        "interpreter_round",
        round_.id,
        details={"proposals": len(plan.proposals), "unmatched": len(plan.unmatched)},
    )
    return round_


def run_round(actor, starts_on: date, ends_on: date, *, time_limit: float = 4.0):
    return propose(actor, load_round(actor, starts_on, ends_on), time_limit=time_limit)


def get_round(actor, round_id: int) -> InterpreterRound:
    round_ = db.session.get(InterpreterRound, round_id)
    if round_ is None:
        raise NotFound()
    return round_


def round_assignments(actor, round_: InterpreterRound) -> list[InterpreterAssignment]:
    """The round's assignments on appointments of offices the actor may see."""
    stmt = (
        select(InterpreterAssignment)
        .where(InterpreterAssignment.round_id == round_.id)
        .order_by(InterpreterAssignment.starts_at, InterpreterAssignment.id)
    )
    return list(db.session.scalars(scope.scoped(stmt, InterpreterAssignment.office_id, actor)))


def round_unmatched(actor, round_: InterpreterRound) -> list[InterpreterUnmatched]:
    visible = scope.visible_office_ids(actor)
    return [
        u
        for u in sorted(round_.unmatched, key=lambda u: (u.appointment.starts_at, u.id))
        if visible is None or u.appointment.office_id in visible
    ]


def recent_rounds(limit: int = 20) -> list[InterpreterRound]:
    return list(
        db.session.scalars(
            select(InterpreterRound).order_by(InterpreterRound.id.desc()).limit(limit)
        )
    )


def _assignment(actor, assignment_id: int) -> InterpreterAssignment:
    assignment = db.session.get(InterpreterAssignment, assignment_id)
    if assignment is None or not scope.can_see(actor, assignment.office_id):
        raise NotFound()
    return assignment


def confirm(actor, round_: InterpreterRound, assignment_ids: list[int]) -> int:
    """Offer the chosen proposals to their interpreters (e-mail through the outbox)."""
    count = 0
    today = local_today()
    for assignment in round_assignments(actor, round_):
        if assignment.id not in assignment_ids or assignment.status != PROPOSED:
            continue
        interpreter = assignment.interpreter
        if interpreter.pledge_signed_on is None or interpreter.pledge_signed_on > today:
            continue  # never offered without a confidentiality pledge
        assignment.status = OFFERED
        assignment.offered_at = utcnow()
        if interpreter.paid:
            assignment.token = secrets.token_urlsafe(32)
        db.session.flush()
        notices.offer(assignment)
        audit.record(
            actor,
            "offer_interpreter",
            "interpreter_assignment",
            assignment.id,
            office_id=assignment.office_id,
        )
        count += 1
    return count


def withdraw(actor, assignment_id: int) -> InterpreterAssignment:
    assignment = _assignment(actor, assignment_id)
    if assignment.status not in (PROPOSED, OFFERED):
        raise ValidationFailed({"": _("This assignment can no longer be changed.")})
    was_offered = assignment.status == OFFERED
    assignment.status = WITHDRAWN
    assignment.holding_appointment_id = None
    assignment.decided_at = utcnow()
    db.session.flush()
    if was_offered:
        notices.withdrawn(assignment)
    audit.record(
        actor,
        "withdraw_interpreter",
        "interpreter_assignment",
        assignment.id,
        office_id=assignment.office_id,
    )
    return assignment
