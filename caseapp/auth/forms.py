"""Sign-in, password and language forms."""

from wtforms import IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length
from wtforms.widgets import HiddenInput

from caseapp.auth.passwords import MAX_LENGTH
from caseapp.i18n import _l, language_choices
from caseapp.web.forms import BaseForm


class LoginForm(BaseForm):
    email = StringField(
        _l("E-mail address"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username", "dir": "ltr", "autofocus": True},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class LanguageForm(BaseForm):
    language = SelectField(_l("Language"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()


class CodeForm(BaseForm):
    """A six-digit code from the authenticator app."""

    code = StringField(
        _l("Code from your authenticator app"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "dir": "ltr",
            "autofocus": True,
        },
    )


class RecoveryForm(BaseForm):
    code = StringField(
        _l("Recovery code"),
        validators=[DataRequired(), Length(max=40)],
        render_kw={"autocomplete": "off", "dir": "ltr", "autofocus": True},
    )


class ConfirmForm(BaseForm):
    """An empty form: the CSRF token is the whole point."""


class RecordForm(BaseForm):
    """A button acting on one record named in a hidden field (a session, a reset request)."""

    record_id = IntegerField(validators=[DataRequired()], widget=HiddenInput())


__all__ = [
    "ChangePasswordForm",
    "CodeForm",
    "ConfirmForm",
    "Email",
    "LanguageForm",
    "LoginForm",
    "RecordForm",
    "RecoveryForm",
]
