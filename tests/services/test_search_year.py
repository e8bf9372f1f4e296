"""The search keys carry the person's birth year (so "name 1991" is one index range per word):
written at registration, import and every edit, filled in by the migration for persons
registered before it."""

from __future__ import annotations

from dataclasses import replace

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from caseapp.extensions import db
from caseapp.people import namematch, services
from caseapp.people.models import Person, PersonSearchKey
from caseapp.people.services import finder
from tests.factories.people import TODAY, _data, _user, register

BEFORE = "4c2d8e1f7a93"  # the revision before 20270110_7a8474c34e19_search_keys_birth_year


def _found(actor, query):
    return {hit.person.id for hit in services.find_people(actor, query).hits}


def _years(person_id):
    return set(
        db.session.scalars(
            select(PersonSearchKey.birth_year).where(PersonSearchKey.person_id == person_id)
        )
    )


def test_an_edited_birth_year_moves_the_keys(ctx, world):
    worker = _user(world["caseworker_a"])
    rania = register(
        worker, world["office_a"], given_name="Rania", family_name="Khalil", birth_year=1991
    )
    assert _years(rania.id) == {1991}
    assert _found(worker, "Rania Khalil 1991") == {rania.id}

    data = replace(services.registration._as_data(rania), birth_year=1992, birth_month=None)
    services.update_person(worker, rania, replace(data, birth_day=None), rania.version, TODAY)
    db.session.commit()

    assert _years(rania.id) == {1992}
    assert _found(worker, "Rania Khalil 1992") == {rania.id}
    assert _found(worker, "Khalil 1991") == set()


def test_imported_persons_are_found_by_name_and_year(ctx, world):
    worker = _user(world["caseworker_a"])
    services.bulk_register(
        worker,
        [
            _data(given_name="Zeynep", family_name="Yılmaz", birth_year=1990),
            _data(given_name="Zeynep", family_name="Yılmaz", birth_year=1985),
            _data(given_name="Zeynep", family_name="Yılmaz", birth_year=None, birth_month=None),
        ],
        office_id=world["office_a"],
    )
    db.session.commit()
    ids = dict(
        db.session.execute(
            select(Person.birth_year, Person.id).where(Person.given_name == "Zeynep")
        ).all()
    )
    assert _found(worker, "Yilmaz Zeynep 1990") == {ids[1990]}
    assert _found(worker, "Zeynep 1985") == {ids[1985]}
    assert _years(ids[None]) == {None}
    assert _found(worker, "Zeynep Yilmaz") == set(ids.values())


def test_every_word_must_match_in_any_order(ctx, world):
    """A person who matches only one of the words is no candidate, whichever word drives."""
    worker = _user(world["caseworker_a"])
    both = register(worker, world["office_a"], given_name="Rania", family_name="Khalil")
    register(worker, world["office_a"], given_name="Rania", family_name="Haddad")
    register(worker, world["office_a"], given_name="Omar", family_name="Khalil")
    for text_query in ("Rania Khalil", "khalil rania", "Chalil Ran", "rania khal"):
        query = namematch.parse_query(text_query)
        assert set(db.session.scalars(finder._name_candidates(worker, query))) == {both.id}


def test_the_migration_fills_the_year_of_persons_registered_before(app, world):
    with app.app_context():
        worker = _user(world["caseworker_a"])
        known = register(
            worker, world["office_a"], given_name="Rania", family_name="Khalil", birth_year=1991
        )
        unknown = register(
            worker,
            world["office_a"],
            given_name="Omar",
            family_name="Haddad",
            birth_year=None,
            birth_month=None,
            birth_day=None,
        )
        ids = (known.id, unknown.id)
        db.session.remove()
        downgrade(revision=BEFORE)
        columns = {c["name"] for c in inspect(db.engine).get_columns("person_search_keys")}
        assert "birth_year" not in columns
        upgrade(revision="heads")
        assert _years(ids[0]) == {1991}
        assert _years(ids[1]) == {None}
        assert _found(_user(world["caseworker_a"]), "Khalil 1991") == {ids[0]}
