"""Account management forms for administrators."""

from __future__ import annotations

from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length

from caseapp.auth.passwords import MAX_LENGTH
from caseapp.auth.roles import ROLE_LABELS
from caseapp.i18n import _l, language_choices
from caseapp.web.forms import BaseForm, VersionedForm, no_blank
from caseapp.web.idempotency import SubmissionIdField


class UserForm(VersionedForm):
    submission_id = SubmissionIdField()
    display_name = StringField(_l("Name"), validators=[DataRequired(), no_blank, Length(max=120)])
    email = StringField(
        _l("E-mail address"),
        validators=[
            DataRequired(),
            Length(max=254),
            Email(message=_l("Enter a valid e-mail address.")),
        ],
        render_kw={"dir": "ltr", "autocomplete": "off"},
    )
    roles = SelectMultipleField(_l("Roles"), choices=[])
    offices = SelectMultipleField(_l("Offices"), choices=[], coerce=int)
    preferred_language = SelectField(_l("Language"), choices=[])
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, office_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = [(r.value, str(label)) for r, label in ROLE_LABELS.items()]
        self.offices.choices = list(office_choices)
        self.preferred_language.choices = language_choices()


class NewUserForm(UserForm):
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )


class PasswordResetForm(BaseForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )


class ConfirmForm(BaseForm):
    """An empty form: the CSRF token is the whole point."""
