"""The quicker select widget writes exactly the markup of WTForms' own (escaping included)."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectField, SelectMultipleField
from wtforms.widgets import Select

from caseapp.web.forms import FastSelect

CHOICES = [
    ("", "—"),
    ("ar", "العربية"),
    ("x\"'<>&", 'Tom & "Jerry" <b>'),
    ("tr", ""),
    ("de", "Deutsch"),
]


@pytest.mark.parametrize("chosen", [[], ["ar"], ["x\"'<>&"], ["ar", "de"]])
def test_same_markup_as_wtforms(chosen):
    class Single(Form):
        one = SelectField(choices=[], widget=FastSelect())
        many = SelectMultipleField(choices=[], widget=FastSelect(multiple=True))

    form = Single(MultiDict([("one", chosen[0] if chosen else ""), *(("many", c) for c in chosen)]))
    form.one.choices = form.many.choices = CHOICES
    assert str(form.one()) == str(Select()(form.one))
    assert str(form.many()) == str(Select(multiple=True)(form.many))
    assert "<b>" not in str(form.one())


def test_integer_values_and_extra_attributes():
    class Numbers(Form):
        n = SelectField(choices=[], coerce=int, default=2, widget=FastSelect())

    form = Numbers()
    form.n.choices = [(1, "one"), (2, "two")]
    assert str(form.n(class_="form-select")) == str(Select()(form.n, class_="form-select"))
    assert 'selected value="2"' in str(form.n())
