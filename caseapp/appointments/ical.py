"""iCalendar files for newcomers' phone calendars (Europe/Berlin VTIMEZONE, TZID on times)."""

from __future__ import annotations

from flask_babel import force_locale
from icalendar import Calendar, Event

from caseapp.appointments.documents import bring_items
from caseapp.appointments.models import CANCELLED, CANCELLED_BY_NEWCOMER, Appointment
from caseapp.appointments.slots import BERLIN
from caseapp.core.clock import utcnow
from caseapp.i18n import _, isolate, list_separator


def office_address(office, *, isolated: bool = True) -> str:
    """Name, street, postcode and town; each part isolated in a right-to-left text, so the
    parts read in the language's order and "58762 Altena" stays one piece. PDFs take the
    plain form: their text layer loses what stands between isolates, and fpdf2's own
    bidi keeps a Latin address together."""
    town = f"{office.postcode} {office.city}".strip()
    parts = [part for part in (office.name, office.street, town) if part]
    if not isolated:
        return ", ".join(parts)
    return list_separator().join(isolate(part) for part in parts)


def _event(appointment: Appointment, host: str, changes: int) -> Event:
    office = appointment.office
    event = Event()
    event.add("uid", f"appointment-{appointment.id}@{host}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", appointment.starts_at.astimezone(BERLIN))
    event.add("dtend", appointment.ends_at.astimezone(BERLIN))
    event.add("summary", _("Appointment at %(office)s", office=isolate(office.name)))
    location = office_address(office)
    if appointment.room:
        location += " · " + _("Room: %(room)s", room=isolate(appointment.room.name))
    event.add("location", location)
    lines = []
    bring = bring_items(appointment)
    if bring:
        # One line each, isolated: an Arabic note does not reorder a German name next to it.
        lines += [_("Please bring:"), *(f"- {isolate(item)}" for item in bring)]
    if office.phone:
        lines.append(_("Phone: %(phone)s", phone=isolate(office.phone, ltr=True)))
    if lines:
        event.add("description", "\n".join(lines))
    event.add("sequence", changes)
    cancelled = appointment.status in (CANCELLED, CANCELLED_BY_NEWCOMER)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar_bytes(
    appointments: list[Appointment],
    language: str,
    host: str,
    sequences: dict[int, int] | None = None,
) -> bytes:
    """One VCALENDAR with an event per appointment, texts in the newcomer's language."""
    calendar = Calendar()
    calendar.add("prodid", "-//Lotse//Appointments//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    with force_locale(language):
        calendar.add("x-wr-calname", _("My appointments"))
        for appointment in appointments:
            calendar.add_component(
                _event(appointment, host, (sequences or {}).get(appointment.id, 0))
            )
    calendar.add_missing_timezones()
    return calendar.to_ical()
