"""The case file's statements do not grow with what the person has: its sections load their
rows without the person or case they already have (lazyload, identity map), and nothing is
loaded per row."""

from __future__ import annotations

from sqlalchemy import event

from caseapp.extensions import db
from tests.factories.appointments import book, next_day_at, setup_office


def _statements(app, actions, path) -> int:
    seen = []

    def count(*_args):
        seen.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert actions.client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_the_case_file_runs_as_many_statements_for_one_appointment_as_for_six(
    app, make_user, actions, clock
):
    setup = setup_office(app, make_user)
    assert actions.login(setup["workers"][0]).status_code == 302
    person = setup["person"]
    book(app, setup, next_day_at(9))
    path = f"/people/{person}"
    actions.client.get(path)  # the first visit may fill per-worker caches
    few = _statements(app, actions, path)
    for day in (2, 3, 4, 5, 6):
        book(app, setup, next_day_at(10, days=day))
    many = _statements(app, actions, path)
    clock.advance(days=30)  # all six on the timeline now, none upcoming
    assert actions.login(setup["workers"][0]).status_code == 302  # the session has ended
    past = _statements(app, actions, path)
    assert many == few == past
    assert many <= 40
