"""Labels and helpers the appointment, case-file, dashboard and portal templates use."""

from __future__ import annotations

from caseapp.appointments.documents import bring_items
from caseapp.appointments.models import (
    ATTENDED,
    CANCELLED,
    CANCELLED_BY_NEWCOMER,
    NO_SHOW,
    SCHEDULED,
)
from caseapp.core.clock import local_today
from caseapp.i18n import _l

STATUS_LABELS = {
    SCHEDULED: _l("scheduled"),
    CANCELLED: _l("cancelled"),
    ATTENDED: _l("attended"),
    NO_SHOW: _l("no-show"),
    CANCELLED_BY_NEWCOMER: _l("cancelled by the newcomer"),
}

CHANGE_LABELS = {
    "booked": _l("booked"),
    "rescheduled": _l("moved"),
    "cancelled": _l("cancelled"),
    ATTENDED: _l("attended"),
    NO_SHOW: _l("no-show"),
    CANCELLED_BY_NEWCOMER: _l("cancelled by the newcomer"),
}

STATUS_BADGES = {
    SCHEDULED: "primary",
    CANCELLED: "secondary",
    ATTENDED: "success",
    NO_SHOW: "danger",
    CANCELLED_BY_NEWCOMER: "warning",
}


def init_app(app) -> None:
    @app.context_processor
    def appointment_labels():
        return {
            "appointment_status": STATUS_LABELS,
            "appointment_badges": STATUS_BADGES,
            "appointment_changes": CHANGE_LABELS,
        }

    # `clock` (the Europe/Berlin time of an aware datetime, 24-hour, isolated) is one of the
    # shared filters in web/bidi.py.
    app.jinja_env.globals.update(
        caseworker_day=caseworker_day,
        # What to bring: the documents in the current language, then the free text.
        bring_items=bring_items,
        newcomer_upcoming=newcomer_upcoming,
    )


def caseworker_day():
    """The signed-in caseworker's appointments today and recent no-shows (start page)."""

    from flask_login import current_user

    from caseapp.appointments import services
    from caseapp.core.clock import utcnow

    today = local_today()
    return {
        "today": services.todays_for(current_user, today),
        "no_shows": services.recent_no_shows(current_user, utcnow()),
    }


def newcomer_upcoming(limit: int = 3):
    """The signed-in newcomer's next appointments (start page panel)."""
    from flask_login import current_user

    from caseapp.appointments.models import SCHEDULED
    from caseapp.core.clock import utcnow
    from caseapp.portal.services import person_for

    person = person_for(current_user)
    if person is None:
        return []
    from caseapp.appointments.services import for_person

    now = utcnow()
    rows = [a for a in for_person(person.id) if a.status == SCHEDULED and a.ends_at > now]
    return sorted(rows, key=lambda a: a.starts_at)[:limit]
