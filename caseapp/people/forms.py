"""Forms for registering persons and working on their case."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    FileField,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from caseapp.i18n import _l, country_choices, iso_language_choices
from caseapp.people.sections import consultation_parts
from caseapp.people.vocab import (
    CASE_STATUS,
    CLOSE_REASONS,
    CONSENT_FORMS,
    CONSENT_PURPOSES,
    CONSULTATION_MODES,
    DATA_CATEGORIES,
    HOUSEHOLD_ROLES,
    LANGUAGE_LEVELS,
    NEED_AREAS,
    RESIDENCE_STATUS,
    SEX,
    VULNERABILITIES,
)
from caseapp.web.forms import BaseForm, VersionedForm
from caseapp.web.idempotency import SubmissionIdField


def _choices(mapping: dict, blank: str | None = None):
    items = [(k, str(v)) for k, v in mapping.items() if k]
    return ([("", blank)] if blank is not None else []) + items


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LanguageRow(BaseForm):
    class Meta:
        csrf = False

    code = SelectField(_l("Language"), choices=[], validate_choice=False)
    level = SelectField(_l("Level"), choices=[], validate_choice=False)


class PersonForm(VersionedForm):
    submission_id = SubmissionIdField()
    given_name = StringField(
        _l("Given names (Latin script, as in the passport)"),
        validators=[DataRequired(), Length(max=120)],
    )
    family_name = StringField(
        _l("Family name (Latin script)"), validators=[DataRequired(), Length(max=120)]
    )
    original_name = StringField(
        _l("Full name in original script"),
        validators=[Optional(), Length(max=240)],
        render_kw={"dir": "auto"},
    )
    birth_date = StringField(
        _l("Date of birth"),
        validators=[Optional(), Length(max=10)],
        render_kw={"dir": "ltr", "placeholder": "1990-05-17 / 1990"},
    )
    sex = SelectField(_l("Sex"), choices=[], default="")
    # Identity details as on the papers: they tell a re-registration from a namesake.
    birth_place = StringField(
        _l("Place of birth"), validators=[Optional(), Length(max=120)], render_kw={"dir": "auto"}
    )
    father_name = StringField(
        _l("Father's name"), validators=[Optional(), Length(max=120)], render_kw={"dir": "auto"}
    )
    mother_name = StringField(
        _l("Mother's name"), validators=[Optional(), Length(max=120)], render_kw={"dir": "auto"}
    )
    # No length check here: validate_person says what an AZR number looks like, spaces aside.
    azr_number = StringField(
        _l("AZR number"),
        validators=[Optional()],
        render_kw={"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"},
    )
    nationalities = SelectMultipleField(_l("Nationalities"), choices=[], validate_choice=False)
    languages = FieldList(FormField(LanguageRow), min_entries=3, max_entries=6)
    interpreter_language = SelectField(
        _l("Interpreter needed for"), choices=[], validate_choice=False
    )
    phone = StringField(
        _l("Phone"),
        validators=[Optional(), Length(max=40)],
        render_kw={"dir": "ltr", "inputmode": "tel"},
    )
    email = StringField(
        _l("E-mail address"), validators=[Optional(), Length(max=254)], render_kw={"dir": "ltr"}
    )
    street = StringField(_l("Street and number"), validators=[Optional(), Length(max=160)])
    postcode = StringField(
        _l("Postcode"),
        validators=[Optional(), Length(max=10)],
        render_kw={"dir": "ltr", "inputmode": "numeric"},
    )
    city = StringField(_l("City"), validators=[Optional(), Length(max=80)])
    district = SelectField(_l("District"), choices=[], coerce=int, validate_choice=False)
    residence_status = SelectField(_l("Residence status"), choices=[], default="")
    residence_valid_until = DateField(_l("Residence permit valid until"), validators=[Optional()])
    arrived_germany_on = DateField(_l("Arrival in Germany"), validators=[Optional()])
    arrived_municipality_on = DateField(_l("Arrival in the municipality"), validators=[Optional()])
    office = SelectField(_l("Office"), choices=[], coerce=int, validate_choice=False)
    confirm_new = BooleanField(_l("None of these is the same person: register a new person"))

    def __init__(self, *args, district_choices=(), office_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sex.choices = [*_choices(SEX), ("", str(SEX[""]))]
        self.nationalities.choices = country_choices()
        languages = iso_language_choices()
        for row in self.languages:
            row.form.code.choices = [("", "—"), *languages]
            row.form.level.choices = [("", "—")] + [(lvl, lvl) for lvl in LANGUAGE_LEVELS]
        self.interpreter_language.choices = [("", "—"), *languages]
        self.district.choices = [(0, "—"), *district_choices]
        self.residence_status.choices = _choices(RESIDENCE_STATUS, "—")
        self.office.choices = list(office_choices)


class CaseForm(VersionedForm):
    status = SelectField(_l("Status"), choices=[])
    closed_reason = SelectField(_l("Reason for closing"), choices=[], default="")
    caseworker = SelectField(
        _l("Responsible caseworker"), choices=[], coerce=int, validate_choice=False
    )
    needs = CheckboxesField(_l("Need areas"), choices=[])
    vulnerabilities = CheckboxesField(_l("Vulnerabilities"), choices=[])

    def __init__(self, *args, caseworker_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = _choices(CASE_STATUS)
        self.closed_reason.choices = _choices(CLOSE_REASONS, "—")
        self.caseworker.choices = [(0, "—"), *caseworker_choices]
        self.needs.choices = _choices(NEED_AREAS)
        self.vulnerabilities.choices = _choices(VULNERABILITIES)


class StepRow(BaseForm):
    class Meta:
        csrf = False

    description = StringField(_l("Next step"), validators=[Optional(), Length(max=500)])
    due_on = DateField(_l("Due on"), validators=[Optional()])
    owner = SelectField(_l("Who"), choices=[], coerce=int, validate_choice=False)


class ConsultationForm(BaseForm):
    submission_id = SubmissionIdField()
    at = DateTimeLocalField(
        _l("Date and time"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    duration_minutes = IntegerField(
        _l("Duration in minutes"),
        default=30,
        validators=[DataRequired(), NumberRange(min=1, max=600)],
    )
    mode = SelectField(_l("How"), choices=[], default="in_person")
    interpreter_language = SelectField(_l("Interpreter used"), choices=[], validate_choice=False)
    need_areas = CheckboxesField(_l("Need areas discussed"), choices=[])
    notes = TextAreaField(
        _l("Notes"), validators=[Optional(), Length(max=8000)], render_kw={"rows": 6, "dir": "auto"}
    )
    steps = FieldList(FormField(StepRow), min_entries=3, max_entries=10)

    def __init__(self, *args, owner_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.mode.choices = _choices(CONSULTATION_MODES)
        self.interpreter_language.choices = [("", "—"), *iso_language_choices()]
        self.need_areas.choices = _choices(NEED_AREAS)
        for row in self.steps:
            row.form.owner.choices = list(owner_choices)


_consultation_classes: dict[tuple[str, ...], type[ConsultationForm]] = {}


def consultation_form(**kwargs) -> ConsultationForm:
    """The consultation form with the fields other packages add to it (people/sections.py)."""
    parts = consultation_parts()
    key = tuple(part.name for part in parts)
    cls = _consultation_classes.get(key)
    if cls is None:
        extra = {name: f for part in parts for name, f in part.fields().items()}
        cls = type("ConsultationForm", (ConsultationForm,), extra) if extra else ConsultationForm
        _consultation_classes[key] = cls
    return cls(**kwargs)


class AidForm(BaseForm):
    submission_id = SubmissionIdField()
    kind = SelectField(_l("Kind of aid"), choices=[], coerce=int, validate_choice=False)
    given_on = DateField(_l("Given on"), validators=[DataRequired()])
    value = DecimalField(
        _l("Value in euros"),
        places=2,
        validators=[Optional(), NumberRange(min=0)],
        render_kw={"dir": "ltr", "inputmode": "decimal"},
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    override_reason = StringField(
        _l("Reason for giving it again"), validators=[Optional(), Length(max=500)]
    )


class ConsentForm(BaseForm):
    purpose = SelectField(_l("Purpose"), choices=[])
    receiving_office = SelectField(
        _l("Receiving office"), choices=[], coerce=int, validate_choice=False
    )
    # The scope: the same data categories a referral shares; the note says anything else.
    categories = CheckboxesField(_l("Data to share"), choices=[])
    scope = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    given_on = DateField(_l("Given on"), validators=[DataRequired()])
    valid_until = DateField(_l("Valid until (optional)"), validators=[Optional()])
    form = SelectField(_l("How it was given"), choices=[])

    def __init__(self, *args, office_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.purpose.choices = _choices(CONSENT_PURPOSES)
        self.receiving_office.choices = [(0, "—"), *office_choices]
        self.categories.choices = _choices(DATA_CATEGORIES)
        self.form.choices = _choices(CONSENT_FORMS)


class HouseholdForm(BaseForm):
    other = HiddenField(validators=[DataRequired()])
    role = SelectField(_l("Role of this person"), choices=[])
    other_role = SelectField(_l("Role of the other person"), choices=[], default="head")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _choices(HOUSEHOLD_ROLES)
        self.other_role.choices = _choices(HOUSEHOLD_ROLES)


class ImportForm(BaseForm):
    file = FileField(_l("CSV file"), validators=[DataRequired()])
    office = SelectField(_l("Office"), choices=[], coerce=int, validate_choice=False)


class AidKindForm(BaseForm):
    name_de = StringField(_l("Name (German)"), validators=[DataRequired(), Length(max=120)])
    name_ar = StringField(
        _l("Name (Arabic)"),
        validators=[Optional(), Length(max=120)],
        render_kw={"dir": "rtl", "lang": "ar"},
    )
    name_tr = StringField(
        _l("Name (Turkish)"), validators=[Optional(), Length(max=120)], render_kw={"lang": "tr"}
    )
    min_interval_days = IntegerField(
        _l("Minimum days between two grants to one household"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=3650)],
    )
