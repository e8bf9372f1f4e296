"""Base form with localised messages, NFC-normalised text and helpers to map domain errors."""

from __future__ import annotations

import unicodedata

from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, HiddenField
from wtforms.validators import ValidationError

from caseapp.core.errors import ValidationFailed
from caseapp.i18n import _


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


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
