"""Jinja helpers: language links, sort links, Babel formatting filters, labels.

Dates, times and other interpolated values are isolated by the filters in web/bidi.py.
"""

from __future__ import annotations

from flask import request, url_for
from flask_babel import format_decimal

from caseapp.auth.roles import ROLE_LABELS, Role
from caseapp.i18n import ascii_digits, country_name, language_name
from caseapp.offices.kinds import OFFICE_KIND_LABELS, OfficeKind
from caseapp.web import bidi


def url_for_lang(code: str) -> str:
    """The current page in another language."""
    args = dict(request.args)
    args["lang"] = code
    if request.endpoint and request.url_rule is not None and request.method == "GET":
        return url_for(request.endpoint, **(request.view_args or {}), **args)
    return url_for("dashboard.index", lang=code)


def url_with(**changes) -> str:
    """The current list URL with some query arguments replaced (sorting, paging, filters)."""
    args = dict(request.args)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def role_label(role: str) -> str:
    try:
        return str(ROLE_LABELS[Role(role)])
    except ValueError:
        return role


def office_kind_label(kind: str) -> str:
    try:
        return str(OFFICE_KIND_LABELS[OfficeKind(kind)])
    except ValueError:
        return kind


def weekday_name(index: int) -> str:
    from babel.dates import get_day_names
    from flask_babel import get_locale

    return get_day_names("wide", locale=get_locale())[index]


def extract(key, mapping):
    """`keys|map("extract", labels)`: the label of each key (the key itself if unknown)."""
    return mapping.get(key, key)


def tel_uri(phone) -> str:
    """A phone number as written ("+49 2352 12-3") for a tel: link (digits and a leading +)."""
    text = ascii_digits(str(phone or ""))
    return ("+" if text.strip().startswith("+") else "") + "".join(c for c in text if c.isdigit())


def init_app(app) -> None:
    app.jinja_env.globals.update(
        url_for_lang=url_for_lang,
        url_with=url_with,
        role_label=role_label,
        office_kind_label=office_kind_label,
        weekday_name=weekday_name,
    )
    app.jinja_env.globals.update(bidi.GLOBALS)
    app.jinja_env.filters.update(bidi.FILTERS)
    app.jinja_env.filters.update(
        number=format_decimal,
        language_name=language_name,
        country_name=country_name,
        extract=extract,
        role_label=role_label,
        tel_uri=tel_uri,
    )
