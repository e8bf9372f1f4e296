"""Booking on the real database: rules, double bookings (also concurrent), history, attendance.

The factory helpers here are used by the other appointment and portal tests as well.
"""

from __future__ import annotations

import threading
from datetime import UTC, timedelta

import pytest
from sqlalchemy import func, select

from caseapp.appointments import services
from caseapp.appointments.models import Appointment, AppointmentChange
from caseapp.auth.models import User
from caseapp.core.clock import utcnow
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from tests.factories.appointments import (  # noqa: F401 - moved; imported back for existing imports
    ALL_DAY,
    book,
    data_for,
    make_person,
    next_day_at,
    setup_office,
)


@pytest.fixture
def setup(app, make_user):
    return setup_office(app, make_user)


def _actor(setup, n=0):
    return db.session.get(User, setup["worker_ids"][n])


def _person(setup):
    from caseapp.people.models import Person

    return db.session.get(Person, setup["person"])


def _count() -> int:
    return db.session.scalar(select(func.count(Appointment.id)))


def test_booking_writes_history_and_audit(app, ctx, setup):
    from caseapp.audit.models import AuditEntry

    start = next_day_at(10)
    appointment = services.book_appointment(
        _actor(setup),
        _person(setup),
        data_for(setup, start, need_area="housing", notes_for_newcomer="Pass mitbringen"),
        now=utcnow(),
    )
    db.session.commit()
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=30)
    assert appointment.status == "scheduled"
    [change] = services.history(appointment)
    assert change.action == "booked" and change.new_starts_at == start
    assert db.session.scalar(
        select(AuditEntry.id).where(
            AuditEntry.action == "book_appointment", AuditEntry.record_id == setup["person"]
        )
    )


def test_double_booking_of_caseworker_or_room_is_refused(app, ctx, setup):
    start = next_day_at(10)
    services.book_appointment(_actor(setup), _person(setup), data_for(setup, start), now=utcnow())
    db.session.commit()
    other = make_person(app, setup)
    from caseapp.people.models import Person

    # Same caseworker, other room, overlapping by 15 minutes.
    with pytest.raises(ValidationFailed) as error:
        services.book_appointment(
            _actor(setup),
            db.session.get(Person, other),
            data_for(setup, start + timedelta(minutes=15), room=1),
            now=utcnow(),
        )
    assert "caseworker" in error.value.errors
    db.session.rollback()
    # Same room, other caseworker.
    with pytest.raises(ValidationFailed) as error:
        services.book_appointment(
            _actor(setup),
            db.session.get(Person, other),
            data_for(setup, start, worker=1),
            now=utcnow(),
        )
    assert set(error.value.errors) == {"room"}
    db.session.rollback()
    # Right after the first one ends: fine.
    services.book_appointment(
        _actor(setup),
        db.session.get(Person, other),
        data_for(setup, start + timedelta(minutes=30)),
        now=utcnow(),
    )
    db.session.commit()
    assert _count() == 2


def test_cancelled_appointment_frees_the_slot(app, ctx, setup):
    start = next_day_at(11)
    appointment = services.book_appointment(
        _actor(setup), _person(setup), data_for(setup, start), now=utcnow()
    )
    db.session.commit()
    services.cancel_appointment(
        _actor(setup), appointment, reason="Krank", now=utcnow(), loaded_version=None
    )
    db.session.commit()
    other = make_person(app, setup)
    from caseapp.people.models import Person

    services.book_appointment(
        _actor(setup), db.session.get(Person, other), data_for(setup, start), now=utcnow()
    )
    db.session.commit()
    assert _count() == 2


def test_newcomer_with_another_appointment_elsewhere_needs_confirmation(app, ctx, setup, make_user):
    start = next_day_at(14)
    services.book_appointment(_actor(setup), _person(setup), data_for(setup, start), now=utcnow())
    db.session.commit()
    with pytest.raises(services.PersonBusy) as warning:
        services.book_appointment(
            _actor(setup, 1),
            _person(setup),
            data_for(setup, start + timedelta(minutes=10), room=1, worker=1),
            now=utcnow(),
        )
    assert len(warning.value.others) == 1
    db.session.rollback()
    services.book_appointment(
        _actor(setup, 1),
        _person(setup),
        data_for(setup, start + timedelta(minutes=10), room=1, worker=1),
        now=utcnow(),
        confirm_person_overlap=True,
    )
    db.session.commit()
    assert _count() == 2


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"start": "past"}, "starts_at", "The appointment cannot start in the past."),
        ({"start": "night"}, "starts_at", "The office is closed at that time."),
        ({"minutes": 0}, "duration_minutes", "The end must be after the start."),
        ({"room": "unknown"}, "room", "Choose one of the rooms of this office."),
        ({"worker": "stranger"}, "caseworker", "Choose a caseworker who works at this office."),
    ],
)
def test_bad_input_is_refused_with_a_translated_reason_and_nothing_changes(
    app, ctx, setup, make_user, make_office, change, field, message
):
    from flask_babel import force_locale

    start = next_day_at(10)
    if change.get("start") == "past":
        start = utcnow() - timedelta(hours=1)
    if change.get("start") == "night":
        start = next_day_at(20)
    data = data_for(setup, start, minutes=change.get("minutes", 30))
    if change.get("room") == "unknown":
        data.room_id = 999_999
    if change.get("worker") == "stranger":
        other_office = make_office(name="Sozialamt Nord")
        email = make_user("caseworker", offices=[other_office])
        data.caseworker_id = db.session.scalar(select(User.id).where(User.email == email))
    with force_locale("en"), pytest.raises(ValidationFailed) as error:
        services.book_appointment(_actor(setup), _person(setup), data, now=utcnow())
    db.session.rollback()
    assert message in " ".join(error.value.errors[field])
    assert _count() == 0
    # The same reason in German (the default language).
    with pytest.raises(ValidationFailed) as error:
        services.book_appointment(_actor(setup), _person(setup), data, now=utcnow())
    db.session.rollback()
    assert error.value.errors[field]


def test_reschedule_keeps_history_and_checks_clashes(app, ctx, setup):
    first = services.book_appointment(
        _actor(setup), _person(setup), data_for(setup, next_day_at(9)), now=utcnow()
    )
    other = make_person(app, setup)
    from caseapp.people.models import Person

    services.book_appointment(
        _actor(setup), db.session.get(Person, other), data_for(setup, next_day_at(15)), now=utcnow()
    )
    db.session.commit()
    with pytest.raises(ValidationFailed):
        services.reschedule_appointment(
            _actor(setup),
            first,
            data_for(setup, next_day_at(15)),
            now=utcnow(),
            loaded_version=first.version,
        )
    db.session.rollback()
    first = db.session.get(Appointment, first.id)
    services.reschedule_appointment(
        _actor(setup),
        first,
        data_for(setup, next_day_at(16), minutes=45),
        now=utcnow(),
        loaded_version=first.version,
        reason="Dolmetscherin erst später",
    )
    db.session.commit()
    assert first.starts_at == next_day_at(16)
    assert first.duration_minutes == 45
    actions = [(c.action, c.old_starts_at, c.new_starts_at) for c in services.history(first)]
    assert actions == [
        ("booked", None, next_day_at(9)),
        ("rescheduled", next_day_at(9), next_day_at(16)),
    ]


def test_attendance_rules(app, ctx, setup):
    appointment = services.book_appointment(
        _actor(setup), _person(setup), data_for(setup, next_day_at(10)), now=utcnow()
    )
    db.session.commit()
    with pytest.raises(ValidationFailed):
        services.record_attendance(_actor(setup), appointment, "no_show", now=utcnow())
    db.session.rollback()
    appointment = db.session.get(Appointment, appointment.id)
    later = appointment.starts_at + timedelta(minutes=40)
    services.record_attendance(_actor(setup), appointment, "no_show", now=later)
    db.session.commit()
    assert appointment.status == "no_show"
    actor = _actor(setup)
    assert [a.id for a in services.recent_no_shows(actor, later)] == [appointment.id]
    assert db.session.scalar(
        select(AppointmentChange.id).where(AppointmentChange.action == "no_show")
    )


def test_other_offices_do_not_see_the_appointment(app, ctx, setup, make_user, make_office):
    appointment_id = book(app, setup, next_day_at(10))
    other_office = make_office(name="Jobcenter Süd")
    stranger = db.session.scalar(
        select(User).where(User.email == make_user("caseworker", offices=[other_office]))
    )
    with pytest.raises(NotFound):
        services.get_appointment(stranger, appointment_id)
    assert services.get_appointment(_actor(setup), appointment_id).id == appointment_id


def test_two_concurrent_bookings_of_one_slot_yield_one_appointment(app, setup):
    """Two caseworkers book the same caseworker's slot at the same moment, each in its own
    connection and transaction: exactly one succeeds, the other is refused."""
    from caseapp.people.models import Person

    other = make_person(app, setup)
    start = next_day_at(10, days=3)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def attempt(person_id: int, actor_n: int, room: int):
        with app.test_request_context():
            actor = db.session.get(User, setup["worker_ids"][actor_n])
            person = db.session.get(Person, person_id)
            db.session.commit()  # end the reads' transaction; the booking starts a new one
            barrier.wait()
            try:
                services.book_appointment(
                    actor, person, data_for(setup, start, room=room), now=utcnow()
                )
                db.session.commit()
                results.append("booked")
            except ValidationFailed as error:
                db.session.rollback()
                results.append("refused:" + ",".join(sorted(error.errors)))
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=attempt, args=(setup["person"], 0, 0)),
        threading.Thread(target=attempt, args=(other, 1, 1)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == ["booked", "refused:caseworker"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Appointment.id))) == 1


def test_times_are_stored_in_utc(app, ctx, setup):
    start = next_day_at(10)
    appointment_id = book(app, setup, start)
    db.session.expire_all()
    stored = db.session.get(Appointment, appointment_id).starts_at
    assert stored.tzinfo == UTC and stored == start


def test_appointments_of_a_merged_record_stay_with_the_survivor(app, ctx, setup):
    from caseapp.people.models import Person

    other = make_person(app, setup)
    appointment_id = book(app, setup, next_day_at(10), person=other)
    db.session.get(Person, other).merged_into_id = setup["person"]
    db.session.commit()
    assert [a.id for a in services.for_person(setup["person"])] == [appointment_id]


def test_household_appointment_reaches_every_member_and_blocks_their_time(app, ctx, setup):
    from caseapp.people import casework
    from caseapp.people.models import Person

    spouse_id = make_person(app, setup, given="Leyla", family="Yilmaz")
    single_id = make_person(app, setup, given="Omar", family="Haddad")
    head = _person(setup)
    spouse = db.session.get(Person, spouse_id)
    casework.link_household(_actor(setup), spouse, head, role="spouse", other_role="head")
    db.session.commit()
    start = next_day_at(10)
    appointment = services.book_appointment(
        _actor(setup), head, data_for(setup, start, for_household=True), now=utcnow()
    )
    db.session.commit()
    assert appointment.household_id == head.household.id
    # The spouse sees it as theirs and cannot be booked elsewhere at that time unwarned.
    assert [a.id for a in services.for_person(spouse_id)] == [appointment.id]
    with pytest.raises(services.PersonBusy):
        services.book_appointment(
            _actor(setup, 1),
            db.session.get(Person, spouse_id),
            data_for(setup, start, room=1, worker=1),
            now=utcnow(),
        )
    db.session.rollback()
    # Someone without a household cannot get a household appointment.
    with pytest.raises(services.ValidationFailed) as refused:
        services.book_appointment(
            _actor(setup),
            db.session.get(Person, single_id),
            data_for(setup, next_day_at(11), room=1, for_household=True),
            now=utcnow(),
        )
    assert "for_household" in refused.value.errors
    assert services.for_person(single_id) == []


def test_a_persons_appointments_are_found_by_values_not_subqueries(app, ctx, setup):
    """The clause holds the ids themselves: a subquery inside the OR made PostgreSQL read every
    appointment of the register for each case file (a sequential scan, 19 ms at 20,000)."""
    from caseapp.people import casework
    from caseapp.people.models import Person

    spouse_id = make_person(app, setup, given="Leyla", family="Yilmaz")
    merged_id = make_person(app, setup, given="Karim", family="Yilmas")
    head = _person(setup)
    casework.link_household(
        _actor(setup), db.session.get(Person, spouse_id), head, role="spouse", other_role="head"
    )
    db.session.commit()
    own = book(app, setup, next_day_at(9))
    old = book(app, setup, next_day_at(11), person=merged_id)
    db.session.get(Person, merged_id).merged_into_id = head.id
    shared = services.book_appointment(
        _actor(setup), head, data_for(setup, next_day_at(14), for_household=True), now=utcnow()
    ).id
    db.session.commit()
    clause = services.for_person_clause(head.id)
    assert "SELECT" not in str(clause.compile(db.engine)).upper()
    found = db.session.scalars(select(Appointment.id).where(clause)).all()
    assert sorted(found) == sorted([own, old, shared])
    spouse_clause = services.for_person_clause(spouse_id)
    assert db.session.scalars(select(Appointment.id).where(spouse_clause)).all() == [shared]
