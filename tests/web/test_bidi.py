"""Right-to-left done at the root (issue 12 §1): on Arabic pages every interpolated name, date,
time, case number, room and office sits in its own isolate (<bdi>), so nothing reorders its
neighbours; arrows and list separators follow the language; plain text uses FSI/LRI…PDI."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from caseapp.core.clock import local_today, utcnow
from caseapp.extensions import db
from tests.factories.appointments import next_day_at
from tests.factories.bidi import (
    ARABIC_ROOM,
    ARABIC_STEP,
    LATIN_NAME,
    OTHER_NAME,
    ROOM,
    STEP,
    assert_isolated,
    seed_office,
)
from tests.factories.web import Actions


def _arabic(app, email) -> Actions:
    actions = Actions(app.test_client())
    assert actions.login(email).status_code == 302
    actions.post("/account/language", {"language": "ar"})
    return actions


@pytest.fixture
def office(app, make_user):
    return seed_office(app, make_user)


def test_start_page_isolates_names_dates_and_case_numbers_in_arabic(app, office):
    page = _arabic(app, office["workers"][0]).client.get("/home").get_data(as_text=True)
    assert 'dir="rtl"' in page
    latin, other = (" ".join(LATIN_NAME), " ".join(OTHER_NAME))
    yesterday = local_today() - timedelta(days=1)
    with app.test_request_context("/?lang=ar"):
        from caseapp.i18n import format_day, format_moment

        updated = format_day(local_today())
        due = format_day(yesterday)
        answered = format_moment(utcnow() - timedelta(hours=3), "short")
    assert_isolated(
        page,
        [latin, other, *office["case_numbers"], STEP, ARABIC_STEP, updated, ROOM, ARABIC_ROOM],
        wholes=[answered],
    )
    # "overdue since <date>": the date is its own left-to-right island inside the sentence.
    assert f'<bdi dir="ltr">{due}</bdi>' in page
    assert answered in page


def test_case_file_isolates_every_value_and_arrows_point_left_in_arabic(app, office):
    actions = _arabic(app, office["workers"][0])
    page = actions.client.get(f"/people/{office['people'][0]}").get_data(as_text=True)
    with app.test_request_context("/?lang=ar"):
        from caseapp.i18n import format_day, format_moment

        consulted = format_moment(utcnow() - timedelta(days=2), "short")
        due = format_day(local_today() - timedelta(days=1))
        booked = format_moment(next_day_at(14, days=0), "short")
    assert_isolated(
        page,
        [
            " ".join(LATIN_NAME),
            office["case_numbers"][0],
            "+49 171 5550199",
            "Lennestraße 12",
            "58762 Altena",  # postcode and town stay one piece
            "Integrationszentrum Mitte",
            "Jobcenter Altena",
            ROOM,
            STEP,
            "Caseworker 1",
            consulted,
            booked,
            due,
        ],
    )
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{2}\b", page)  # four-digit years only
    # The referral section's "need → office" points the way Arabic reads.
    assert "←" in page and "→" not in page.split("<main", 1)[1]


def test_calendar_isolates_times_names_and_rooms_in_arabic(app, office):
    actions = _arabic(app, office["workers"][0])
    day = local_today().isoformat()
    page = actions.client.get(
        f"/appointments/calendar?office={office['office']}&caseworker={office['worker_ids'][0]}"
        f"&date={day}&view=day"
    ).get_data(as_text=True)
    with app.test_request_context("/?lang=ar"):
        from caseapp.i18n import format_day

        heading = format_day(local_today())
    assert_isolated(
        page,
        [
            " ".join(LATIN_NAME),
            " ".join(OTHER_NAME),
            ROOM,
            ARABIC_ROOM,
            "14:00–14:30",
            "15:00–15:30",
            heading,
            "08:00–18:00",
        ],
    )
    assert "Integrationszentrum Mitte" in page


def test_referral_list_isolates_offices_services_and_dates_in_arabic(app, office):
    actions = _arabic(app, office["workers"][0])
    page = actions.client.get("/referrals/?box=outgoing").get_data(as_text=True)
    with app.test_request_context("/?lang=ar"):
        from caseapp.i18n import format_moment

        answered = format_moment(utcnow() - timedelta(hours=3), "short")
    assert_isolated(
        page,
        ["Integrationszentrum Mitte", "Jobcenter Altena", "Arbeitsvermittlung", answered],
    )
    assert f'<bdi dir="ltr">{office["referral"]}</bdi>' in page


def test_dates_and_times_follow_one_convention_per_language(app):
    from caseapp.i18n import format_clock, format_day, format_moment

    moment = datetime(2026, 3, 5, 13, 7, tzinfo=datetime.now().astimezone().tzinfo)
    with app.test_request_context("/?lang=de"):
        assert format_day(date(2026, 3, 5), "short") == "05.03.2026"  # never "05.03.26"
        assert "2026" in format_moment(moment, "short")
    with app.test_request_context("/?lang=ar"):
        assert format_day(date(2026, 3, 5)) == "05/03/2026"  # no right-to-left marks
        assert "\u200f" not in format_moment(moment, "short")
        assert re.fullmatch(r"\d\d:\d\d", format_clock(moment))  # 24-hour, no ص/م
        assert format_clock(datetime(2026, 3, 5, 18, 30).time(), rebase=False) == "18:30"


def test_filters_isolate_in_html_and_in_plain_text(app):
    from flask import render_template_string

    with app.test_request_context("/?lang=ar"):
        html = render_template_string(
            "{{ name|bdi }} {{ code|ltr }} {{ names|join_list }} {{ arrow() }}",
            name="<Rania>",
            code="L26-4YQ3R6",
            names=["Anna", "Zoe"],
        )
        assert html == (
            '<bdi>&lt;Rania&gt;</bdi> <bdi dir="ltr">L26-4YQ3R6</bdi> '
            "<bdi>Anna</bdi>، <bdi>Zoe</bdi> ←"
        )
        text = app.jinja_env.from_string(
            "{% autoescape false %}{{ name|bdi }} {{ code|ltr }}{% endautoescape %}"
        ).render(name="Rania", code="L26-4YQ3R6")
        assert text == "\u2068Rania\u2069 \u2066L26-4YQ3R6\u2069"
    with app.test_request_context("/?lang=de"):
        # German plain text with Latin values stays as it is (an SMS keeps the GSM alphabet);
        # an Arabic name in it is isolated.
        template = app.jinja_env.from_string(
            "{% autoescape false %}{{ a|bdi }} / {{ b|bdi }} {{ arrow() }}{% endautoescape %}"
        )
        assert template.render(a="Rania", b="رانيا") == "Rania / \u2068رانيا\u2069 →"


def test_page_title_carries_isolates_not_tags(app, office):
    actions = _arabic(app, office["workers"][0])
    page = actions.client.get(f"/people/{office['people'][0]}").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "<bdi" not in title and "&lt;bdi" not in title
    assert f"\u2068{' '.join(LATIN_NAME)}\u2069" in title
    assert f"\u2066{office['case_numbers'][0]}\u2069" in title


def test_arabic_reminder_texts_isolate_names_dates_and_phone(app, office):
    """E-mail, SMS and iCalendar text in Arabic: values between Unicode isolates."""
    from flask_babel import force_locale

    from caseapp.appointments import ical
    from caseapp.appointments.models import Appointment

    with app.test_request_context():
        appointment = db.session.scalars(select(Appointment)).first()
        with force_locale("ar"):
            from flask import render_template

            sms = render_template(
                "emails/appointments/sms_booked.txt",
                appointment=appointment,
                office=appointment.office,
                person=appointment.person,
            )
        assert "\u2068Integrationszentrum Mitte\u2069" in sms
        assert "\u2068Marktplatz 3\u2069" in sms
        assert re.search("\u2066[0-9/]+، [0-9:]+\u2069", sms), sms
        body = ical.calendar_bytes([appointment], "ar", "lotse.example").decode()
        unfolded = body.replace("\r\n ", "")
        assert "\u2066+49 2352 209-310\u2069" in unfolded
        assert "\u2068Integrationszentrum Mitte\u2069" in unfolded


# Templates of the areas converted in issue 12 §1 (others follow as their owners convert them).
CONVERTED = ["dashboard", "appointments", "referrals", "directory", "portal", "volunteers"]
CONVERTED_PEOPLE = ["detail", "_next_steps", "_timeline_casework", "household", "aid_form"]
BARE_VALUE = re.compile(
    r"\{\{\s*[\w.]+\.(full_name|case_number|display_name|phone|email|street|city)\s*\}\}"
)


def test_converted_templates_print_no_bare_names_numbers_or_arrows():
    """A name, case number or phone printed without |bdi/|ltr, or a literal → that does not
    turn in Arabic, fails here before it reaches a page."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    paths = [p for d in CONVERTED for p in (root / d).rglob("*.html")]
    paths += [root / "people" / f"{name}.html" for name in CONVERTED_PEOPLE]
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            if "<option" in line:  # an option holds text only; it gets dir="auto" instead
                continue
            found += [f"{path.relative_to(root)}: {m.group()}" for m in BARE_VALUE.finditer(line)]
        if "→" in text or "←" in text:
            found.append(f"{path.relative_to(root)}: a literal arrow (use arrow())")
    assert found == []
