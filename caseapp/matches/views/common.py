"""Shared by the matching views: who may use them, lookups, button forms, template helpers."""

from __future__ import annotations

import uuid

from flask import abort, flash, has_request_context
from flask_login import current_user
from sqlalchemy import select

from caseapp.auth.roles import Role
from caseapp.extensions import db
from caseapp.matches import wording
from caseapp.matches.blueprint import bp
from caseapp.matches.forms import AcceptForm
from caseapp.volunteers.labels import GENDERS
from caseapp.volunteers.models import Programme
from caseapp.web.forms import BaseForm
from caseapp.web.idempotency import SubmissionIdField

COORDINATION = (Role.COORDINATOR, Role.ADMIN)
CASEWORK = (Role.CASEWORKER, Role.ADMIN)


class OnceForm(BaseForm):
    """A button that must act once (run a round, accept a page): the CSRF token and the one-time
    submission id the template renders with new_submission_id(); a double click leads to the
    first result."""

    submission_id = SubmissionIdField()


class AcceptOnceForm(AcceptForm, OnceForm):
    """Accepting one proposal: the agreed contact, once."""


def flash_refusal(form) -> None:
    """A button form the service refused: its reasons as a warning on the page it returns to."""
    reasons = [str(message) for messages in form.errors.values() for message in messages]
    if reasons:
        flash(" ".join(reasons), "warning")


def _get(model, record_id: int):
    row = db.session.get(model, record_id)
    if row is None:
        abort(404)
    return row


def _programmes():
    return db.session.scalars(select(Programme).order_by(Programme.id)).all()


@bp.app_context_processor
def _matching_helpers():
    return {
        "match_reason_text": wording.reason_text,
        "match_unmatched_text": wording.unmatched_text,
        "match_constraint_text": wording.constraint_text,
        "match_fix_text": wording.fix_text,
        "match_round_quality": wording.round_quality_text,
        "match_status_label": lambda s: wording.MATCH_STATUS.get(s, s),
        "match_end_reason_label": lambda s: wording.END_REASONS.get(s, s),
        "proposal_status_label": lambda s: wording.PROPOSAL_STATUS.get(s, s),
        "request_status_label": lambda s: wording.REQUEST_STATUS.get(s, s),
        "volunteer_gender_label": lambda g: GENDERS.get(g, g),
        "list_sep": wording.list_sep,
        "new_submission_id": lambda: str(uuid.uuid4()),
        # Coordinators match people but do not read case files; caseworkers and admins may.
        "may_open_cases": _may_open_cases(),
    }


def _may_open_cases() -> bool:
    if not has_request_context() or current_user is None:
        return False
    return bool(current_user.is_authenticated and current_user.has_role("caseworker", "admin"))
