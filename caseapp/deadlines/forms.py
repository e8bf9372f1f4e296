"""Forms of the deadline catalogue and of deadlines on a person."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from caseapp.deadlines.models import TEXT_FIELDS, TEXT_LANGUAGES
from caseapp.i18n import LANGUAGES, _l
from caseapp.web.forms import BaseForm, VersionedForm
from caseapp.web.idempotency import SubmissionIdField

# Headings of the four texts of a kind; each is typed in every language of TEXT_LANGUAGES.
TEXT_LABELS = {
    "name": _l("Name"),
    "explanation": _l("Explanation"),
    "next_step": _l("Next step"),
    "documents": _l("Documents to bring"),
}
_LIMITS = {"name": 160, "explanation": 2000, "next_step": 500, "documents": 1000}


class KindForm(VersionedForm):
    submission_id = SubmissionIdField()
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    rule = SelectField(_l("How the deadline is found"), choices=[])
    source = SelectField(_l("Derived from"), choices=[])
    months = IntegerField(_l("Months after that date"), default=0, validators=[Optional()])
    days = IntegerField(_l("Days after that date"), default=0, validators=[Optional()])
    age_years = IntegerField(_l("Child's age in years"), default=0, validators=[Optional()])
    cutoff_day = IntegerField(_l("Cut-off day"), default=0, validators=[Optional()])
    cutoff_month = IntegerField(_l("Cut-off month"), default=0, validators=[Optional()])
    warn_weeks = StringField(
        _l("Warn this many weeks before (comma-separated)"),
        default="12, 6",
        validators=[Length(max=60)],
    )
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, rule_choices=(), source_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rule.choices = list(rule_choices)
        self.source.choices = [("", "—"), *source_choices]

    def text_field(self, name: str, language: str):
        return self[f"{name}_{language}"]

    def texts(self) -> dict[str, dict[str, str]]:
        return {
            name: {lang: self.text_field(name, lang).data or "" for lang in TEXT_LANGUAGES}
            for name in TEXT_FIELDS
        }


for _name in TEXT_FIELDS:
    for _lang in TEXT_LANGUAGES:
        _field = StringField if _name == "name" else TextAreaField
        _checks = [Optional(), Length(max=_LIMITS[_name])]
        setattr(
            KindForm,
            f"{_name}_{_lang}",
            _field(
                LANGUAGES[_lang],
                validators=_checks,
                render_kw={"dir": "rtl" if _lang == "ar" else "auto", "lang": _lang},
            ),
        )


class DeadlineForm(BaseForm):
    submission_id = SubmissionIdField()
    kind = SelectField(_l("Kind of deadline"), coerce=int, choices=[], validate_choice=False)
    due_on = DateField(_l("Date of the deadline"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])

    def __init__(self, *args, kind_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(0, "—"), *kind_choices]


class HandledForm(BaseForm):
    """Only the CSRF token: marking a deadline handled."""
