"""Interpreter builders shared by the service, view and browser tests: volunteer and paid
interpreters, appointments that need one (for a person whose name carries MARKER), rounds."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.core.clock import local_today
from caseapp.extensions import db
from caseapp.interpreters import services
from caseapp.interpreters.models import InterpreterAssignment
from caseapp.volunteers.models import Application, Programme, Volunteer
from tests.factories.appointments import book, make_person

WEEKDAYS = [f"{d}-{p}" for d in range(7) for p in ("morning", "afternoon")]
MARKER = "ZQXMARKER"


def make_volunteer_interpreter(app, email: str, *, languages=("ar-levant",), gender="female"):
    """A volunteer trained in the interpreter programme, with an interpreter profile."""
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == email))
        programme = db.session.scalar(select(Programme).where(Programme.kind == "interpreter"))
        if programme is None:
            programme = Programme(kind="interpreter", name_de="Ehrenamtliche Sprachmittlung")
            db.session.add(programme)
            db.session.flush()
        volunteer = Volunteer(
            user_id=user.id, languages=[{"code": "ar", "level": "native"}], gender=gender
        )
        db.session.add(volunteer)
        db.session.flush()
        db.session.add(
            Application(volunteer_id=volunteer.id, programme_id=programme.id, status="active")
        )
        db.session.flush()
        interpreter = services.create_for_volunteer(None, volunteer)
        services.update_interpreter(
            None,
            interpreter,
            services.InterpreterData(
                gender=gender,
                languages=list(languages),
                availability=WEEKDAYS,
                pledge_signed_on=local_today() - timedelta(days=10),
            ),
            interpreter.version,
        )
        db.session.commit()
        return interpreter.id


def make_paid(app, *, name="Samira Haddad", email="samira@dolmetschen.example", rate=4500, **kw):
    with app.test_request_context():
        data = services.InterpreterData(
            name=name,
            email=email,
            hourly_rate_cents=rate,
            gender=kw.get("gender", "female"),
            languages=list(kw.get("languages", ["ar-levant"])),
            availability=WEEKDAYS,
            pledge_signed_on=kw.get("pledge", local_today() - timedelta(days=3)),
        )
        interpreter = services.create_paid(None, data)
        db.session.commit()
        return interpreter.id


_names = iter(["Amal", "Basma", "Dalia", "Farah", "Hiba", "Jana", "Lina", "Maya", "Nour"])


def marked_person(app, setup):
    """A person whose name carries the marker no interpreter may ever see."""
    return make_person(app, setup, given=f"{next(_names, 'Rana')}{MARKER}", family=f"N{MARKER}")


def book_with_interpreter(app, setup, start, person=None, **kw):
    """An appointment needing an interpreter (by default for a new marked person)."""
    person = person or marked_person(app, setup)
    kw.setdefault("interpreter_language", "ar")
    kw.setdefault("purpose", f"Asylverfahren {MARKER}")
    kw.setdefault("notes_for_newcomer", f"Reisepass {MARKER}")
    return book(app, setup, start, person=person, **kw)


def run_round(app, actor_email=None, days=6):
    with app.test_request_context():
        actor = (
            db.session.scalar(select(User).where(User.email == actor_email))
            if actor_email
            else None
        )
        round_ = services.run_round(actor, local_today(), local_today() + timedelta(days=days))
        db.session.commit()
        return round_.id


def assignments(app):
    with app.app_context():
        return [
            (a.appointment_id, a.interpreter_id, a.status)
            for a in db.session.scalars(
                select(InterpreterAssignment).order_by(InterpreterAssignment.id)
            )
        ]
