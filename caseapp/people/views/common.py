"""Shared by the people views: who may use them, lookups, choices and small helpers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from flask import abort, flash, redirect
from flask_login import current_user
from sqlalchemy import select

from caseapp.auth import scope
from caseapp.auth.roles import Role
from caseapp.core.clock import OFFICE_TZ, local_today
from caseapp.core.errors import NotFound
from caseapp.extensions import db
from caseapp.offices.models import District, Office
from caseapp.people import services
from caseapp.people.models import Person
from caseapp.web import flow
from caseapp.web.forms import BaseForm

CASEWORK = (Role.CASEWORKER, Role.ADMIN)
BERLIN = OFFICE_TZ


def today() -> date:
    return local_today()


def _person_or_404(person_id: int, *, audit_read: bool = True) -> Person:
    try:
        return services.get_person(current_user, person_id, audit_read=audit_read)
    except NotFound:
        abort(404)


def _district_choices():
    return [(d.id, d.name) for d in db.session.scalars(select(District).order_by(District.name))]


def _office_choices():
    offices = scope.visible_office_ids(current_user)
    # Two columns, not Office objects with their districts and opening hours (every list page).
    stmt = select(Office.id, Office.name).where(Office.active.is_(True)).order_by(Office.name)
    if offices is not None:
        stmt = stmt.where(Office.id.in_(offices or {0}))
    return [(office_id, name) for office_id, name in db.session.execute(stmt)]


def _caseworker_choices(office_id: int):
    return [(u.id, u.display_name) for u in services.caseworkers_of({office_id})]


def shown_as_in(form, values: Mapping[str, Any]) -> dict[str, Any]:
    """Saved values in the words the form shows: a choice's label rather than its code."""
    shown = {}
    for name, value in values.items():
        choices = getattr(getattr(form, name, None), "choices", None)
        if not choices:
            shown[name] = value
            continue
        labels = {str(key): label for key, label in choices}
        many = value if isinstance(value, list | tuple) else [value]
        shown[name] = ", ".join(str(labels.get(str(v), v)) for v in many if v not in (None, ""))
    return shown


def _button(action: Callable[[], Any], *, to: str, message: str):
    """A one-button form (CSRF token only): the flow's one commit, then back to `to`."""
    form = BaseForm()
    done = flow.submit(form, action, to=to, message=message)
    for messages in form.errors.values():
        for text in messages:
            flash(text, "danger")
    return done or redirect(to)
