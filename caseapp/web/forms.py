"""Base form with localised messages, NFC-normalised text and helpers to map domain errors."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, HiddenField
from wtforms.validators import ValidationError

from caseapp.core.errors import ValidationFailed
from caseapp.i18n import _

# C0/C1 control characters other than tab, line feed and carriage return (NUL included): they
# are invisible, PostgreSQL refuses NUL, and SQLite would store them silently.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Dates people type: anything outside is a typing error (year 0001, 9999-12-31 23:45 + a
# duration overflows); birth dates of the very old still fit.
EARLIEST = date(1900, 1, 1)
LATEST = date(2099, 12, 31)


def _nfc(value):
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value).strip()
        if _CONTROL.search(value):
            # A filter's ValueError becomes this field's error; the input is shown again.
            raise ValueError(_("Remove the invisible control characters from this field."))
    return value


def _sanity_error(field) -> str | None:
    """A reason to refuse a value that parsed but no person means (NaN, year 0001)."""
    data = field.data
    if isinstance(data, float | Decimal) and not math.isfinite(data):
        return _("Enter a number.")
    day = data.date() if isinstance(data, datetime) else data
    if isinstance(day, date) and not (EARLIEST <= day <= LATEST):
        return _(
            "Enter a date between %(start)s and %(end)s.",
            start=EARLIEST.strftime("%d.%m.%Y"),
            end=LATEST.strftime("%d.%m.%Y"),
        )
    return None


def _fields(form):
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    yield from _fields(entry.form)
                else:
                    yield entry
        elif isinstance(field, FormField):
            yield from _fields(field.form)
        else:
            yield field


class BaseForm(FlaskForm):
    """Every text input is NFC-normalised and trimmed before validation."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class in (FieldList, FormField):  # they take no filters
                return unbound_field.bind(form=form, **options)
            filters = unbound_field.kwargs.get("filters", [])
            if _nfc not in filters:
                unbound_field.kwargs["filters"] = [_nfc, *filters]
            return unbound_field.bind(form=form, **options)

    def validate(self, extra_validators=None) -> bool:
        """The field validators, then values no one means: NaN/Infinity, dates out of range."""
        valid = super().validate(extra_validators)
        for field in _fields(self):
            reason = None if field.errors else _sanity_error(field)
            if reason:
                field.errors = [*list(field.errors or []), reason]
                valid = False
        return valid

    def apply_errors(self, error: ValidationFailed) -> None:
        """Put a service's per-field reasons onto the form (unknown fields go to the top)."""
        for name, messages in error.errors.items():
            field = getattr(self, name, None)
            if field is not None and hasattr(field, "errors"):
                field.errors = [*list(field.errors or []), *messages]
            else:
                self.form_errors.extend(messages)


class VersionedForm(BaseForm):
    """Carries the version of the record the form was loaded with (optimistic locking)."""

    version = HiddenField()

    def loaded_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


def no_blank(form, field):
    """Refuse a value made only of white space (the NFC filter already trims)."""
    if field.data is not None and isinstance(field.data, str) and not field.data.strip():
        raise ValidationError(_("This field cannot be only spaces."))
