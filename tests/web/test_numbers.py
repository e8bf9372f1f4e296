"""Numbers and digits as people type them (issue 12 §2): Arabic-Indic digits, amounts in the
user's locale, impossible dates and times with their own message and the typed value kept,
a duration of 0 minutes, portal case numbers and codes however they are typed."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from caseapp.extensions import db
from caseapp.people.models import AidEntry, AidKind, Consultation
from caseapp.web.typed import parse_amount, show_amount
from tests.factories.appointments import setup_office
from tests.factories.people_web import _person_id, _register
from tests.factories.portal import case_number, issue, portal_login
from tests.factories.web import Actions

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
EASTERN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@pytest.mark.parametrize(
    ("typed", "language", "amount"),
    [
        ("25,50", "de", "25.50"),
        ("25.50", "de", "25.50"),  # a dot and two digits is no German thousands group
        ("1.234,50", "de", "1234.50"),
        ("25,50 €", "de", "25.50"),
        ("25.50", "en", "25.50"),
        ("1,234.50", "en", "1234.50"),
        ("٢٥٫٥٠", "ar", "25.50"),
        ("۲۵٫۵", "ar", "25.5"),
        ("12,5", "tr", "12.5"),
    ],
)
def test_amounts_are_read_in_the_users_locale(typed, language, amount):
    assert parse_amount(typed, language) == Decimal(amount)


def test_amounts_that_are_none_are_refused_and_shown_back_localised():
    with pytest.raises(ValueError):
        parse_amount("zwölf", "de")
    assert show_amount(Decimal("1234.5"), "de") == "1.234,50"
    assert show_amount(Decimal("25.5"), "ar") == "25.50"


@pytest.fixture
def aid(app, world):
    """A caseworker, a registered person and a kind of aid."""
    actions = Actions(app.test_client())
    actions.login(world["caseworker_a"])
    person_id = _person_id(_register(actions))
    with app.app_context():
        db.session.add(AidKind(name_de="Lebensmittelgutschein", min_interval_days=0))
        db.session.commit()
        kind_id = db.session.scalar(select(AidKind.id))
    return actions, person_id, kind_id


def _values(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(AidEntry.value_cents).order_by(AidEntry.id)))


@pytest.mark.parametrize(
    ("language", "typed"),
    [("de", "25,50"), ("en", "25.50"), ("ar", "٢٥٫٥٠"), ("tr", "25,50")],
)
def test_aid_amount_in_each_language_is_saved_as_meant(app, aid, language, typed):
    actions, person_id, kind_id = aid
    response = actions.post(
        f"/people/{person_id}/aid/new?lang={language}",
        {"kind": str(kind_id), "given_on": "2026-11-20", "value": typed},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    assert _values(app) == [2550]


def test_aid_form_shows_the_amount_as_understood_and_keeps_an_impossible_date(app, aid):
    actions, person_id, kind_id = aid
    response = actions.post(
        f"/people/{person_id}/aid/new?lang=de",
        {"kind": str(kind_id), "given_on": "31.02.2026", "value": "25.50"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="31.02.2026"' in page  # what was typed stays
    assert 'value="25,50"' in page  # the amount as read, written the German way
    assert 'type="number"' not in page and 'type="date"' not in page
    with app.test_request_context("/?lang=de"):
        from caseapp.i18n import _

        exists = _("Enter a date that exists, for example %(example)s.", example="31.12.2026")
        required = _("This field is required.")
    assert exists in page and required not in page
    assert _values(app) == []


def test_unreadable_amount_says_so_and_keeps_the_text(app, aid):
    actions, person_id, kind_id = aid
    response = actions.post(
        f"/people/{person_id}/aid/new?lang=en",
        {"kind": str(kind_id), "given_on": "2026-11-20", "value": "twelve"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter an amount such as 25.50." in page and 'value="twelve"' in page


def test_arabic_indic_digits_in_dates_and_numbers(app, aid):
    actions, person_id, kind_id = aid
    response = actions.post(
        f"/people/{person_id}/aid/new?lang=ar",
        {"kind": str(kind_id), "given_on": "20/11/2026".translate(ARABIC_INDIC), "value": ""},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(AidEntry.given_on)) == date(2026, 11, 20)
    response = actions.post(
        f"/people/{person_id}/consultations/new?lang=ar",
        {
            "at": "2026-11-20 10:00".translate(EASTERN),
            "duration_minutes": "45".translate(ARABIC_INDIC),
            "mode": "in_person",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    with app.app_context():
        assert db.session.scalar(select(Consultation.duration_minutes)) == 45


def test_impossible_date_and_time_and_zero_minutes_get_their_own_messages(app, aid):
    actions, person_id, _kind = aid
    response = actions.post(
        f"/people/{person_id}/consultations/new?lang=en",
        {"at": "31.02.2026 25:00", "duration_minutes": "0", "mode": "in_person"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a date and a time that exist, for example 31/12/2026 14:30." in page
    assert "Enter at least 1 minute." in page
    assert "This field is required." not in page
    assert 'value="31.02.2026 25:00"' in page and 'value="0"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Consultation.id))) == 0


def test_appointment_of_zero_minutes_needs_at_least_one(app, aid):
    actions, person_id, _kind = aid
    response = actions.post(
        f"/appointments/person/{person_id}/new?lang=en",
        {"starts_at": "2026-12-01T10:00", "duration_minutes": "0"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter at least 1 minute." in page


def test_dates_are_shown_and_typed_the_languages_way(app, aid):
    actions, person_id, _kind = aid
    page = actions.client.get(f"/people/{person_id}/aid/new?lang=de").get_data(as_text=True)
    given_on = re.search(r"<input[^>]*id=\"given_on\"[^>]*>", page).group()
    assert 'type="text"' in given_on and 'dir="ltr"' in given_on
    assert 'placeholder="31.12.2026"' in given_on
    page = actions.client.get(f"/people/{person_id}/aid/new?lang=ar").get_data(as_text=True)
    assert 'placeholder="31/12/2026"' in page


@pytest.mark.parametrize(
    "typed",
    [
        lambda n: n.translate(ARABIC_INDIC),  # L٢٦-٤YQ٣R٦
        lambda n: n.translate(EASTERN).lower(),
        lambda n: n.replace("-", ""),  # L264YQ3R6
        lambda n: " ".join(n.lower().replace("-", "")),  # l 2 6 4 y q …
        lambda n: "\u2066" + n + "\u2069",  # pasted from a right-to-left text
    ],
)
def test_portal_accepts_case_number_and_code_however_typed(app, actions, make_user, typed):
    office = setup_office(app, make_user)
    code = issue(app, office)
    number = case_number(app, office["person"])
    response = portal_login(actions, typed(number), typed(code))
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert response.headers["Location"].endswith("/portal/")
    from caseapp.web.throttle import Attempt

    with app.app_context():  # nothing counted towards the lock
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0
