"""Forms of the interpreter dispatch."""

from __future__ import annotations

from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from caseapp.i18n import _l
from caseapp.interpreters.wording import MODE_LABELS
from caseapp.matches.forms import MultiCheckbox
from caseapp.volunteers.labels import DAYPARTS, GENDERS, SLOTS
from caseapp.web.forms import BaseForm, VersionedForm
from caseapp.web.idempotency import SubmissionIdField
from caseapp.web.templating import weekday_name


def gender_choices(empty_label) -> list[tuple[str, str]]:
    return [("", empty_label)] + [(k, v) for k, v in GENDERS.items() if k != "none"]


class InterpreterForm(VersionedForm):
    submission_id = SubmissionIdField()
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    email = StringField(_l("E-mail address"), validators=[Optional(), Length(max=254)])
    hourly_rate = DecimalField(
        _l("Hourly rate (EUR)"), places=2, validators=[Optional(), NumberRange(min=0, max=1000)]
    )
    gender = SelectField(_l("Gender"), default="")
    languages = MultiCheckbox(_l("Languages and varieties"))
    districts = MultiCheckbox(_l("Districts served (none: the whole city)"), coerce=int)
    availability = MultiCheckbox(_l("Free times"), choices=list(SLOTS))
    modes = MultiCheckbox(_l("Ways of interpreting"), choices=list(MODE_LABELS))
    pledge_signed_on = DateField(_l("Confidentiality pledge signed on"), validators=[Optional()])
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.modes.choices = list(MODE_LABELS.items())
        self.availability.choices = [
            (slot, f"{weekday_name(int(slot[0]))}, {DAYPARTS[slot[2:]]}") for slot in SLOTS
        ]


class NeedForm(BaseForm):
    submission_id = SubmissionIdField()
    variety = SelectField(_l("Variety or dialect"), default="")
    variety_strict = BooleanField(_l("Only this variety"))
    gender = SelectField(_l("Interpreter's gender wanted"), default="")
    gender_strict = BooleanField(_l("Only this gender"))
    mode = SelectField(_l("Way of interpreting"), choices=list(MODE_LABELS))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode.choices = list(MODE_LABELS.items())


class SettingsForm(VersionedForm):
    travel_minutes = IntegerField(
        _l("Travel time between offices (minutes)"),
        validators=[InputRequired(), NumberRange(min=0, max=240)],
    )
    budget = DecimalField(
        _l("Budget for paid interpreters per round (EUR, empty: no limit)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=1_000_000)],
    )


class RoundForm(BaseForm):
    submission_id = SubmissionIdField()
    starts_on = DateField(_l("From"), validators=[InputRequired()])
    ends_on = DateField(_l("To"), validators=[InputRequired()])


class OnceForm(BaseForm):
    """A button: CSRF and a submission id, nothing typed."""

    submission_id = SubmissionIdField()
