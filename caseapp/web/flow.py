"""One form flow: parse, call the service, say where to go. Everything else happens here.

A view hands its form and what to do to `submit()`:

    form = RoomForm()
    done = flow.submit(
        form,
        lambda: services.add_room(current_user, office, form.name.data),
        to=lambda room: url_for("appointments.rooms", office_id=office.id),
        message=_("The room has been added."),
    )
    if done:
        return done
    return render_template("appointments/rooms.html", form=form), flow.status(form)

`submit()` owns the parts every form repeats:

- it validates the form (CSRF included) and does nothing on a GET or an invalid form;
- a form with a `submission_id` is idempotent: a repeat (double click, reload) leads to the
  first result instead of doing the work twice;
- the service call and the remembered result are committed once, together;
- `ValidationFailed` rolls back and puts the reasons on the form's fields (the view then
  shows the form again with everything typed, answered with 400);
- `StaleVersion` rolls back and answers with the one shared conflict page (409): what is
  saved now beside what the user typed, with a link to edit the current version.

Views never call `db.session.commit()` or `rollback()` for a form themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import flash, redirect, render_template
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response
from wtforms import Field

from caseapp.core.errors import StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _, join_list
from caseapp.web import idempotency, readonly

# Field types that are not something the user typed.
_NOT_INPUT = {"CSRFTokenField", "HiddenField", "SubmitField", "SubmissionIdField"}


@dataclass
class Conflict:
    """How to show a stale edit: the record as saved now, and where to edit it again.

    `saved` maps form field names to the value saved now (display text); when it is None the
    record's attributes of the same names are used.
    """

    record: Callable[[], Any] | None = None
    edit_url: str | Callable[[], str] | None = None
    saved: Callable[[Any], Mapping[str, Any]] | None = None
    title: str | None = None


def submit(
    form,
    action: Callable[[], Any],
    *,
    to: str | Callable[[Any], str],
    message: str | Callable[[Any], str] | None = None,
    conflict: Conflict | None = None,
    validate: bool = True,
) -> Response | None:
    """Run `action` for a valid submitted form in one transaction; see the module docstring.

    Returns the response to send (a redirect, or the conflict page) or None when the view
    should show the form (again).
    """
    if validate and not form.validate_on_submit():
        return None
    token = getattr(getattr(form, "submission_id", None), "data", None)
    if token:
        earlier = idempotency.previous_result(token)
        if earlier:
            db.session.rollback()
            return redirect(earlier)
    try:
        result = action()
        target = to(result) if callable(to) else to
        if token:
            user_id = current_user.id if current_user.is_authenticated else None
            idempotency.remember(token, user_id, target)
        db.session.commit()
    except ValidationFailed as error:
        db.session.rollback()
        form.apply_errors(error)
        return None
    except StaleVersion as error:
        db.session.rollback()
        return conflict_page(form, conflict or Conflict(), current=error.current)
    except StaleDataError:
        # The version check at the database (the row changed between this request's read and
        # its write): the same answer as a stale form.
        db.session.rollback()
        return conflict_page(form, conflict or Conflict())
    except IntegrityError:
        # Two submissions of the same form at the same moment (a double click on PostgreSQL,
        # where both pass the check above): the second loses the race on the token's unique
        # index once the first has committed, and leads to the first one's result.
        db.session.rollback()
        earlier = idempotency.previous_result(token) if token else None
        if earlier is None:
            raise
        return redirect(earlier)
    text = message(result) if callable(message) else message
    if text:
        flash(text, "success")
    return redirect(target)


def written(record: Any, change: Callable[[], Any]) -> Callable[[], Any]:
    """A change for `submit`, written out at once: when someone else changed `record` in the
    same moment (its version moved on at the database), the conflict page shows the record as
    it is now beside what the user typed.
    """

    def run():
        try:
            result = change()
            db.session.flush()
        except StaleDataError as error:
            raise StaleVersion(record) from error
        return result

    return run


def render_audited(template: str, **context: Any) -> str:
    """A page whose read wrote an audit entry: render it, then commit the entry.

    Rendering first keeps the rows the view loaded (a commit expires every loaded object, and
    the template would then read the person, the case, each timeline entry and the signed-in
    user again, one statement each); the page still leaves only once its audit entry is
    stored, and a page that fails to render leaves no entry of a read nobody saw.
    """
    body = render_template(template, **context)
    if not readonly.write_audit_later():  # SQLite: read beside the writer, then the entry
        db.session.commit()
    return body


def status(form) -> int:
    """200 for a form shown for the first time, 400 when it comes back with errors."""
    return 400 if form.errors or getattr(form, "form_errors", None) else 200


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return join_list(_display(v) for v in value)
    return str(value)


def _typed(field: Field) -> str:
    """What the user typed or chose, in words (a choice shows its label, not its value)."""
    choices = getattr(field, "choices", None)
    if choices:
        labels = {}
        for choice in choices:
            if isinstance(choice, tuple | list):
                labels[str(choice[0])] = choice[1]
            else:
                labels[str(getattr(choice, "value", choice))] = getattr(choice, "label", choice)
        data = field.data if isinstance(field.data, list | tuple) else [field.data]
        return join_list(str(labels.get(str(v), v)) for v in data if v not in (None, ""))
    return _display(field.data)


def conflict_rows(form, record: Any, saved: Mapping[str, Any] | None = None) -> list[tuple]:
    """(label, saved now, your input) for every field the user could type in."""
    rows = []
    for field in form:
        if type(field).__name__ in _NOT_INPUT or field.name in ("version", "csrf_token"):
            continue
        if saved is not None:
            if field.name not in saved:
                continue
            now = _display(saved[field.name])
        elif record is not None and hasattr(record, field.name):
            now = _display(getattr(record, field.name))
        else:
            now = ""
        rows.append((field.label.text, now, _typed(field)))
    return rows


def conflict_page(form, conflict: Conflict, *, current: Any = None):
    """The shared 409 page: both versions side by side, nothing of the user's input lost."""
    record = conflict.record() if conflict.record else current
    saved = conflict.saved(record) if conflict.saved and record is not None else None
    edit_url = conflict.edit_url() if callable(conflict.edit_url) else conflict.edit_url
    return render_template(
        "errors/conflict.html",
        rows=conflict_rows(form, record, saved),
        edit_url=edit_url,
        title=conflict.title,
    ), 409
