"""Odd input gets a clear translated message (or 404), never an error page or a silent store.

Found by an independent test: NaN/Infinity as an amount, year 0001, ids of 10^20, NUL bytes and
values longer than their column (SQLite stored them, PostgreSQL answered 500).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.extensions import db
from caseapp.people.models import AidEntry, Consultation, Person
from tests.factories.people_web import _register

HUGE = 10**20


@pytest.mark.parametrize("value", ["Infinity", "NaN", "-Infinity", "1e999"])
def test_aid_value_that_is_no_number(app, registered, value):
    actions, person_id = registered
    response = actions.post(
        f"/people/{person_id}/aid/new?lang=de",
        {"kind": "0", "given_on": "2026-11-01", "value": value},
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(AidEntry.id)) is None


@pytest.mark.parametrize("when", ["0001-01-01T09:00", "9999-12-31T23:45"])
def test_consultation_dated_out_of_range(app, registered, when):
    actions, person_id = registered
    response = actions.post(
        f"/people/{person_id}/consultations/new?lang=de",
        {"at": when, "duration_minutes": "20", "mode": "in_person", "notes": "x"},
    )
    assert response.status_code == 400
    assert "Datum zwischen" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Consultation.id)) is None


@pytest.mark.parametrize(
    "url",
    [
        f"/people/{HUGE}",
        f"/people/{HUGE}/edit",
        f"/appointments/{HUGE}",
        f"/referrals/{HUGE}",
        f"/people/{2**31}",
    ],
)
def test_ids_beyond_the_integer_range_are_404(registered, url):
    actions, _ = registered
    assert actions.client.get(url).status_code == 404


def test_huge_number_in_a_query_is_a_clear_400_not_500(registered):
    actions, _ = registered
    response = actions.client.get(f"/people/?office={HUGE}&caseworker={HUGE}")
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("field", ["given_name", "family_name", "street", "phone"])
def test_nul_and_control_characters_are_refused_with_a_message(app, world, field):
    from tests.factories.web import Actions

    actions = Actions(app.test_client())
    actions.login(world["caseworker_a"])
    response = _register(actions, **{field: "Ab\x00cd\x07"})
    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Person.id)) is None


def test_too_long_values_are_refused_on_every_database(app, ctx):
    """The net under every path: a service writing past a column's length gets field errors."""
    from caseapp.core.errors import ValidationFailed
    from caseapp.people.models import Person

    person = Person(office_id=None, given_name="A" * 500, family_name="B", external_id="x" * 106)
    db.session.add(person)
    with pytest.raises(ValidationFailed) as caught:
        db.session.flush()
    assert set(caught.value.errors) >= {"given_name", "external_id"}
    db.session.rollback()
    person = Person(office_id=None, given_name="A\x00", family_name="B")
    db.session.add(person)
    with pytest.raises(ValidationFailed) as caught:
        db.session.flush()
    assert "given_name" in caught.value.errors
    db.session.rollback()
