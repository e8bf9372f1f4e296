"""The handover form: one choice of colleague per item, built for the caseload at hand."""

from __future__ import annotations

from wtforms import HiddenField, SelectField

from caseapp.web.forms import BaseForm
from caseapp.web.idempotency import SubmissionIdField


class HandoverForm(BaseForm):
    submission_id = SubmissionIdField()
    # The caseload as previewed (services.fingerprint): changed meanwhile means a conflict.
    seen = HiddenField()


def handover_form(rows, *, data: dict | None = None) -> HandoverForm:
    """`rows`: (field name, label, [(user id, name)]) for every item of the caseload."""

    class Form(HandoverForm):
        pass

    for name, label, _choices in rows:
        # Who may take an item is checked by the service (with the caseload as it is then).
        setattr(Form, name, SelectField(label, choices=[], coerce=int, validate_choice=False))
    form = Form() if data is None else Form(data=data)
    for name, _label, choices in rows:
        getattr(form, name).choices = list(choices)
    return form
