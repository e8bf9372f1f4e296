"""Administrators: which roles need a second factor, and resetting a user's second factor
(at once for other accounts; an administrator's needs a second administrator)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectField

from caseapp.auth import second_factor
from caseapp.auth.forms import RecordForm
from caseapp.auth.roles import ROLE_LABELS, Role
from caseapp.auth.views import second_factor_defaults_apply
from caseapp.core.clock import utcnow
from caseapp.i18n import _, _l
from caseapp.users.blueprint import bp
from caseapp.users.forms import ConfirmForm
from caseapp.users.views import _get_user
from caseapp.web import flow, nav
from caseapp.web.access import access
from caseapp.web.forms import BaseForm

nav.register(
    nav.NavItem("users.second_factor_policy", _l("Second factor"), roles=("admin",), menu="admin")
)


@bp.app_template_global()
def second_factor_status(user) -> dict:
    """For the account page: set up since when, and a reset waiting for a second admin."""
    factor = second_factor.factor_of(user)
    return {
        "confirmed_at": factor.confirmed_at if factor else None,
        "open_reset": second_factor.open_reset(user),
    }


def _policy_form(levels: dict[Role, str] | None = None):
    """One choice per role that signs in at /login."""

    class PolicyForm(BaseForm):
        pass

    for role in second_factor.POLICY_ROLES:
        setattr(PolicyForm, f"role_{role.value}", SelectField(ROLE_LABELS[role], choices=[]))
    if levels is None:
        form = PolicyForm()
    else:
        form = PolicyForm(data={f"role_{r.value}": level for r, level in levels.items()})
    choices = [(level, str(label)) for level, label in second_factor.LEVEL_LABELS.items()]
    for role in second_factor.POLICY_ROLES:
        getattr(form, f"role_{role.value}").choices = choices
    return form


@bp.route("/second-factor", methods=["GET", "POST"])
@access(Role.ADMIN)
def second_factor_policy():
    levels = second_factor.policy_levels(defaults_apply=second_factor_defaults_apply())
    form = _policy_form(None if request.method == "POST" else levels)
    done = flow.submit(
        form,
        lambda: second_factor.save_policy(
            current_user,
            {r.value: getattr(form, f"role_{r.value}").data for r in second_factor.POLICY_ROLES},
        ),
        to=url_for("users.second_factor_policy"),
        message=_("Your changes have been saved."),
    )
    if done:
        return done
    fields = [getattr(form, f"role_{r.value}") for r in second_factor.POLICY_ROLES]
    return render_template(
        "users/second_factor.html",
        form=form,
        fields=fields,
        defaults_apply=second_factor_defaults_apply(),
    ), flow.status(form)


def _back(user_id: int):
    return url_for("users.edit", user_id=user_id, _anchor="second-factor")


def _refused(form, user_id: int):
    """A refused reset: the reason on the account's page (its form lives there)."""
    for message in [*form.form_errors, *[e for errs in form.errors.values() for e in errs]]:
        flash(message, "danger")
    return redirect(_back(user_id)), 400


@bp.post("/<int:user_id>/second-factor/reset")
@access(Role.ADMIN)
def reset_second_factor(user_id: int):
    user = _get_user(user_id)
    form = ConfirmForm()
    done = flow.submit(
        form,
        lambda: second_factor.request_reset(current_user, user, utcnow()),
        to=_back(user_id),
        message=lambda at_once: (
            _(
                "The second factor of %(name)s has been reset. Their sessions have ended.",
                name=user.display_name,
            )
            if at_once
            else _("The reset waits for a second administrator to confirm it.")
        ),
    )
    return done or _refused(form, user_id)


@bp.post("/<int:user_id>/second-factor/confirm-reset")
@access(Role.ADMIN)
def confirm_second_factor_reset(user_id: int):
    user = _get_user(user_id)
    form = RecordForm()  # the request the confirming administrator saw
    done = flow.submit(
        form,
        lambda: second_factor.confirm_reset(current_user, user, form.record_id.data, utcnow()),
        to=_back(user_id),
        message=_(
            "The second factor of %(name)s has been reset. Their sessions have ended.",
            name=user.display_name,
        ),
    )
    return done or _refused(form, user_id)
