"""What the volunteer views share: who coordinates, form choices, form to data, reasons."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort, flash
from sqlalchemy import select

from caseapp.auth.roles import Role
from caseapp.extensions import db
from caseapp.i18n import current_language
from caseapp.offices.models import District
from caseapp.volunteers import services
from caseapp.volunteers.forms import ProfileForm
from caseapp.volunteers.models import Programme

COORDINATION = (Role.COORDINATOR, Role.ADMIN)


def get_or_404(model, record_id: int):
    row = db.session.get(model, record_id)
    if row is None:
        abort(404)
    return row


def district_choices():
    return [(d.id, d.name) for d in db.session.scalars(select(District).order_by(District.name))]


def programme_choices(programmes=None):
    language = current_language()
    programmes = programmes if programmes is not None else services.offered_programmes()
    return [(p.id, p.name(language)) for p in programmes]


def all_programme_choices():
    """Every programme, also those closed for sign-up (coordination forms)."""
    return programme_choices(db.session.scalars(select(Programme).order_by(Programme.id)).all())


def profile_data(form: ProfileForm, cls=services.ProfileData, **extra):
    return cls(
        name=form.name.data or "",
        phone=form.phone.data or "",
        district_id=form.district.data or None,
        languages=form.language_pairs(),
        skills=form.skills.data or "",
        profession=form.profession.data or "",
        interests=form.interests.data or "",
        availability=list(form.availability.data or []),
        capacity=form.capacity.data,
        gender=form.gender.data or "none",
        birth_year=form.birth_year.data,
        programme_ids=list(form.programmes.data or []),
        **extra,
    )


def flash_reasons(form) -> None:
    """A one-button form has no fields to show a refusal on: the reasons become messages."""
    for message in form.form_errors:
        flash(message, "danger")


def as_shown(form, saved: Mapping[str, Any]) -> dict[str, Any]:
    """Saved values in the words the form shows them (a choice's label, not its value), so the
    conflict page compares like with like."""
    shown: dict[str, Any] = {}
    for name, value in saved.items():
        choices = getattr(form[name], "choices", None)
        if not choices:
            shown[name] = value
            continue
        labels = dict(_value_and_label(choice) for choice in choices)
        values = value if isinstance(value, list | tuple | set) else [value]
        shown[name] = ", ".join(str(labels.get(str(v), v)) for v in values if v not in (None, ""))
    return shown


def _value_and_label(choice) -> tuple[str, Any]:
    if isinstance(choice, tuple | list):
        return str(choice[0]), choice[1]
    return str(getattr(choice, "value", choice)), getattr(choice, "label", choice)
