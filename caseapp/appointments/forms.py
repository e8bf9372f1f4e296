"""Forms for booking, moving, cancelling and closing appointments, and for rooms."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from caseapp.appointments.documents import document_choices
from caseapp.appointments.models import ATTENDED, CANCELLED_BY_NEWCOMER, NO_SHOW
from caseapp.i18n import _l, iso_language_choices
from caseapp.people.vocab import NEED_AREAS
from caseapp.web.forms import BaseForm, VersionedForm, no_blank
from caseapp.web.idempotency import SubmissionIdField

ATTENDANCE_LABELS = {
    ATTENDED: _l("Attended"),
    NO_SHOW: _l("Did not come (no-show)"),
    CANCELLED_BY_NEWCOMER: _l("Cancelled by the newcomer"),
}


class _TimeFields(BaseForm):
    room = SelectField(_l("Room"), choices=[], coerce=int, validate_choice=False)
    caseworker = SelectField(_l("Caseworker"), choices=[], coerce=int, validate_choice=False)
    starts_at = DateTimeLocalField(
        _l("Starts at"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    duration_minutes = IntegerField(
        _l("Duration in minutes"),
        default=30,
        # Zero or less reaches the service, which says that the end must be after the start.
        validators=[
            InputRequired(),
            NumberRange(max=480, message=_l("An appointment can last at most 8 hours.")),
        ],
        render_kw={"dir": "ltr", "inputmode": "numeric"},
    )
    confirm_overlap = BooleanField(
        _l("Book anyway: the newcomer has another appointment at that time")
    )

    def set_choices(self, rooms, caseworkers):
        self.room.choices = [(0, "—"), *rooms]
        self.caseworker.choices = [(0, "—"), *caseworkers]


class BookingForm(_TimeFields):
    submission_id = SubmissionIdField()
    office = SelectField(_l("Office"), choices=[], coerce=int, validate_choice=False)
    need_area = SelectField(_l("Need area"), choices=[], default="")
    purpose = StringField(
        _l("Purpose (internal)"),
        validators=[Optional(), Length(max=200)],
        render_kw={"dir": "auto"},
    )
    interpreter_language = SelectField(
        _l("Interpreter needed for"), choices=[], validate_choice=False
    )
    # A group of checkboxes (templates/macros/forms.html `checkboxes`), named in the reader's
    # language wherever the newcomer sees them; the text below is for anything else.
    documents_to_bring = SelectMultipleField(_l("For the newcomer: documents to bring"))
    notes_for_newcomer = TextAreaField(
        _l("Anything else to bring"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3, "dir": "auto"},
    )
    for_household = BooleanField(_l("For the whole household"))

    def __init__(self, *args, office_choices=(), room_choices=(), caseworker_choices=(), **kw):
        super().__init__(*args, **kw)
        self.office.choices = list(office_choices)
        self.set_choices(room_choices, caseworker_choices)
        self.need_area.choices = [("", "—")] + [(k, str(v)) for k, v in NEED_AREAS.items()]
        self.interpreter_language.choices = [("", "—"), *iso_language_choices()]
        self.documents_to_bring.choices = document_choices()


class RescheduleForm(_TimeFields, VersionedForm):
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=300)])

    def __init__(self, *args, room_choices=(), caseworker_choices=(), **kw):
        super().__init__(*args, **kw)
        self.set_choices(room_choices, caseworker_choices)


class CancelForm(VersionedForm):
    reason = StringField(
        _l("Reason for the cancellation"),
        validators=[DataRequired(), no_blank, Length(max=300)],
    )


class AttendanceForm(BaseForm):
    outcome = SelectField(_l("Attendance"), choices=[])

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.outcome.choices = [(k, str(v)) for k, v in ATTENDANCE_LABELS.items()]


class RoomForm(BaseForm):
    name = StringField(
        _l("Name of the room"), validators=[DataRequired(), no_blank, Length(max=80)]
    )
    notes = StringField(_l("Notes"), validators=[Optional(), Length(max=200)])


class SlipCodeForm(BaseForm):
    access_code = HiddenField(validators=[DataRequired(), Length(max=20)])
