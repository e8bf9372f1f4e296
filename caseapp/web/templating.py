"""Jinja helpers: language links, sort links, Babel formatting filters, labels."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import format_date, format_datetime, format_decimal, format_time

from caseapp.auth.roles import ROLE_LABELS, Role
from caseapp.offices.kinds import OFFICE_KIND_LABELS, OfficeKind


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


def init_app(app) -> None:
    app.jinja_env.globals.update(
        url_for_lang=url_for_lang,
        url_with=url_with,
        role_label=role_label,
        office_kind_label=office_kind_label,
        weekday_name=weekday_name,
    )
    app.jinja_env.filters.update(
        date=format_date,
        datetime=format_datetime,
        time=lambda t, fmt="short": format_time(t, fmt, rebase=False),
        number=format_decimal,
    )
