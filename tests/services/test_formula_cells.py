"""Names cannot start like a spreadsheet formula; CSV cells Lotse writes are neutralised."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from caseapp.core.csvsafe import safe_cell, safe_row, starts_like_formula
from caseapp.extensions import db
from caseapp.people.models import Person
from tests.factories.people import TODAY

HEADER = (
    "external_id;given_name;family_name;birth_date;sex;nationality;languages;district;phone;email\n"
)


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://evil.example","Klick")', "+49", "@SUM(A1)", "-2+3", " =1+1"]
)
def test_formula_like_names_are_refused(cell):
    assert starts_like_formula(cell)


@pytest.mark.parametrize("name", ["Ali", "Al-Hassan", "Şükrü", "O'Neill", ""])
def test_ordinary_names_pass(name):
    assert not starts_like_formula(name)


def test_csv_cells_are_neutralised():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("\tx") == "'\tx"
    assert safe_cell("Ali") == "Ali" and safe_cell(5) == 5
    assert safe_row(["@x", "y", None]) == ["'@x", "y", None]


def test_import_rejects_formula_names_by_row(cw_a, world):
    from caseapp.people.importing import import_people

    raw = (
        HEADER
        + "F-1;Rania;Khalil;1990;f;SY;ar;;;\n"
        + 'F-2;"=HYPERLINK(""http://evil.example"")";Khalil;1990;f;SY;ar;;;\n'
        + "F-3;Omar;@Haddad;1990;m;SY;ar;;;\n"
    ).encode()
    report = import_people(None, raw, office_id=world["office_a"], today=TODAY)
    db.session.commit()
    assert report.created == 1
    assert [row for row, _reason in report.errors] == [3, 4]
    assert db.session.scalar(select(func.count(Person.id))) == 1
