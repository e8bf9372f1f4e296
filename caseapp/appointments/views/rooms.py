"""The rooms of an office: add one, retire one or bring it back."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from caseapp.appointments import services
from caseapp.appointments.blueprint import bp
from caseapp.appointments.forms import RoomForm
from caseapp.appointments.models import Room
from caseapp.auth.roles import Role
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.offices.models import Office
from caseapp.web import flow
from caseapp.web.access import access
from caseapp.web.forms import BaseForm


@bp.route("/offices/<int:office_id>/rooms", methods=["GET", "POST"])
@access(Role.ADMIN, Role.CASEWORKER, office_arg="office_id")
def rooms(office_id: int):
    office = db.session.get(Office, office_id)
    if office is None:
        abort(404)
    form = RoomForm()
    done = flow.submit(
        form,
        lambda: services.create_room(current_user, office, form.name.data, form.notes.data or ""),
        to=url_for("appointments.rooms", office_id=office_id),
        message=_("The room has been added."),
    )
    if done:
        return done
    return render_template(
        "appointments/rooms.html", office=office, form=form, rooms=services.rooms_of(office.id)
    ), flow.status(form)


@bp.post("/offices/<int:office_id>/rooms/<int:room_id>/active")
@access(Role.ADMIN, Role.CASEWORKER, office_arg="office_id")
def room_active(office_id: int, room_id: int):
    room = db.session.get(Room, room_id)
    if room is None or room.office_id != office_id:
        abort(404)
    back = url_for("appointments.rooms", office_id=office_id)
    done = flow.submit(
        BaseForm(),  # nothing to fill in: the CSRF token only
        lambda: services.set_room_active(current_user, room, request.form.get("active") == "1"),
        to=back,
        message=_("Your changes have been saved."),
    )
    return done or redirect(back)
