"""The interpreter's side: their assignments with accept/decline (volunteers on their pages,
paid interpreters through the link in their e-mail). Least data: office, room, time,
language and mode only."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from caseapp.auth.roles import Role
from caseapp.core.errors import NotFound
from caseapp.i18n import _
from caseapp.interpreters import services
from caseapp.interpreters.blueprint import bp
from caseapp.interpreters.forms import OnceForm
from caseapp.interpreters.services.notices import facts
from caseapp.interpreters.views.common import flash_refusal
from caseapp.web import flow
from caseapp.web.access import access, public

ACTIONS = {"accept": services.accept, "decline": services.decline}


def _message(action: str) -> str:
    return (
        _("Thank you: you have accepted the appointment.")
        if action == "accept"
        else _("You have declined the appointment.")
    )


@bp.get("/interpreting")
@access(Role.VOLUNTEER)
def mine():
    interpreter = services.interpreter_for_user(current_user)
    assignments = services.own_assignments(interpreter) if interpreter else []
    return render_template(
        "interpreters/mine.html",
        interpreter=interpreter,
        items=[(a, facts(a)) for a in assignments],
        form=OnceForm(),
    )


@bp.post("/interpreting/<int:assignment_id>/<any(accept, decline):action>")
@access(Role.VOLUNTEER)
def respond(assignment_id: int, action: str):
    interpreter = services.interpreter_for_user(current_user)
    if interpreter is None:
        abort(404)
    try:
        assignment = services.own_assignment(interpreter, assignment_id)
    except NotFound:
        abort(404)
    form = OnceForm()
    done = flow.submit(
        form,
        lambda: ACTIONS[action](current_user, assignment),
        to=url_for("interpreters.mine"),
        message=_message(action),
    )
    if done:
        return done
    flash_refusal(form)
    return redirect(url_for("interpreters.mine"))


@bp.route("/interpreting/r/<token>", methods=["GET", "POST"])
@public
def respond_by_link(token: str):
    """A paid interpreter without an account answers through the secret link of the e-mail."""
    try:
        assignment = services.by_token(token[:64])
    except NotFound:
        abort(404)
    form = OnceForm()
    action = request.form.get("action") if request.method == "POST" else None
    if action in ACTIONS:
        done = flow.submit(
            form,
            lambda: ACTIONS[action](None, assignment),
            to=url_for("interpreters.respond_by_link", token=token),
            message=_message(action),
        )
        if done:
            return done
        flash_refusal(form)
    return render_template(
        "interpreters/by_link.html", assignment=assignment, facts=facts(assignment), form=form
    )
