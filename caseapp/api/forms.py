"""The administrator's form for a new API token."""

from __future__ import annotations

from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from caseapp.auth.roles import ROLE_LABELS, Role
from caseapp.i18n import _l
from caseapp.web.forms import BaseForm, no_blank
from caseapp.web.idempotency import SubmissionIdField


class TokenForm(BaseForm):
    submission_id = SubmissionIdField()
    name = StringField(
        _l("Name of the system"), validators=[DataRequired(), no_blank, Length(max=120)]
    )
    office = SelectField(_l("Office"), coerce=int, choices=[])
    roles = SelectMultipleField(
        _l("Roles"),
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    expires_on = DateField(_l("Valid until"), validators=[DataRequired()])
    allowed_ips = TextAreaField(_l("Allowed addresses"), validators=[Optional(), Length(max=1000)])

    def __init__(self, *args, office_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.office.choices = list(office_choices)
        self.roles.choices = [
            (r.value, str(ROLE_LABELS[r]))
            for r in (Role.CASEWORKER, Role.COORDINATOR, Role.REPORTS)
        ]
