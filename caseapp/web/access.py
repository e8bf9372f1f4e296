"""Every endpoint declares who may use it; requests to undeclared endpoints are refused.

    @bp.get("/offices/<int:office_id>")
    @access(Role.CASEWORKER, Role.COORDINATOR, office_arg="office_id")
    def detail(office_id): ...

The rule is enforced centrally in a before_request hook (deny by default), and a test walks
app.url_map to make sure no endpoint lacks one.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from caseapp.auth import scope
from caseapp.auth.roles import Role


@dataclass(frozen=True)
class AccessRule:
    roles: frozenset[Role]
    public: bool = False
    # Name of the URL argument holding an office id the user must be a member of.
    office_arg: str | None = None

    def describe(self) -> str:
        if self.public:
            return "public"
        return ",".join(sorted(self.roles)) + (
            f" @office:{self.office_arg}" if self.office_arg else ""
        )


ANY_SIGNED_IN = frozenset(Role)


def access(*roles: Role, office_arg: str | None = None, signed_in: bool = False):
    """Allow the given roles (or, with signed_in=True, anyone signed in)."""
    if signed_in and roles:
        raise ValueError("use either roles or signed_in")
    if not roles and not signed_in:
        raise ValueError("declare at least one role, signed_in=True or use @public")
    rule = AccessRule(roles=ANY_SIGNED_IN if signed_in else frozenset(roles), office_arg=office_arg)

    def decorate(view):
        view.access_rule = rule
        return view

    return decorate


def public(view):
    """Open to anyone, signed in or not."""
    view.access_rule = AccessRule(roles=frozenset(), public=True)
    return view


def rule_for(endpoint: str | None) -> AccessRule | None:
    if endpoint is None:
        return None
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def enforce_access():
    """before_request hook: deny by default."""
    if request.endpoint is None:
        return None  # 404/405 are raised by routing afterwards
    rule = rule_for(request.endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s has no access rule; refused", request.endpoint)
        abort(403)
    if rule.public:
        return None
    if not current_user.is_authenticated:
        if request.method in ("GET", "HEAD"):
            # A chosen language travels with the redirect (None is left out of the URL).
            lang = request.args.get("lang")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?"), lang=lang))
        abort(401)
    if not (current_user.role_set & rule.roles):
        abort(403)
    if rule.office_arg:
        office_id = (request.view_args or {}).get(rule.office_arg)
        # Another office's records are not there for this user: 404, not 403.
        if not scope.can_see(current_user, office_id):
            abort(404)
    return None


def mark_builtin_endpoints(app) -> None:
    """Flask's own static endpoint is public."""
    if "static" in app.view_functions:
        public(app.view_functions["static"])
