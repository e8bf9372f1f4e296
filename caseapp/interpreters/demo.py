"""Demo interpreters: profiles for the volunteers of the interpreter programme (with varieties
and a pledge), two paid interpreters, wishes on a few appointments (idempotent)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from caseapp.appointments.models import SCHEDULED, Appointment
from caseapp.core.clock import local_today, utcnow
from caseapp.extensions import db
from caseapp.interpreters import services
from caseapp.interpreters.models import Interpreter, InterpreterNeed

WEEKDAYS = [f"{d}-{p}" for d in range(5) for p in ("morning", "afternoon")]
PAID = [
    ("Samira Haddad", "s.haddad@dolmetschen.example", 4500, "female", ["ar-levant", "ar-iraq"]),
    ("Ahmad Karimi", "a.karimi@dolmetschen.example", 5200, "male", ["fa-prs", "fa-ir", "ps"]),
]
VARIETY_OF = {"ar": "ar-levant", "ku": "ku-kmr", "fa": "fa-prs"}


def seed() -> None:
    if db.session.scalar(select(Interpreter.id).limit(1)) is not None:
        return
    pledge = local_today() - timedelta(days=30)
    for volunteer in services.programme_volunteers_without_profile():
        interpreter = services.create_for_volunteer(None, volunteer)
        interpreter.languages = sorted(
            {
                f"{code}:{VARIETY_OF.get(code, '')}"
                for code in (v.split(":")[0] for v in interpreter.languages)
            }
        )
        interpreter.availability = interpreter.availability or WEEKDAYS[::2]
        interpreter.pledge_signed_on = pledge
    for name, email, rate, gender, languages in PAID:
        services.create_paid(
            None,
            services.InterpreterData(
                name=name,
                email=email,
                hourly_rate_cents=rate,
                gender=gender,
                languages=languages,
                availability=WEEKDAYS,
                pledge_signed_on=pledge,
            ),
        )
    upcoming = db.session.scalars(
        select(Appointment)
        .where(
            Appointment.status == SCHEDULED,
            Appointment.interpreter_language != "",
            Appointment.starts_at > utcnow(),
        )
        .order_by(Appointment.starts_at)
        .limit(6)
    ).all()
    for k, appointment in enumerate(upcoming):
        db.session.add(
            InterpreterNeed(
                appointment_id=appointment.id,
                variety=VARIETY_OF.get(appointment.interpreter_language, ""),
                variety_strict=k % 3 == 0,
                gender="female" if k % 2 == 0 else "",
                gender_strict=False,
                mode="phone" if k == 5 else "in_person",
            )
        )
    db.session.flush()
