"""Forms of the data-protection pages."""

from __future__ import annotations

from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from caseapp.i18n import _l
from caseapp.privacy.retention.rules import MAX_DAYS, MIN_DAYS, RULES
from caseapp.web.forms import BaseForm
from caseapp.web.idempotency import SubmissionIdField


class ReasonForm(BaseForm):
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(), Length(max=300)], render_kw={"rows": 2}
    )
    submission_id = SubmissionIdField()


class ErasureForm(BaseForm):
    reason = TextAreaField(
        _l("Reason"), validators=[Optional(), Length(max=500)], render_kw={"rows": 2}
    )
    submission_id = SubmissionIdField()


class ButtonForm(BaseForm):
    """A button: only the CSRF token (and the submission id against double clicks)."""

    submission_id = SubmissionIdField()


class DecisionForm(BaseForm):
    request = IntegerField(validators=[DataRequired()])
    decision = StringField(validators=[AnyOf(("confirm", "reject"))])


def retention_form(values: dict[str, int]):
    """A form with one number of days per rule."""

    class RetentionForm(BaseForm):
        submission_id = SubmissionIdField()

    for kind, rule in RULES.items():
        setattr(
            RetentionForm,
            kind,
            IntegerField(
                rule.label,
                validators=[DataRequired(), NumberRange(min=MIN_DAYS, max=MAX_DAYS)],
                default=values[kind],
            ),
        )
    return RetentionForm()
