"""Forms of the matching workflow."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from caseapp.i18n import _l
from caseapp.matches.engine.scoring import LEVELS, Weights
from caseapp.volunteers.labels import GENDERS, SLOTS
from caseapp.web.forms import BaseForm, VersionedForm, no_blank
from caseapp.web.idempotency import SubmissionIdField


class MultiCheckbox(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RequestForm(BaseForm):
    submission_id = SubmissionIdField()
    programme = SelectField(_l("Programme"), coerce=int, validators=[InputRequired()])
    waiting_since = DateField(_l("Waiting since"), validators=[InputRequired()])
    gender_preference = SelectField(_l("Volunteer's gender wanted"), default="")
    interests = StringField(_l("Interests and hobbies"), validators=[Optional(), Length(max=500)])
    availability = MultiCheckbox(_l("Free times"), choices=list(SLOTS))
    interpreter_arranged = BooleanField(_l("An interpreter is arranged"))
    notes = TextAreaField(_l("Notes for the coordination office"), validators=[Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gender_preference.choices = [("", _l("no preference"))] + [
            (k, v) for k, v in GENDERS.items() if k != "none"
        ]


class AcceptForm(BaseForm):
    agreed_contact = StringField(
        _l("Agreed contact (how the two reach each other)"),
        validators=[Optional(), Length(max=200)],
    )


class RejectForm(BaseForm):
    reason = TextAreaField(
        _l("Why does this pair not fit?"),
        validators=[DataRequired(), no_blank, Length(max=1000)],
    )


class EndForm(VersionedForm):
    reason = SelectField(_l("Reason"), validators=[InputRequired()])
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])
    do_not_rematch = BooleanField(_l("Do not match these two again"))


class ContactForm(VersionedForm):
    agreed_contact = StringField(_l("Agreed contact"), validators=[Optional(), Length(max=200)])


WEIGHT_FIELDS = tuple(Weights.__dataclass_fields__)  # one form field per criterion


def _weight(label):
    return DecimalField(label, places=1, validators=[InputRequired(), NumberRange(min=0, max=100)])


class SettingsForm(BaseForm):
    needs_skills = _weight(_l("Needs and skills"))
    interests = _weight(_l("Shared interests"))
    age = _weight(_l("Similar age"))
    language_level = _weight(_l("Language level"))
    distance = _weight(_l("Distance"))
    waiting_time = _weight(_l("Waiting time"))
    continuity = _weight(_l("Continuity (knows the volunteer)"))
    min_language_level = SelectField(
        _l("Minimum level of the shared language"), choices=list(LEVELS)
    )


class NeighboursForm(BaseForm):
    neighbours = MultiCheckbox(_l("Neighbouring districts"), coerce=int)
