"""Office and district forms."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Email, Length, Optional, Regexp

from caseapp.i18n import _l, iso_language_choices
from caseapp.offices.kinds import OFFICE_KIND_LABELS
from caseapp.web.forms import VersionedForm, no_blank
from caseapp.web.idempotency import SubmissionIdField


class OfficeForm(VersionedForm):
    submission_id = SubmissionIdField()
    name = StringField(_l("Name"), validators=[DataRequired(), no_blank, Length(max=160)])
    kind = SelectField(_l("Kind of office"), validators=[DataRequired()])
    street = StringField(_l("Street and number"), validators=[Optional(), Length(max=160)])
    postcode = StringField(
        _l("Postcode"),
        validators=[
            Optional(),
            Regexp(r"^\d{5}$", message=_l("A German postcode has five digits.")),
        ],
        render_kw={"dir": "ltr", "inputmode": "numeric"},
    )
    city = StringField(_l("City"), validators=[Optional(), Length(max=80)])
    phone = StringField(
        _l("Phone"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^[0-9 +()/-]+$", message=_l("Use digits, spaces and + ( ) / - only.")),
        ],
        render_kw={"dir": "ltr", "inputmode": "tel"},
    )
    email = StringField(
        _l("E-mail address"),
        validators=[
            Optional(),
            Length(max=254),
            Email(message=_l("Enter a valid e-mail address.")),
        ],
        render_kw={"dir": "ltr"},
    )
    website = StringField(
        _l("Website"),
        validators=[
            Optional(),
            Length(max=254),
            URL(message=_l("Enter a full web address starting with https://.")),
        ],
        render_kw={"dir": "ltr"},
    )
    languages = SelectMultipleField(_l("Languages spoken"), choices=[], validate_choice=True)
    districts = SelectMultipleField(_l("Districts served"), choices=[], coerce=int)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    active = BooleanField(_l("Active"), default=True)
    hours_0 = StringField(validators=[Optional(), Length(max=100)])
    hours_1 = StringField(validators=[Optional(), Length(max=100)])
    hours_2 = StringField(validators=[Optional(), Length(max=100)])
    hours_3 = StringField(validators=[Optional(), Length(max=100)])
    hours_4 = StringField(validators=[Optional(), Length(max=100)])
    hours_5 = StringField(validators=[Optional(), Length(max=100)])
    hours_6 = StringField(validators=[Optional(), Length(max=100)])

    def __init__(self, *args, district_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, str(label)) for k, label in OFFICE_KIND_LABELS.items()]
        self.languages.choices = iso_language_choices()
        self.districts.choices = list(district_choices)

    def hours_fields(self):
        return [getattr(self, f"hours_{day}") for day in range(7)]


class DistrictForm(VersionedForm):
    name = StringField(
        _l("Name of the district"), validators=[DataRequired(), no_blank, Length(max=80)]
    )
