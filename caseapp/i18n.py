"""Languages, locale selection and text direction.

Adding a language means adding `translations/<code>/LC_MESSAGES/messages.po` and one entry
to LANGUAGES; nothing else changes.
"""

from __future__ import annotations

from babel import Locale
from flask import g, has_request_context, request, session
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

__all__ = [
    "LANGUAGES",
    "_",
    "_l",
    "language_choices",
    "ngettext",
    "select_locale",
    "text_direction",
]

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
    return Locale.parse(code or current_language()).text_direction


def language_choices() -> list[tuple[str, str]]:
    return list(LANGUAGES.items())


def language_name(code: str, in_language: str | None = None) -> str:
    """Name of an ISO 639-1 language in the viewer's language (Babel's CLDR data)."""
    locale = Locale.parse(in_language or current_language())
    return locale.languages.get(code, code)


def iso_language_choices() -> list[tuple[str, str]]:
    """ISO 639-1 codes with names in the current language, sorted by name."""
    locale = Locale.parse(current_language())
    codes = [c for c in locale.languages if len(c) == 2 and c.isalpha()]
    return sorted(((c, locale.languages[c]) for c in codes), key=lambda item: item[1].casefold())


def init_app(app) -> None:
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        text_direction=text_direction,
        current_language=current_language,
        language_name=language_name,
    )
