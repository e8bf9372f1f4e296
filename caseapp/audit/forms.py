"""The audit log's filters: kind and number of record, who, and a range of days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional, ValidationError

from caseapp.core.clock import OFFICE_TZ
from caseapp.i18n import _, _l
from caseapp.web.forms import BaseForm


class AuditFilterForm(BaseForm):
    """Read from the query string. Dates are typed as the language writes them (BaseForm):
    one that does not exist gets its own message and stays in the field as typed."""

    class Meta:
        csrf = False

    record_type = SelectField(_l("Kind of record"), choices=[], validate_choice=False)
    record_id = IntegerField(
        _l("Record number"),
        validators=[Optional(), NumberRange(min=1, message=_l("Enter a number."))],
    )
    actor = SelectField(_l("Who"), choices=[], validate_choice=False)
    date_from = DateField(_l("From date"), validators=[Optional()])
    date_to = DateField(_l("To date"), validators=[Optional()])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("The last day cannot be before the first day."))

    def actor_id(self) -> int | None:
        try:
            return int(self.actor.data or 0) or None
        except (TypeError, ValueError):
            return None

    def instants(self) -> tuple[datetime | None, datetime | None]:
        """The range as UTC instants: from the first day's midnight in the office's time zone
        up to (not including) the midnight after the last day. None where a date is missing
        or could not be read."""

        def midnight(day: date) -> datetime:
            return datetime.combine(day, time.min, tzinfo=OFFICE_TZ).astimezone(UTC)

        start = self.date_from.data if not self.date_from.errors else None
        end = self.date_to.data if not self.date_to.errors else None
        return (
            midnight(start) if start else None,
            midnight(end + timedelta(days=1)) if end else None,
        )
