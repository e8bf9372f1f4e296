"""Sign-in, password and language forms."""

from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

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


__all__ = ["ChangePasswordForm", "Email", "LanguageForm", "LoginForm"]
