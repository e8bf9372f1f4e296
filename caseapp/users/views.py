"""Admins list, create and change accounts, roles and office memberships."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from caseapp.audit.services import register_record_names
from caseapp.auth.models import OfficeMembership, User, UserRole
from caseapp.auth.roles import Role
from caseapp.extensions import db
from caseapp.i18n import DEFAULT_LANGUAGE, _
from caseapp.offices.models import Office
from caseapp.users import services
from caseapp.users.blueprint import bp
from caseapp.users.forms import ConfirmForm, NewUserForm, PasswordResetForm, UserForm
from caseapp.web import flow
from caseapp.web.access import access
from caseapp.web.pagination import paginate, sort_clause


def _office_choices():
    return [(o.id, o.name) for o in db.session.scalars(select(Office).order_by(Office.name))]


def _get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _data(form: UserForm) -> services.UserData:
    return services.UserData(
        email=form.email.data,
        display_name=form.display_name.data,
        roles=list(form.roles.data or []),
        office_ids=list(form.offices.data or []),
        preferred_language=form.preferred_language.data,
        active=bool(form.active.data),
    )


@bp.get("/")
@access(Role.ADMIN)
def index():
    q = (request.args.get("q") or "").strip()
    role = request.args.get("role") or ""
    office_id = request.args.get("office", type=int)
    status = request.args.get("status") or "active"
    order, sort = sort_clause(
        {"name": User.display_name, "email": User.email, "created": User.created_at}, "name"
    )
    stmt = select(User)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(User.display_name.ilike(like), User.email.ilike(like)))
    if role in set(Role):
        stmt = stmt.where(User.roles.any(UserRole.role == role))
    if office_id:
        stmt = stmt.where(User.memberships.any(OfficeMembership.office_id == office_id))
    if status == "active":
        stmt = stmt.where(User.active.is_(True))
    elif status == "inactive":
        stmt = stmt.where(User.active.is_(False))
    page = paginate(stmt.order_by(order, User.id))
    offices = db.session.scalars(select(Office).order_by(Office.name)).all()
    return render_template(
        "users/index.html",
        page=page,
        q=q,
        role=role,
        office_id=office_id,
        status=status,
        sort=sort,
        offices=offices,
        roles=list(Role),
    )


@bp.route("/new", methods=["GET", "POST"])
@access(Role.ADMIN)
def create():
    form = NewUserForm(office_choices=_office_choices())
    if request.method == "GET":
        form.preferred_language.data = DEFAULT_LANGUAGE

    def create_user():
        data = _data(form)
        data.active = True  # the new-account form has no "active" box: new accounts can sign in
        return services.create_user(current_user, data, form.password.data)

    done = flow.submit(
        form,
        create_user,
        to=lambda user: url_for("users.edit", user_id=user.id),
        message=lambda user: _(
            "The account for %(name)s has been created.", name=user.display_name
        ),
    )
    if done:
        return done
    form.password.data = ""
    return render_template("users/form.html", form=form, user=None), flow.status(form)


def _saved(form: UserForm, user: User) -> dict:
    """The account as saved now, in the words the form shows (labels, not codes)."""
    roles = dict(form.roles.choices)
    offices = dict(form.offices.choices)
    languages = dict(form.preferred_language.choices)
    return {
        "display_name": user.display_name,
        "email": user.email,
        "roles": [roles.get(r, r) for r in sorted(user.role_set)],
        "offices": [offices.get(o, o) for o in sorted(user.office_ids)],
        "preferred_language": languages.get(user.preferred_language or "", ""),
        "active": user.active,
    }


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@access(Role.ADMIN)
def edit(user_id: int):
    user = _get_user(user_id)
    if request.method == "GET":
        form = UserForm(obj=user, office_choices=_office_choices())
        form.version.data = user.version
        form.roles.data = sorted(user.role_set)
        form.offices.data = sorted(user.office_ids)
        form.preferred_language.data = user.preferred_language or DEFAULT_LANGUAGE
        return render_template(
            "users/form.html",
            form=form,
            user=user,
            reset_form=PasswordResetForm(),
            confirm_form=ConfirmForm(),
        )
    form = UserForm(office_choices=_office_choices())
    done = flow.submit(
        form,
        lambda: services.update_user(current_user, user, _data(form), form.loaded_version()),
        to=url_for("users.edit", user_id=user_id),
        message=_("Your changes have been saved."),
        conflict=flow.Conflict(
            edit_url=url_for("users.edit", user_id=user_id),
            saved=lambda saved: _saved(form, saved),
        ),
    )
    if done:
        return done
    return render_template(
        "users/form.html",
        form=form,
        user=user,
        reset_form=PasswordResetForm(),
        confirm_form=ConfirmForm(),
    ), flow.status(form)


@bp.route("/<int:user_id>/deactivate", methods=["GET", "POST"])
@access(Role.ADMIN)
def deactivate(user_id: int):
    """GET shows a confirmation page; POST deactivates and ends the user's sessions."""
    user = _get_user(user_id)
    form = ConfirmForm()
    done = flow.submit(
        form,
        lambda: services.set_active(current_user, user, False),
        to=url_for("users.index"),
        message=_("%(name)s can no longer sign in.", name=user.display_name),
    )
    if done:
        return done
    if form.form_errors:  # refused, e.g. one's own account: said on the account's page
        for message in form.form_errors:
            flash(message, "danger")
        return redirect(url_for("users.edit", user_id=user_id))
    return render_template("users/deactivate.html", user=user, form=form), flow.status(form)


@bp.post("/<int:user_id>/activate")
@access(Role.ADMIN)
def activate(user_id: int):
    user = _get_user(user_id)
    back = url_for("users.edit", user_id=user_id)
    done = flow.submit(
        ConfirmForm(),
        lambda: services.set_active(current_user, user, True),
        to=back,
        message=_("%(name)s can sign in again.", name=user.display_name),
    )
    return done or redirect(back)


@bp.post("/<int:user_id>/password")
@access(Role.ADMIN)
def reset_password(user_id: int):
    user = _get_user(user_id)
    reset_form = PasswordResetForm()
    done = flow.submit(
        reset_form,
        lambda: services.reset_password(current_user, user, reset_form.password.data),
        to=url_for("users.edit", user_id=user_id),
        message=_("The password has been set. The user's other sessions have ended."),
    )
    if done:
        return done
    form = UserForm(obj=user, office_choices=_office_choices())
    form.version.data = user.version
    form.roles.data = sorted(user.role_set)
    form.offices.data = sorted(user.office_ids)
    return render_template(
        "users/form.html", form=form, user=user, reset_form=reset_form, confirm_form=ConfirmForm()
    ), flow.status(reset_form)


def _account_names(ids: set[int]) -> dict[int, str]:
    rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    return dict(rows.all())


register_record_names("user", _account_names)
