"""Forms for services, routing rules and referrals."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from caseapp.i18n import _l, iso_language_choices
from caseapp.people.vocab import NEED_AREAS, RESIDENCE_STATUS
from caseapp.referrals.vocab import AGE_GROUPS, CAPACITY, CATEGORIES, URGENCY
from caseapp.web.forms import BaseForm, VersionedForm, no_blank
from caseapp.web.idempotency import SubmissionIdField


def _choices(mapping) -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in mapping.items()]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ServiceForm(VersionedForm):
    submission_id = SubmissionIdField()
    office = SelectField(_l("Offering office"), coerce=int, choices=[])
    name_de = StringField(
        _l("Name (German)"), validators=[DataRequired(), no_blank, Length(max=160)]
    )
    name_ar = StringField(
        _l("Name (Arabic)"), validators=[Optional(), Length(max=160)], render_kw={"dir": "rtl"}
    )
    name_tr = StringField(_l("Name (Turkish)"), validators=[Optional(), Length(max=160)])
    description_de = TextAreaField(
        _l("Description (German)"), validators=[Optional(), Length(max=4000)]
    )
    description_ar = TextAreaField(
        _l("Description (Arabic)"),
        validators=[Optional(), Length(max=4000)],
        render_kw={"dir": "rtl"},
    )
    description_tr = TextAreaField(
        _l("Description (Turkish)"), validators=[Optional(), Length(max=4000)]
    )
    need_areas = CheckboxesField(_l("Need areas covered"), choices=[])
    eligibility = TextAreaField(_l("Who can use it"), validators=[Optional(), Length(max=2000)])
    districts = SelectMultipleField(
        _l("Districts served (none: the whole city)"), choices=[], coerce=int
    )
    languages = SelectMultipleField(_l("Languages spoken"), choices=[])
    hours_text = StringField(
        _l("Opening hours (empty: the office's hours)"), validators=[Optional(), Length(max=300)]
    )
    how_to_reach = StringField(_l("How to reach it"), validators=[Optional(), Length(max=500)])
    capacity = SelectField(_l("Capacity"), choices=[])
    response_days = IntegerField(
        _l("Response time in days"),
        default=5,
        validators=[
            DataRequired(),
            NumberRange(min=1, max=90, message=_l("Enter a number of days between 1 and 90.")),
        ],
    )
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, office_choices=(), district_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.office.choices = list(office_choices)
        self.need_areas.choices = _choices(NEED_AREAS)
        self.districts.choices = list(district_choices)
        self.languages.choices = iso_language_choices()
        self.capacity.choices = _choices(CAPACITY)


class RuleForm(VersionedForm):
    need = SelectField(_l("Need area"), choices=[])
    district = SelectField(_l("District"), coerce=int, choices=[])
    language = SelectField(_l("Language spoken by the person"), choices=[])
    age_group = SelectField(_l("Age group"), choices=[])
    residence_status = SelectField(_l("Residence status"), choices=[])
    service = SelectField(_l("Responsible service"), coerce=int, choices=[])
    priority = IntegerField(
        _l("Priority (lower comes first)"),
        default=100,
        validators=[
            DataRequired(),
            NumberRange(min=0, max=1000, message=_l("Enter a number between 0 and 1000.")),
        ],
    )
    active = BooleanField(_l("Active"), default=True)
    # The sample person the rule set is tested against before saving.
    sample_district = SelectField(_l("District of the sample person"), coerce=int, choices=[])
    sample_language = SelectField(_l("Language of the sample person"), choices=[])
    sample_age = IntegerField(
        _l("Age of the sample person"), validators=[Optional(), NumberRange(min=0, max=120)]
    )
    sample_residence = SelectField(_l("Residence status of the sample person"), choices=[])

    def __init__(self, *args, district_choices=(), service_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        anyone = [("", str(_l("any")))]
        self.need.choices = _choices(NEED_AREAS)
        self.district.choices = [(0, str(_l("whole city (fallback)"))), *district_choices]
        self.language.choices = anyone + iso_language_choices()
        self.age_group.choices = anyone + _choices(AGE_GROUPS)
        self.residence_status.choices = anyone + _choices(RESIDENCE_STATUS)
        self.service.choices = list(service_choices)
        self.sample_district.choices = [(0, "—"), *district_choices]
        self.sample_language.choices = [("", "—"), *iso_language_choices()]
        self.sample_residence.choices = [("", "—"), *_choices(RESIDENCE_STATUS)]


class ReferralForm(BaseForm):
    submission_id = SubmissionIdField()
    need = SelectField(_l("Need area"), choices=[])
    service = SelectField(_l("Receiving service"), coerce=int, choices=[], validate_choice=False)
    urgency = SelectField(_l("Urgency"), choices=[], default="normal")
    message = TextAreaField(
        _l("Message to the receiving office"), validators=[Optional(), Length(max=4000)]
    )
    # Only the categories the consent covers are offered (offer_categories); the service
    # refuses any other by name, so the field does not refuse them first with a bare message.
    categories = CheckboxesField(_l("Data to share"), choices=[], validate_choice=False)
    consultations = CheckboxesField(
        _l("Consultations to share"), coerce=int, choices=[], validate_choice=False
    )

    def __init__(self, *args, service_choices=(), consultation_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.need.choices = _choices(NEED_AREAS)
        self.service.choices = [(0, "—"), *service_choices]
        self.urgency.choices = _choices(URGENCY)
        self.categories.choices = _choices(CATEGORIES)
        self.consultations.choices = list(consultation_choices)

    def offer_categories(self, allowed) -> None:
        """Offer only the categories the person's consent covers for the chosen office."""
        self.categories.choices = [(k, v) for k, v in _choices(CATEGORIES) if k in allowed]


class StatusForm(BaseForm):
    """One step of the lifecycle; the note is the reason or the outcome where one is needed."""

    note = TextAreaField(_l("Reason or outcome"), validators=[Optional(), Length(max=4000)])
