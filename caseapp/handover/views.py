"""Caseload handover: choose a caseworker, preview their open work with a suggested new owner
per item, confirm. Administrators only."""

from __future__ import annotations

import re

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from caseapp.auth import scope
from caseapp.auth.models import User
from caseapp.auth.roles import Role
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.handover import services
from caseapp.handover.blueprint import bp
from caseapp.handover.forms import handover_form
from caseapp.handover.models import APPOINTMENT, CASE, STEP
from caseapp.i18n import _, format_day, format_moment
from caseapp.web import flow
from caseapp.web.access import access


@bp.get("/")
@access(Role.ADMIN)
def index():
    chosen = request.args.get("caseworker", type=int)
    if chosen:
        return redirect(url_for("handover.preview", user_id=chosen))
    return render_template(
        "handover/index.html",
        caseworkers=services.caseworkers(current_user),
        handovers=services.recent(),
    )


def _owner(user_id: int) -> User:
    owner = db.session.get(User, user_id)
    if owner is None:
        abort(404)
    # Another office's caseworker is not there for this user (administrators see all).
    if scope.visible_office_ids(current_user) is not None and not (
        owner.office_ids & scope.visible_office_ids(current_user)
    ):
        abort(404)
    return owner


def _label(kind: str, record) -> str:
    if kind == CASE:
        return _(
            "Case %(number)s: %(name)s",
            number=record.case_number,
            name=record.person.full_name,
        )
    if kind == STEP:
        return _(
            "Next step, due %(date)s: %(text)s (%(name)s)",
            date=format_day(record.due_on, "short"),
            text=record.description,
            name=record.case.person.full_name,
        )
    return _(
        "Appointment %(when)s: %(name)s",
        when=format_moment(record.starts_at, "short"),
        name=record.person.full_name,
    )


def _rows(caseload, eligible):
    rows = []
    for kind, record in caseload.items():
        users = eligible.get(services.office_of(kind, record), [])
        choices = [(u.id, u.display_name) for u in users]
        rows.append((services.field_name(kind, record), _label(kind, record), choices))
    return rows


def _saved(current, names: list[str]) -> dict:
    """For the conflict page: each previewed item's owner as saved now, or that it is no
    longer open (closed, done, moved elsewhere)."""
    out = dict.fromkeys(names, _("no longer open"))
    for kind, record in current.items():
        owner = record.owner if kind == STEP else record.caseworker
        out[services.field_name(kind, record)] = owner.display_name if owner else ""
    return out


_ITEM_FIELD = re.compile(r"^(case|step|appointment)_(\d{1,9})$")


def _vanished(rows) -> list:
    """Items the preview showed that have left the caseload since: kept on the form, so the
    conflict page can show them as no longer open."""
    present = {name for name, _label, _choices in rows}
    out = []
    for name in request.form:
        match = _ITEM_FIELD.match(name)
        if not match or name in present:
            continue
        record = services.find_item(current_user, match.group(1), int(match.group(2)))
        if record is not None:
            out.append((name, _label(match.group(1), record), []))
    return out


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@access(Role.ADMIN)
def preview(user_id: int):
    owner = _owner(user_id)
    now = utcnow()
    caseload = services.load_caseload(current_user, owner, now)
    eligible = services.colleagues(owner, caseload)
    pool = sorted(
        {u.id: u for users in eligible.values() for u in users}.values(),
        key=lambda u: u.display_name.casefold(),
    )
    chosen = set(request.args.getlist("to", type=int)) or {u.id for u in pool}
    rows = _rows(caseload, eligible)
    if request.method == "POST":
        form = handover_form(rows + _vanished(rows))
    else:
        data = services.suggest(caseload, eligible, chosen)
        data["seen"] = services.fingerprint(caseload)
        form = handover_form(rows, data=data)
    names = [field.name for field in form if _ITEM_FIELD.match(field.name)]
    done = flow.submit(
        form,
        lambda: services.hand_over(
            current_user,
            owner,
            {name: getattr(form, name).data for name in names},
            form.seen.data or "",
            utcnow(),
        ),
        to=url_for("handover.index"),
        message=lambda handover: _(
            "The caseload of %(name)s has been handed over.", name=owner.display_name
        ),
        conflict=flow.Conflict(
            edit_url=url_for("handover.preview", user_id=user_id),
            saved=lambda current: _saved(current, names),
            title=_("The caseload changed meanwhile"),
        ),
    )
    if done:
        return done
    return render_template(
        "handover/preview.html",
        owner=owner,
        caseload=caseload,
        form=form,
        fields=[getattr(form, name) for name in names],
        kinds={CASE: caseload.cases, STEP: caseload.steps, APPOINTMENT: caseload.appointments},
        pool=pool,
        chosen=chosen,
        unassignable=[name for name, _label, choices in rows if not choices],
    ), flow.status(form)
