"""Interpreter profiles (volunteers of the interpreter programme and paid interpreters), the
round settings, and what an appointment asks of its interpreter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from caseapp.appointments.models import Appointment
from caseapp.appointments.services.common import audit_appointment
from caseapp.audit import services as audit
from caseapp.core.errors import NotFound, StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.interpreters import varieties
from caseapp.interpreters.engine import MODES
from caseapp.interpreters.models import Interpreter, InterpreterNeed, InterpreterSettings
from caseapp.volunteers.labels import AVAILABLE_FOR_MATCHING, SLOTS, ProgrammeKind
from caseapp.volunteers.models import Application, Programme, Volunteer

GENDERS = ("female", "male", "diverse")
MAX_RATE_CENTS = 100_000  # 1,000 EUR an hour: anything above is a typing error
MAX_TRAVEL = 240


@dataclass
class InterpreterData:
    name: str = ""
    email: str = ""
    hourly_rate_cents: int = 0
    gender: str = ""
    languages: list[str] = field(default_factory=list)  # variety codes of the shipped list
    district_ids: list[int] = field(default_factory=list)
    availability: list[str] = field(default_factory=list)  # "0-morning", ...
    modes: list[str] = field(default_factory=lambda: list(MODES))
    pledge_signed_on: date | None = None
    active: bool = True


def _check(data: InterpreterData, paid: bool) -> None:
    errors: dict[str, str] = {}
    if paid and not data.name.strip():
        errors["name"] = _("This field is required.")
    if paid and "@" not in data.email:
        errors["email"] = _("Enter a valid e-mail address.")
    if paid and not 0 <= data.hourly_rate_cents <= MAX_RATE_CENTS:
        errors["hourly_rate"] = _("Please enter a number between %(min)s and %(max)s.") % {
            "min": 0,
            "max": MAX_RATE_CENTS // 100,
        }
    if not data.languages or any(c not in varieties.by_code() for c in data.languages):
        errors["languages"] = _("Please choose at least one language.")
    if not data.modes or any(m not in MODES for m in data.modes):
        errors["modes"] = _("Please choose at least one way of interpreting.")
    if any(s not in SLOTS for s in data.availability):
        errors["availability"] = _("Please choose from the list.")
    if data.gender and data.gender not in GENDERS:
        errors["gender"] = _("Please choose from the list.")
    if errors:
        raise ValidationFailed(errors)


def _apply(interpreter: Interpreter, data: InterpreterData) -> None:
    if interpreter.paid:
        interpreter.name = data.name.strip()
        interpreter.email = data.email.strip()
        interpreter.hourly_rate_cents = data.hourly_rate_cents
    interpreter.gender = data.gender
    interpreter.languages = sorted({varieties.stored(c) for c in data.languages})
    interpreter.district_ids = sorted(set(data.district_ids))
    interpreter.availability = [s for s in SLOTS if s in set(data.availability)]
    interpreter.modes = [m for m in MODES if m in set(data.modes)]
    interpreter.pledge_signed_on = data.pledge_signed_on
    interpreter.active = data.active


def create_paid(actor, data: InterpreterData) -> Interpreter:
    _check(data, paid=True)
    interpreter = Interpreter()
    _apply(interpreter, data)
    db.session.add(interpreter)
    db.session.flush()
    audit.record(actor, "create", "interpreter", interpreter.id)
    return interpreter


def create_for_volunteer(actor, volunteer: Volunteer) -> Interpreter:
    """The interpreter profile of a volunteer, filled from their volunteer profile."""
    existing = db.session.scalar(
        select(Interpreter).where(Interpreter.volunteer_id == volunteer.id)
    )
    if existing is not None:
        return existing
    interpreter = Interpreter(
        volunteer_id=volunteer.id,
        gender=volunteer.gender if volunteer.gender in GENDERS else "",
        languages=sorted(
            {
                varieties.stored(entry["code"])
                for entry in volunteer.languages or []
                if entry.get("code")
            }
        ),
        district_ids=[volunteer.district_id] if volunteer.district_id else [],
        availability=list(volunteer.availability or []),
        modes=list(MODES),
    )
    db.session.add(interpreter)
    db.session.flush()
    audit.record(actor, "create", "interpreter", interpreter.id)
    return interpreter


def update_interpreter(actor, interpreter: Interpreter, data: InterpreterData, version: int):
    if interpreter.version != version:
        raise StaleVersion(interpreter)
    _check(data, paid=interpreter.paid)
    _apply(interpreter, data)
    db.session.flush()
    audit.record(actor, "update", "interpreter", interpreter.id)
    return interpreter


def get_interpreter(interpreter_id: int) -> Interpreter:
    interpreter = db.session.get(Interpreter, interpreter_id)
    if interpreter is None:
        raise NotFound()
    return interpreter


def all_interpreters() -> list[Interpreter]:
    return list(db.session.scalars(select(Interpreter).order_by(Interpreter.id)))


def programme_volunteers_without_profile() -> list[Volunteer]:
    """Volunteers trained or active in an interpreter programme who have no profile yet."""
    have = select(Interpreter.volunteer_id).where(Interpreter.volunteer_id.is_not(None))
    engaged = (
        select(Application.volunteer_id)
        .join(Programme, Programme.id == Application.programme_id)
        .where(
            Programme.kind == ProgrammeKind.INTERPRETER,
            Application.status.in_(AVAILABLE_FOR_MATCHING),
        )
    )
    # IN rather than a join with DISTINCT: PostgreSQL cannot compare the JSON columns.
    return list(
        db.session.scalars(
            select(Volunteer)
            .where(Volunteer.id.in_(engaged), Volunteer.id.not_in(have))
            .order_by(Volunteer.id)
        )
    )


def engaged_volunteer_ids() -> set[int]:
    """Volunteers who may interpret now: trained or active in an interpreter programme."""
    return set(
        db.session.scalars(
            select(Application.volunteer_id)
            .join(Programme, Programme.id == Application.programme_id)
            .where(
                Programme.kind == ProgrammeKind.INTERPRETER,
                Application.status.in_(AVAILABLE_FOR_MATCHING),
            )
        )
    )


def interpreter_for_user(user) -> Interpreter | None:
    return db.session.scalar(
        select(Interpreter).join(Volunteer).where(Volunteer.user_id == user.id)
    )


def get_settings() -> InterpreterSettings:
    settings = db.session.scalar(select(InterpreterSettings).order_by(InterpreterSettings.id))
    if settings is None:
        settings = InterpreterSettings(travel_minutes=30, budget_cents=None)
        db.session.add(settings)
        db.session.flush()
    return settings


def save_settings(actor, travel_minutes: int, budget_cents: int | None, version: int):
    settings = get_settings()
    if settings.version != version:
        raise StaleVersion(settings)
    errors = {}
    if not 0 <= travel_minutes <= MAX_TRAVEL:
        errors["travel_minutes"] = _("Please enter a number between %(min)s and %(max)s.") % {
            "min": 0,
            "max": MAX_TRAVEL,
        }
    if budget_cents is not None and budget_cents < 0:
        errors["budget"] = _("Please enter a number between %(min)s and %(max)s.") % {
            "min": 0,
            "max": 1_000_000,
        }
    if errors:
        raise ValidationFailed(errors)
    settings.travel_minutes = travel_minutes
    settings.budget_cents = budget_cents
    db.session.flush()
    audit.record(actor, "update", "interpreter_settings", settings.id)
    return settings


@dataclass
class NeedData:
    variety: str = ""
    variety_strict: bool = False
    gender: str = ""
    gender_strict: bool = False
    mode: str = "in_person"


def need_of(appointment: Appointment) -> InterpreterNeed | None:
    return db.session.scalar(
        select(InterpreterNeed).where(InterpreterNeed.appointment_id == appointment.id)
    )


def save_need(actor, appointment: Appointment, data: NeedData) -> InterpreterNeed:
    """What the appointment asks of its interpreter (the caseworker's setting)."""
    errors = {}
    if data.variety and varieties.language_of(data.variety) != appointment.interpreter_language:
        errors["variety"] = _("Please choose from the list.")
    if data.gender and data.gender not in GENDERS:
        errors["gender"] = _("Please choose from the list.")
    if data.mode not in MODES:
        errors["mode"] = _("Please choose from the list.")
    if errors:
        raise ValidationFailed(errors)
    need = need_of(appointment) or InterpreterNeed(appointment_id=appointment.id)
    need.variety = data.variety
    need.variety_strict = bool(data.variety and data.variety_strict)
    need.gender = data.gender
    need.gender_strict = bool(data.gender and data.gender_strict)
    need.mode = data.mode
    db.session.add(need)
    db.session.flush()
    # Filed under the person, naming the appointment, as the appointments' own entries are.
    audit_appointment(actor, "update_interpreter_need", appointment)
    return need
