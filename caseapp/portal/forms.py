"""Portal sign-in, reschedule request and reminder contact forms."""

from __future__ import annotations

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from caseapp.i18n import _l
from caseapp.web.forms import BaseForm


class PortalLoginForm(BaseForm):
    case_number = StringField(
        _l("Case number"),
        validators=[DataRequired(), Length(max=40)],
        render_kw={"dir": "ltr", "autocomplete": "username", "autocapitalize": "characters"},
    )
    access_code = StringField(
        _l("Access code"),
        validators=[DataRequired(), Length(max=40)],
        render_kw={"dir": "ltr", "autocomplete": "one-time-code", "autocapitalize": "characters"},
    )


class RescheduleRequestForm(BaseForm):
    message = TextAreaField(
        _l("When would suit you better? (optional)"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3, "dir": "auto"},
    )


class ContactForm(BaseForm):
    email = StringField(
        _l("E-mail address"),
        validators=[
            Optional(),
            Length(max=254),
            Email(message=_l("Enter a valid e-mail address.")),
        ],
        render_kw={"dir": "ltr", "autocomplete": "email"},
    )
    phone = StringField(
        _l("Mobile phone for text messages"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^\+?[0-9 ()/-]{6,}$", message=_l("Use digits, spaces and + ( ) / - only.")),
        ],
        render_kw={"dir": "ltr", "inputmode": "tel", "autocomplete": "tel"},
    )
    consent = BooleanField(
        _l("I agree that Lotse sends me reminders of my appointments to this address or number.")
    )
