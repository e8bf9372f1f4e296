"""Forms for sign-up, profiles, programmes, trainings, decisions, good conduct and hours."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from caseapp.auth.passwords import MAX_LENGTH
from caseapp.i18n import _, _l, iso_language_choices
from caseapp.volunteers.labels import (
    DAYPARTS,
    GENDERS,
    LEVELS,
    MAX_CAPACITY,
    MIN_CAPACITY,
    PROGRAMME_KIND_LABELS,
    SLOTS,
)
from caseapp.web.forms import BaseForm, VersionedForm, no_blank
from caseapp.web.idempotency import SubmissionIdField

LANGUAGE_ROWS = 4
NUMBER = {"dir": "ltr", "inputmode": "numeric"}


class ProfileForm(VersionedForm):
    name = StringField(_l("Name"), validators=[DataRequired(), no_blank, Length(max=120)])
    phone = StringField(
        _l("Phone"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^[0-9 +()/-]+$", message=_l("Use digits, spaces and + ( ) / - only.")),
        ],
        render_kw={"dir": "ltr", "inputmode": "tel", "autocomplete": "tel"},
    )
    district = SelectField(_l("District you live in"), coerce=int, choices=[])
    language_0 = SelectField(choices=[], validate_choice=False)
    level_0 = SelectField(choices=[], validate_choice=False)
    language_1 = SelectField(choices=[], validate_choice=False)
    level_1 = SelectField(choices=[], validate_choice=False)
    language_2 = SelectField(choices=[], validate_choice=False)
    level_2 = SelectField(choices=[], validate_choice=False)
    language_3 = SelectField(choices=[], validate_choice=False)
    level_3 = SelectField(choices=[], validate_choice=False)
    profession = StringField(_l("Profession"), validators=[Optional(), Length(max=120)])
    skills = TextAreaField(
        _l("Skills you would like to share"), validators=[Optional(), Length(max=2000)]
    )
    interests = TextAreaField(
        _l("Interests and hobbies"), validators=[Optional(), Length(max=2000)]
    )
    # Checked by the service, which explains a wrong slot in words.
    availability = SelectMultipleField(
        _l("When are you available?"), choices=[], validate_choice=False
    )
    capacity = IntegerField(
        _l("How many newcomers can you accompany at the same time?"),
        validators=[
            InputRequired(message=_l("Enter a number.")),
            NumberRange(
                min=MIN_CAPACITY,
                max=MAX_CAPACITY,
                message=_l("You can take between %(min)d and %(max)d newcomers."),
            ),
        ],
        render_kw={**NUMBER, "min": MIN_CAPACITY, "max": MAX_CAPACITY},
    )
    gender = SelectField(_l("Gender"), choices=[])
    birth_year = IntegerField(
        _l("Year of birth"),
        validators=[Optional()],
        render_kw={**NUMBER, "min": 1920, "max": 2020},
    )
    programmes = SelectMultipleField(_l("Programmes you are interested in"), coerce=int, choices=[])

    def __init__(self, *args, district_choices=(), programme_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.district.choices = [(0, "—"), *district_choices]
        languages = [("", "—"), *iso_language_choices()]
        levels = [("", "—"), *((k, str(v)) for k, v in LEVELS.items())]
        for row in range(LANGUAGE_ROWS):
            getattr(self, f"language_{row}").choices = languages
            getattr(self, f"level_{row}").choices = levels
        self.availability.choices = [(s, s) for s in SLOTS]
        self.gender.choices = [(k, str(v)) for k, v in GENDERS.items()]
        self.programmes.choices = list(programme_choices)

    def language_rows(self):
        return [
            (getattr(self, f"language_{row}"), getattr(self, f"level_{row}"))
            for row in range(LANGUAGE_ROWS)
        ]

    def language_pairs(self) -> list[tuple[str, str]]:
        return [(lang.data, level.data or "") for lang, level in self.language_rows() if lang.data]

    def set_language_pairs(self, pairs) -> None:
        for (lang, level), pair in zip(self.language_rows(), pairs, strict=False):
            lang.data, level.data = pair["code"], pair["level"]

    @staticmethod
    def dayparts():
        return DAYPARTS

    def validate_availability(self, field) -> None:
        # The same rule as the service, so every mistake shows at once.
        if not field.data:
            raise ValidationError(_("Tick at least one time when you are available."))
        if not set(field.data) <= set(SLOTS):
            raise ValidationError(_("Choose times from the weekly grid only."))

    def apply_errors(self, error) -> None:
        # The service speaks of "languages"; the form shows them next to the first row.
        if "languages" in error.errors:
            error.errors["language_0"] = error.errors.pop("languages")
        super().apply_errors(error)


class SignupForm(ProfileForm):
    submission_id = SubmissionIdField()
    email = StringField(
        _l("E-mail address"),
        validators=[
            DataRequired(),
            Length(max=254),
            Email(message=_l("Enter a valid e-mail address.")),
        ],
        render_kw={"dir": "ltr", "autocomplete": "email"},
    )
    password = PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(),
            EqualTo("password", message=_l("The passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    consent = BooleanField(_l("I agree that Lotse stores and uses my details as described above."))
    # Honeypot: hidden from people, filled in by bots.
    website = StringField(_l("Leave this field empty"), validators=[Optional()])

    # The sign-up in steps on a phone (programme, about you, languages and times, account):
    # the fields each step shows and checks before the next one.
    STEPS = (
        (_l("Programme"), ("programmes",)),
        (
            _l("About you"),
            (
                "name",
                "phone",
                "district",
                "gender",
                "birth_year",
                "profession",
                "skills",
                "interests",
            ),
        ),
        (
            _l("Languages and times"),
            (
                *(
                    f"{kind}_{row}"
                    for row in range(LANGUAGE_ROWS)
                    for kind in ("language", "level")
                ),
                "availability",
                "capacity",
            ),
        ),
        (_l("Your account"), ("email", "password", "confirm", "consent")),
    )
    FIELD_ORDER = tuple(name for _title, names in STEPS for name in names)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Nothing chosen for the person: gender stays empty until they pick an answer.
        self.gender.choices = [("", "—"), *self.gender.choices]

    def step_of(self, name: str) -> int:
        """The step (1-based) that shows a field; form-wide messages belong to the last."""
        for number, (_title, names) in enumerate(self.STEPS, start=1):
            if name in names:
                return number
        return len(self.STEPS)

    def steps_with_errors(self) -> list[int]:
        return sorted({self.step_of(name) for name in self.errors if name})

    def validate_step(self, step: int) -> bool:
        """Check every field, then keep only the messages of this step's fields."""
        self.validate()
        names = set(self.STEPS[step - 1][1])
        for name, field in self._fields.items():
            if name not in names and name != "csrf_token":
                field.errors = []
        return not self.errors

    def validate_programmes(self, field) -> None:
        if not field.data:
            raise ValidationError(_("Choose at least one programme."))

    def validate_language_0(self, field) -> None:
        if not self.language_pairs():
            raise ValidationError(_("Name at least one language you speak."))


class ProgrammeForm(VersionedForm):
    submission_id = SubmissionIdField()
    kind = SelectField(_l("Kind of programme"), choices=[])
    name_de = StringField(
        _l("Name (German)"), validators=[DataRequired(), no_blank, Length(max=120)]
    )
    name_ar = StringField(_l("Name (Arabic)"), validators=[Optional(), Length(max=120)])
    name_tr = StringField(_l("Name (Turkish)"), validators=[Optional(), Length(max=120)])
    description_de = TextAreaField(
        _l("Description (German)"), validators=[Optional(), Length(max=4000)]
    )
    description_ar = TextAreaField(
        _l("Description (Arabic)"), validators=[Optional(), Length(max=4000)]
    )
    description_tr = TextAreaField(
        _l("Description (Turkish)"), validators=[Optional(), Length(max=4000)]
    )
    min_commitment_months = IntegerField(
        _l("Minimum commitment in months"),
        validators=[InputRequired(message=_l("Enter a number."))],
        render_kw=NUMBER,
    )
    required_trainings = IntegerField(
        _l("Trainings required before the certificate"),
        validators=[InputRequired(message=_l("Enter a number."))],
        render_kw=NUMBER,
    )
    good_conduct_required = BooleanField(_l("Certificate of good conduct must be seen"))
    max_newcomers = IntegerField(
        _l("Newcomers per volunteer at most"),
        validators=[InputRequired(message=_l("Enter a number."))],
        render_kw=NUMBER,
    )
    active = BooleanField(_l("Open for sign-up"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, str(v)) for k, v in PROGRAMME_KIND_LABELS.items()]


class TrainingForm(VersionedForm):
    submission_id = SubmissionIdField()
    title = StringField(_l("Title"), validators=[DataRequired(), no_blank, Length(max=160)])
    day = DateField(
        _l("Date"),
        validators=[InputRequired(message=_l("Enter a date."))],
        render_kw={"dir": "ltr"},
    )
    starts = TimeField(
        _l("Starts at"),
        validators=[InputRequired(message=_l("Enter a time."))],
        render_kw={"dir": "ltr"},
    )
    ends = TimeField(
        _l("Ends at"),
        validators=[InputRequired(message=_l("Enter a time."))],
        render_kw={"dir": "ltr"},
    )
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    capacity = IntegerField(
        _l("Places"),
        validators=[InputRequired(message=_l("Enter a number."))],
        render_kw=NUMBER,
    )
    programmes = SelectMultipleField(_l("Programmes covered"), coerce=int, choices=[])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])

    def __init__(self, *args, programme_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.programmes.choices = list(programme_choices)


class DecisionForm(BaseForm):
    reason = TextAreaField(
        _l("Reason (sent to the volunteer)"), validators=[Optional(), Length(max=2000)]
    )


class GoodConductForm(BaseForm):
    seen_on = DateField(
        _l("Seen on"),
        validators=[InputRequired(message=_l("Enter a date."))],
        render_kw={"dir": "ltr"},
    )
    valid_until = DateField(
        _l("Renew by"),
        validators=[InputRequired(message=_l("Enter a date."))],
        render_kw={"dir": "ltr"},
    )


class HoursForm(BaseForm):
    submission_id = SubmissionIdField()
    programme = SelectField(_l("Programme"), coerce=int, choices=[])
    match = SelectField(_l("With whom (match)"), coerce=int, choices=[], default=0)
    day = DateField(
        _l("Date"),
        validators=[InputRequired(message=_l("Enter a date."))],
        render_kw={"dir": "ltr"},
    )
    minutes = IntegerField(
        _l("Duration in minutes"),
        validators=[InputRequired(message=_l("Enter a number."))],
        render_kw=NUMBER,
    )
    activity = TextAreaField(
        _l("What did you do?"), validators=[DataRequired(), no_blank, Length(max=2000)]
    )

    def __init__(self, *args, programme_choices=(), match_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.programme.choices = list(programme_choices)
        self.match.choices = [(0, _l("— not for a particular match")), *match_choices]


class ConfirmForm(BaseForm):
    """An empty form: the CSRF token is the whole point."""


class RegisterVolunteerForm(BaseForm):
    volunteer = SelectField(_l("Volunteer"), coerce=int, choices=[])
