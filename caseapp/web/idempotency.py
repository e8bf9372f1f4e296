"""Double-submission guard: a form carries a one-time id; a repeat leads to the first result."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField

from caseapp.core.clock import utcnow
from caseapp.extensions import db


class SubmittedForm(db.Model):
    __tablename__ = "submitted_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int | None]
    result_url: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<SubmittedForm {self.token}>"


class SubmissionIdField(HiddenField):
    """Hidden field pre-filled with a fresh id each time the empty form is shown."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", lambda: str(uuid.uuid4()))
        super().__init__(*args, **kwargs)


def _valid(token: str | None) -> str | None:
    try:
        return str(uuid.UUID(str(token)))
    except ValueError:
        return None


def previous_result(token: str | None) -> str | None:
    """The URL the first submission of this form led to, if it was already saved."""
    token = _valid(token)
    if token is None:
        return None
    row = db.session.scalar(select(SubmittedForm).where(SubmittedForm.token == token))
    return row.result_url if row else None


def remember(token: str | None, user_id: int | None, result_url: str) -> None:
    token = _valid(token)
    if token is not None:
        db.session.add(SubmittedForm(token=token, user_id=user_id, result_url=result_url))
