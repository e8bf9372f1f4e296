"""Languages, locale selection and text direction.

Adding a language means adding `translations/<code>/LC_MESSAGES/messages.po` and one entry
to LANGUAGES; nothing else changes.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import lru_cache

from babel import Locale
from flask import g, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_babel import get_translations as _babel_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user

__all__ = [
    "LANGUAGES",
    "_",
    "_l",
    "arrow",
    "ascii_digits",
    "format_clock",
    "format_day",
    "format_moment",
    "isolate",
    "join_list",
    "language_choices",
    "ngettext",
    "select_locale",
    "text_direction",
]


# --- gettext, looked up once per request and locale ---------------------------------------
# Flask-Babel finds the translations through three context-proxy lookups on every call, and a
# page translates a few hundred strings; these find them once per request and locale (a
# force_locale or a changed language is a different locale object, so it is looked up anew).


def translations():
    """The translations of the current locale (Flask-Babel's, cached on its request state)."""
    ctx = _cv_app.get(None)
    state = ctx.g.__dict__.get("_flask_babel") if ctx is not None else None
    if state is not None:
        cached = state.__dict__.get("lotse_translations")
        if cached is not None and cached[0] is state.__dict__.get("babel_locale"):
            return cached[1]
    found = _babel_translations()
    state = ctx.g.__dict__.get("_flask_babel") if ctx is not None else None
    if state is not None:
        state.lotse_translations = (state.__dict__.get("babel_locale"), found)
    return found


def _(string: str, **variables) -> str:
    """Flask-Babel's gettext: the translation, formatted with `variables` if there are any."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Flask-Babel's ngettext: `num` is available as %(num)d."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def _l(string: str, **variables) -> LazyString:
    """Flask-Babel's lazy_gettext: translated when used, in the locale of that moment."""
    return LazyString(_, string, **variables)


def _install_template_gettext(app) -> None:
    """The templates' _(), ngettext() ... through the same per-request lookup."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )


# code -> name in its own language (what the switcher shows).
LANGUAGES: dict[str, str] = {
    "de": "Deutsch",
    "ar": "العربية",
    "tr": "Türkçe",
    "en": "English",
}
DEFAULT_LANGUAGE = "de"


def normalise_language(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


def select_locale() -> str:
    """?lang= → the user's preference → the session → Accept-Language → German."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    cached = getattr(g, "_lotse_locale", None)
    if cached:
        return cached
    chosen = normalise_language(request.args.get("lang"))
    if chosen:
        session["lang"] = chosen
    if not chosen and not g.get("database_unavailable") and current_user.is_authenticated:
        chosen = normalise_language(getattr(current_user, "preferred_language", None))
    if not chosen:
        chosen = normalise_language(session.get("lang"))
    if not chosen:
        chosen = request.accept_languages.best_match(list(LANGUAGES))
    chosen = chosen or DEFAULT_LANGUAGE
    g._lotse_locale = chosen
    return chosen


def remember_language_choice():
    """before_request: `?lang=xx` on any URL is a choice that sticks.

    It goes into the session (so it survives the redirect to the sign-in page and back via
    `next`), and for a signed-in user it becomes their saved language, as the language menu
    does.
    """
    chosen = normalise_language(request.args.get("lang"))
    if not chosen:
        return None
    session["lang"] = chosen
    g.pop("_lotse_locale", None)
    signed_in = current_user.is_authenticated
    if signed_in and getattr(current_user, "preferred_language", None) != chosen:
        from caseapp.auth.services import set_preferred_language
        from caseapp.extensions import db
        from caseapp.web.readonly import write_apart

        write_apart()
        set_preferred_language(current_user, chosen)
        db.session.commit()
    return None


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def list_separator() -> str:
    """The separator of a list in running text: the Arabic comma in Arabic."""
    return "، " if current_language() == "ar" else ", "


def join_list(items) -> str:
    return list_separator().join(str(item) for item in items)


def text_direction(code: str | None = None) -> str:
    return _direction(code or current_language())


@lru_cache(maxsize=64)
def _direction(code: str) -> str:
    return Locale.parse(code).text_direction


def arrow(code: str | None = None) -> str:
    """The arrow of a change (old → new) as the reader reads: pointing left in Arabic."""
    return "\u2190" if text_direction(code) == "rtl" else "\u2192"


# Unicode isolates for plain text (e-mail, SMS, iCalendar, PDF), the counterpart of <bdi>:
# the value keeps its own direction and does not reorder the words around it.
FSI, LRI, PDI = "\u2068", "\u2066", "\u2069"
# Hebrew, Arabic, Syriac, Thaana, N'Ko and the Arabic presentation forms.
_RTL_LETTERS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def has_rtl(text) -> bool:
    return bool(text) and bool(_RTL_LETTERS.search(str(text)))


def isolate(text, *, ltr: bool = False, language: str | None = None, always: bool = False) -> str:
    """Plain text between FSI and PDI (LRI for a left-to-right island: a phone number, a case
    number, a code, a date) wherever direction matters: in a right-to-left message, or for a
    value with right-to-left letters. German and Turkish text with Latin values stays as it
    is, so an SMS keeps the GSM alphabet (`always` isolates there too)."""
    text = "" if text is None else str(text)
    if not text or text.startswith((FSI, LRI)):
        return text
    if not always and text_direction(language) != "rtl" and not has_rtl(text):
        return text
    return (LRI if ltr else FSI) + text + PDI


# Arabic-Indic and Eastern Arabic-Indic (Persian, Urdu) digits as typed on phone keyboards.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def ascii_digits(text: str) -> str:
    """The same text with 0-9 for every Arabic-Indic or Eastern Arabic-Indic digit."""
    return text.translate(_DIGITS) if isinstance(text, str) else text


# Where Lotse departs from CLDR: German dates always have four-digit years; Arabic uses the
# 24-hour clock everywhere (as slips, reminders and the calendar always did) and numeric dates
# without right-to-left marks, because templates show them as left-to-right islands.
_DATE_PATTERNS = {
    "de": {"short": "dd.MM.y"},
    "ar": {"short": "dd/MM/y", "medium": "dd/MM/y"},
}
_TIME_PATTERNS = {
    "ar": {"short": "HH:mm", "medium": "HH:mm:ss", "long": "HH:mm:ss z", "full": "HH:mm:ss zzzz"},
}
NAMED_FORMATS = ("short", "medium", "long", "full")


def _pattern(table: dict, fmt: str, code: str | None) -> str:
    return table.get(code or current_language(), {}).get(fmt, fmt)


def format_day(value: date | datetime, fmt: str = "medium") -> str:
    """A date (a datetime is shown on its Europe/Berlin day) in the reader's language."""
    return _formatted(format_date, value, _pattern(_DATE_PATTERNS, fmt, None), current_language())


def format_clock(value: datetime | time, fmt: str = "short", *, rebase: bool = True) -> str:
    """A time of day; `rebase=False` for wall-clock times such as opening hours."""
    pattern = _pattern(_TIME_PATTERNS, fmt, None)
    if not rebase:
        return format_time(value, pattern, rebase=False)
    return _formatted(format_time, value, pattern, current_language())


def format_moment(value: datetime, fmt: str = "medium") -> str:
    """Date and time; named formats join the two as the locale does ("{1}, {0}")."""
    if fmt not in NAMED_FORMATS:
        return _formatted(format_datetime, value, fmt, current_language())
    joined = _datetime_joiner(current_language(), fmt)
    return joined.replace("{1}", format_day(value, fmt)).replace("{0}", format_clock(value, fmt))


@lru_cache(maxsize=16384)
def _formatted(formatter, value, pattern: str, language: str) -> str:
    """Babel's formatting, remembered per worker: a page shows dozens of dates (a case list,
    a timeline) and Babel takes ~60 µs each; the result depends only on the value, the
    pattern, the language (the key) and the one time zone, Europe/Berlin."""
    return formatter(value, pattern)


@lru_cache(maxsize=64)
def _datetime_joiner(language: str, fmt: str) -> str:
    return str(Locale.parse(language).datetime_formats[fmt])


def date_time_separator() -> str:
    """What stands between a written-out date and its time ("Dienstag, 1. Dezember 2026, 10:00")."""
    joined = str(Locale.parse(current_language()).datetime_formats["medium"])
    return joined.replace("{1}", "").replace("{0}", "") or " "


def country_name(code: str, in_language: str | None = None) -> str:
    """Name of an ISO 3166 country in the viewer's language (Babel's CLDR data)."""
    locale = Locale.parse(in_language or current_language())
    return locale.territories.get(code, code)


def language_choices() -> list[tuple[str, str]]:
    return list(LANGUAGES.items())


def language_name(code: str, in_language: str | None = None) -> str:
    """Name of an ISO 639-1 language in the viewer's language (Babel's CLDR data)."""
    locale = Locale.parse(in_language or current_language())
    return locale.languages.get(code, code)


def iso_language_choices() -> list[tuple[str, str]]:
    """ISO 639-1 codes with names in the current language, sorted by name."""
    return list(_sorted_names(current_language(), "languages"))


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166 two-letter countries with names in the current language, sorted by name."""
    return list(_sorted_names(current_language(), "territories"))


@lru_cache(maxsize=16)
def _sorted_names(language: str, kind: str) -> tuple[tuple[str, str], ...]:
    """CLDR's two-letter codes of one kind with their names, sorted (asked on every form with
    a language or country picker: cached, the data never changes while Lotse runs)."""
    names = getattr(Locale.parse(language), kind)
    codes = [c for c in names if len(c) == 2 and c.isalpha()]
    return tuple(sorted(((c, names[c]) for c in codes), key=lambda item: item[1].casefold()))


def init_app(app) -> None:
    _install_template_gettext(app)
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        text_direction=text_direction,
        current_language=current_language,
        language_name=language_name,
        iso_language_choices=iso_language_choices,
        arrow=arrow,
        list_separator=list_separator,
    )
