"""Base form with localised messages, NFC-normalised text and helpers to map domain errors.

Number, date, time and code fields read what people type in their language (web/typed.py):
Arabic-Indic digits, "25,50" or "25.50", 31.12.2026; a value that cannot be read keeps what
was typed and says what is wrong with it, instead of "This field is required".
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateTimeField,
    DecimalField,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    StringField,
    TimeField,
)
from wtforms.fields import DateField
from wtforms.validators import DataRequired, NumberRange, ValidationError
from wtforms.widgets import Select, TextInput

from caseapp.core.clock import local_today
from caseapp.core.errors import ValidationFailed
from caseapp.i18n import _, ascii_digits, current_language, ngettext
from caseapp.web import typed

# C0/C1 control characters other than tab, line feed and carriage return (NUL included): they
# are invisible, PostgreSQL refuses NUL, and SQLite would store them silently.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Dates people type: anything outside is a typing error (year 0001, 9999-12-31 23:45 + a
# duration overflows); birth dates of the very old still fit.
EARLIEST = date(1900, 1, 1)
LATEST = date(2099, 12, 31)

_NUMBERS = (IntegerField, DecimalField, FloatField)
_AMOUNTS = (DecimalField, FloatField)
_CODE_INPUTMODES = ("numeric", "decimal", "tel")


def _reads_digits(field_class, render_kw) -> bool:
    """Number, date and time fields, and codes: text fields written left to right (case
    numbers, access codes, phone numbers) or typed on a number pad. Never passwords."""
    if issubclass(field_class, PasswordField):
        return False
    if issubclass(field_class, (*_NUMBERS, DateTimeField)):
        return True
    render_kw = render_kw or {}
    return issubclass(field_class, StringField) and (
        render_kw.get("dir") == "ltr" or render_kw.get("inputmode") in _CODE_INPUTMODES
    )


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


def _merged(kwargs: dict, **ours) -> dict:
    """Our render attributes under the ones the form declares itself."""
    return {**ours, **(kwargs.get("render_kw") or {})}


def _typed_options(unbound) -> dict:
    """Field arguments for reading typed values in the current language: text inputs (a
    native date or number input drops what it cannot read, and shows Arabic placeholders
    reversed), the language's date formats first, left-to-right digits."""
    cls, kwargs = unbound.field_class, unbound.kwargs
    if not _reads_digits(cls, kwargs.get("render_kw")) or len(unbound.args) > 2:
        return {}
    if issubclass(cls, _NUMBERS):
        mode = "decimal" if issubclass(cls, _AMOUNTS) else "numeric"
        return {
            "widget": kwargs.get("widget") or TextInput(),
            "render_kw": _merged(kwargs, dir="ltr", inputmode=mode),
        }
    if not issubclass(cls, DateTimeField):
        return {}
    language = current_language()
    declared = kwargs.get("format") or []
    declared = [declared] if isinstance(declared, str) else list(declared)
    year_end = date(local_today().year, 12, 31)
    if issubclass(cls, TimeField):
        formats, example = typed.time_formats(), "14:30"
    elif issubclass(cls, DateField):
        formats, example = typed.date_formats(language), typed.example_date(language, year_end)
    else:
        formats = typed.datetime_formats(language)
        example = typed.example_datetime(language, datetime.combine(year_end, datetime.min.time()))
        example = example.replace("00:00", "14:30")
    return {
        "format": [*formats, *(f for f in declared if f not in formats)],
        "widget": kwargs.get("widget") or TextInput(),
        "render_kw": _merged(kwargs, dir="ltr", placeholder=example, autocomplete="off"),
    }


def _read_as_typed(form, formdata):
    """The submitted values with 0-9 for Arabic-Indic digits in number, date and code fields,
    and amounts read in the user's language ("25,50" → "25.50")."""
    fields = {
        field.name: field
        for field in form._fields.values()
        if not isinstance(field, (FieldList, FormField))
        and _reads_digits(type(field), field.render_kw)
    }
    if not any(name in formdata for name in fields):
        return formdata
    language = current_language()
    copy = MultiDict()
    for key, values in formdata.lists():
        field = fields.get(key)
        for value in values:
            if field is not None and isinstance(value, str):
                value = _as_typed(field, value, language)
            copy.add(key, value)
    return copy


def _as_typed(field, value: str, language: str) -> str:
    value = ascii_digits(value)
    if isinstance(field, _AMOUNTS) and value.strip():
        try:
            return str(typed.parse_amount(value, language))
        except ValueError:
            return value  # the field says it cannot read it, and shows it again
    return value


def _showable(value) -> bool:
    """A finite amount of a sensible size (NaN and 1e999 are refused later, as typed)."""
    return math.isfinite(value) and abs(value) < 10**15


def _typed_text(field) -> str:
    return " ".join(v for v in (field.raw_data or []) if isinstance(v, str)).strip()


def _unreadable_error(field) -> str | None:
    """The one message for a value that was typed but is no value of its kind (31.02.2026,
    25:00, "zwölf"), or for a duration of 0 minutes: never "This field is required"."""
    if isinstance(field, (FieldList, FormField)) or not _typed_text(field):
        return None
    language = current_language()
    year_end = date(local_today().year, 12, 31)
    if field.process_errors and isinstance(field, DateTimeField):
        if isinstance(field, TimeField):
            return _(
                "Enter a time between 00:00 and 23:59, for example %(example)s.", example="14:30"
            )
        if isinstance(field, DateField):
            example = typed.example_date(language, year_end)
            return _("Enter a date that exists, for example %(example)s.", example=example)
        moment = datetime.combine(year_end, datetime.min.time()).replace(hour=14, minute=30)
        example = typed.example_datetime(language, moment)
        return _("Enter a date and a time that exist, for example %(example)s.", example=example)
    if field.process_errors and isinstance(field, _AMOUNTS):
        example = typed.show_amount(Decimal("25.50"), language)
        return _("Enter an amount such as %(example)s.", example=example)
    if field.process_errors and isinstance(field, IntegerField):
        return _("Enter a number.")
    data = field.data if isinstance(field, _NUMBERS) else None
    if data is None or isinstance(data, bool):
        return None
    if field.name.rsplit("-", 1)[-1].endswith("minutes") and data < 1:
        return ngettext("Enter at least %(num)d minute.", "Enter at least %(num)d minutes.", 1)
    required = any(isinstance(v, DataRequired) for v in field.validators)
    limits = [v for v in field.validators if isinstance(v, NumberRange)]
    if required and data == 0 and limits and None not in (limits[0].min, limits[0].max):
        return _("Enter a number from %(min)d to %(max)d.", min=limits[0].min, max=limits[0].max)
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


class FastSelect(Select):
    """WTForms' select with a quicker plain option: one formatted string per option instead of
    html_params and Markup.format. A language picker has about 180 options, which took 13 ms
    per render on every consultation and booking form; the markup is the same."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or choice.value is None or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        label = choice.label if choice.label is not None and choice.label != "" else choice.value
        selected = " selected" if choice.selected else ""
        # Both parts are escaped here, as html_params and Markup.format would.
        return Markup(f'<option{selected} value="{escape(choice.value)}">{escape(label)}</option>')  # noqa: S704


def _fast_select(unbound) -> dict:
    """A select field with WTForms' own select widget gets the quicker one."""
    widget = unbound.kwargs.get("widget") or getattr(unbound.field_class, "widget", None)
    if type(widget) is Select:
        return {"widget": FastSelect(multiple=widget.multiple)}
    return {}


class BaseForm(FlaskForm):
    """Every text input is NFC-normalised and trimmed before validation; numbers, amounts,
    dates, times and codes are read as the user's language writes them."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class in (FieldList, FormField):  # they take no filters
                return unbound_field.bind(form=form, **options)
            filters = unbound_field.kwargs.get("filters", [])
            if _nfc not in filters:
                unbound_field.kwargs["filters"] = [_nfc, *filters]
            return unbound_field.bind(
                form=form,
                **options,
                **_typed_options(unbound_field),
                **_fast_select(unbound_field),
            )

        def wrap_formdata(self, form, formdata):
            formdata = super().wrap_formdata(form, formdata)
            if formdata is None or not hasattr(formdata, "lists"):
                return formdata
            return _read_as_typed(form, formdata)

    def validate(self, extra_validators=None) -> bool:
        """The field validators, then values no one means: NaN/Infinity, dates out of range;
        values that could not be read get their own message instead of "required"."""
        valid = super().validate(extra_validators)
        for field in _fields(self):
            reworded = _unreadable_error(field)
            if reworded:
                field.errors = [reworded]
                valid = False
                continue
            reason = None if field.errors else _sanity_error(field)
            if reason:
                field.errors = [*list(field.errors or []), reason]
                valid = False
        return valid

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        """Amounts are shown back as read, in the user's language ("25,50")."""
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)
        language = current_language()
        for field in self._fields.values():
            data = field.data if isinstance(field, _AMOUNTS) else None
            if data is not None and not field.process_errors and _showable(data):
                places = getattr(field, "places", None)
                field.raw_data = [typed.show_amount(data, language, places)]

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
