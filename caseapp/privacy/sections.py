"""The case file's data-protection card (registered with people.sections): open requests,
legal hold, and the link to the person's data-protection page."""

from __future__ import annotations

from caseapp.people.sections import register_section


def _load(actor, person):
    from caseapp.privacy import services
    from caseapp.privacy.retention import is_anonymised

    return {
        "copy_requested": services.has_open_export_request(person.id),
        "hold": services.active_hold(person.case.id) if person.case else None,
        "anonymised": is_anonymised(person.id),
    }


register_section("privacy", order=90, template="privacy/_section.html", load=_load)
