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


def init_app(app) -> None:
    @app.context_processor
    def _nav():
        return {"nav_items": items_for}
