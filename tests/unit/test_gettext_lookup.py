"""gettext looks the translations up once per request and locale (caseapp.i18n.translations):
the same words as Flask-Babel's own lookup, in the locale of the moment, in Python code,
lazy strings and templates alike, after force_locale and after a change of language."""

from __future__ import annotations

from flask import g, render_template_string
from flask_babel import force_locale, refresh

from caseapp.i18n import _, _l, ngettext, translations


def test_python_lazy_and_template_gettext_follow_the_locale_of_the_moment(app):
    later = _l("Save")
    with app.test_request_context("/?lang=ar"):
        assert _("Save") == "حفظ" == str(later)
        assert render_template_string('{{ _("Save") }}') == "حفظ"
        with force_locale("tr"):
            assert _("Save") == "Kaydet" == str(later)
            assert render_template_string('{{ _("Save") }}') == "Kaydet"
        assert _("Save") == "حفظ"  # back to the request's language, not the cached Turkish
        with force_locale("de"):
            assert ngettext("%(num)d active account", "%(num)d active accounts", 1) == (
                "1 aktives Konto"
            )
        assert ngettext("%(num)d active account", "%(num)d active accounts", 2) == ("حسابان نشطان")


def test_a_changed_language_is_looked_up_anew(app):
    with app.test_request_context("/?lang=tr"):
        assert _("Save") == "Kaydet"
        g._lotse_locale = "de"  # as after saving another language in the account settings
        refresh()
        assert _("Save") == "Speichern"


def test_variables_are_formatted_and_outside_a_request_the_text_stays_english(app):
    with app.test_request_context("/?lang=de"):
        assert _("Step %(n)s of %(total)s", n=1, total=3) == _("Step %(n)s of %(total)s") % {
            "n": 1,
            "total": 3,
        }
    assert translations().ugettext("Save") == "Save"
    assert _("Save") == "Save"


def test_remembered_dates_and_times_follow_the_locale_of_the_moment(app):
    """Formatted dates are remembered per worker (caseapp.i18n._formatted); the language is
    part of what is remembered, so a date shown in German is not then shown so in Arabic."""
    from datetime import UTC, date, datetime

    from caseapp.i18n import format_clock, format_day, format_moment, text_direction

    day, moment = date(2026, 3, 4), datetime(2026, 7, 4, 8, 30, tzinfo=UTC)
    with app.test_request_context("/?lang=de"):
        assert format_day(day, "short") == "04.03.2026"
        assert format_clock(moment) == "10:30"  # summer time in Berlin
        german = format_moment(moment)
        assert text_direction() == "ltr"
        with force_locale("ar"):
            assert format_day(day, "short") == "04/03/2026"
            assert format_moment(moment) != german and "10:30" in format_moment(moment)
            assert text_direction() == "rtl"
        with force_locale("tr"):
            assert format_day(day, "short") == "4.03.2026"
        assert format_day(day, "short") == "04.03.2026" and format_moment(moment) == german
