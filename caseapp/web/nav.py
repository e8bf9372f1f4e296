"""Navigation entries contributed by feature packages (a seam, like job kinds and sections).

A package adds its menu entries once, when its blueprint module is imported:

    nav.register(nav.NavItem("deadlines.index", _l("Deadlines"), roles=("caseworker", "admin")))
    nav.register(nav.NavItem("privacy.requests", _l("Data protection"), menu="admin"))

`menu` is "main" (the top bar, after the built-in entries), "admin" (the administration
drop-down, shown to administrators). `roles`
are role names as `User.has_role` takes them; empty means every signed-in user. Order
within a menu is `order`, then registration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template, request
from flask_login import current_user
from markupsafe import Markup

from caseapp.i18n import current_language

MENUS = ("main", "admin")


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Any
    roles: tuple[str, ...] = ()
    menu: str = "main"
    order: int = 100


_ITEMS: list[NavItem] = []


def register(item: NavItem) -> NavItem:
    if item.menu not in MENUS:
        raise ValueError(f"unknown menu {item.menu!r}")
    if any(
        existing.endpoint == item.endpoint and existing.menu == item.menu for existing in _ITEMS
    ):
        return item
    _ITEMS.append(item)
    return item


def items_for(user, menu: str) -> list[NavItem]:
    """The entries of `menu` this user may see (never for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return []
    ordered = sorted(
        (i for i in _ITEMS if i.menu == menu), key=lambda i: (i.order, _ITEMS.index(i))
    )
    return [i for i in ordered if not i.roles or user.has_role(*i.roles)]


def main_navigation():
    """The main menu as HTML, rendered once per worker for each language and set of roles: it
    is the same for everyone who has them (about twenty links and labels, some 10 % of a
    short page's work). Rendered anew each time while templates reload (development)."""
    signed_in = bool(getattr(current_user, "is_authenticated", False))
    key = (
        current_language(),
        signed_in and current_user.role_set,
        request.script_root,
    )
    cache = current_app.extensions.setdefault("lotse_main_navigation", {})
    if key not in cache or current_app.jinja_env.auto_reload:
        cache[key] = Markup(render_template("_main_navigation.html"))  # noqa: S704
    return cache[key]


def init_app(app) -> None:
    @app.context_processor
    def _nav():
        return {"nav_items": items_for}

    app.add_template_global(main_navigation)
