"""Forms: registering a partner, changing it, and a partner's answer through a link."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from caseapp.i18n import _l, language_choices
from caseapp.offices.kinds import OFFICE_KIND_LABELS
from caseapp.people.vocab import NEED_AREAS
from caseapp.referrals.forms import CheckboxesField
from caseapp.web.forms import BaseForm, VersionedForm, no_blank
from caseapp.web.idempotency import SubmissionIdField


class PartnerContactForm(VersionedForm):
    submission_id = SubmissionIdField()
    email = StringField(
        _l("E-mail address for referrals"), validators=[DataRequired(), Length(max=254)]
    )
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=160)])
    language = SelectField(_l("Language of the e-mails"), choices=[])
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()


class PartnerForm(PartnerContactForm):
    name = StringField(_l("Name"), validators=[DataRequired(), no_blank, Length(max=160)])
    kind = SelectField(_l("Kind of office"), validators=[DataRequired()])
    street = StringField(_l("Street and number"), validators=[Optional(), Length(max=160)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=10)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=80)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=254)])
    service_name_de = StringField(_l("Name (German)"), validators=[Optional(), Length(max=160)])
    service_name_ar = StringField(
        _l("Name (Arabic)"), validators=[Optional(), Length(max=160)], render_kw={"dir": "rtl"}
    )
    service_name_tr = StringField(_l("Name (Turkish)"), validators=[Optional(), Length(max=160)])
    need_areas = CheckboxesField(_l("Need areas covered"), choices=[])
    response_days = IntegerField(
        _l("Response time in days"), default=5, validators=[NumberRange(min=1, max=60)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, str(label)) for k, label in OFFICE_KIND_LABELS.items()]
        self.need_areas.choices = [(k, str(v)) for k, v in NEED_AREAS.items()]


class AnswerForm(BaseForm):
    """A partner's answer: the reason for declining or the outcome (empty for accepting)."""

    submission_id = SubmissionIdField()
    note = TextAreaField(_l("Reason or outcome"), validators=[Optional(), Length(max=4000)])
