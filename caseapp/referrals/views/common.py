"""Shared by the referral views: who may use them, lookups, and the conflict page's terms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort, flash
from flask_login import current_user

from caseapp.auth.roles import Role
from caseapp.core.errors import NotFound
from caseapp.referrals import services
from caseapp.referrals.models import Referral
from caseapp.web.flow import written  # noqa: F401 - the views use it from here

CASEWORK = (Role.CASEWORKER, Role.ADMIN)


def referral_or_404(referral_id: int, *, audit_read: bool = False) -> Referral:
    try:
        return services.get_referral(current_user, referral_id, audit_read=audit_read)
    except NotFound:
        abort(404)


def flash_errors(form) -> None:
    """The reasons of a refused one-button step, for the page it returns to."""
    for messages in form.errors.values():
        for message in messages:
            flash(message, "danger")


def shown_as_typed(form, values: Mapping[str, Any]) -> dict[str, Any]:
    """Saved values in the conflict page's terms: a choice by its label, as the form shows
    what was typed, so that unchanged fields read the same on both sides."""
    shown = {}
    for name, value in values.items():
        choices = getattr(form[name], "choices", None)
        if not choices:
            shown[name] = value
            continue
        labels = {str(key): label for key, label in choices}
        several = value if isinstance(value, list | tuple | set | frozenset) else [value]
        shown[name] = ", ".join(str(labels.get(str(v), v)) for v in several if v not in (None, ""))
    return shown
