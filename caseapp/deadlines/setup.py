"""Plugging the deadline watch in: menu entries, the case-file section, template helpers."""

from __future__ import annotations

from caseapp.auth.roles import Role
from caseapp.i18n import _l
from caseapp.web import nav


def _section(actor, person) -> dict:
    """The person page's deadlines card: the person's deadlines and the kinds to enter."""
    from caseapp.deadlines import services
    from caseapp.deadlines.views import entered_kind_choices

    return {"deadlines": services.of_person(person.id), "kinds": entered_kind_choices()}


def upcoming_deadlines_count(own_only: bool = True) -> int:
    """Open deadlines in the next weeks of the signed-in user's offices (start page)."""
    from flask_login import current_user

    from caseapp.core.clock import local_today
    from caseapp.deadlines import services

    return services.upcoming_count(current_user, local_today(), own_only=own_only)


def portal_deadlines(person) -> list:
    """The newcomer's deadlines whose warning time has come (portal start page)."""
    from caseapp.core.clock import local_today
    from caseapp.deadlines import services

    if person is None:
        return []
    return services.for_portal(person, local_today())


def init_app(app) -> None:
    from caseapp.audit.models import RECORD_TYPE_LABELS
    from caseapp.deadlines import wording
    from caseapp.deadlines.services import UPCOMING_WEEKS
    from caseapp.people.sections import register_section

    # The audit page's labels for this package's records (its actions are the common ones).
    RECORD_TYPE_LABELS.setdefault("deadline", _l("Deadline"))
    RECORD_TYPE_LABELS.setdefault("deadline_kind", _l("Deadline kind"))
    register_section("deadlines", order=15, template="deadlines/_section.html", load=_section)
    nav.register(
        nav.NavItem(
            "deadlines.index", _l("Deadlines"), roles=(Role.CASEWORKER, Role.ADMIN), order=40
        )
    )
    nav.register(
        nav.NavItem("deadlines.kinds", _l("Deadline kinds"), roles=(Role.ADMIN,), menu="admin")
    )
    app.jinja_env.globals.update(
        deadline_kind_name=wording.kind_name,
        deadline_kind_text=wording.kind_text,
        deadline_derived_text=wording.derived_text,
        deadline_rule_text=wording.rule_text,
        deadline_status=wording.STATUS_LABELS,
        deadline_badges=wording.STATUS_BADGES,
        deadline_upcoming_weeks=UPCOMING_WEEKS,
        upcoming_deadlines_count=upcoming_deadlines_count,
        portal_deadlines=portal_deadlines,
    )
