"""A newcomer's portal access row and language: what reminders and notices need to know.

Kept apart from portal.services (codes, sign-in, the ambassador) so that the appointment
reminders and the match notices can ask it without importing the portal's whole service.
"""

from __future__ import annotations

from sqlalchemy import select

from caseapp.extensions import db
from caseapp.i18n import DEFAULT_LANGUAGE, LANGUAGES
from caseapp.people.models import Person
from caseapp.portal.models import PortalAccess


def access_for(person_id: int) -> PortalAccess | None:
    return db.session.scalar(select(PortalAccess).where(PortalAccess.person_id == person_id))


def newcomer_language(person: Person, access: PortalAccess | None = None) -> str:
    """The newcomer's language: chosen in the portal, else the first of their languages that
    Lotse speaks, else the default language (German)."""
    access = access if access is not None else access_for(person.id)
    if access is not None and access.user is not None:
        preferred = access.user.preferred_language
        if preferred in LANGUAGES:
            return preferred
    if access is not None and access.language in LANGUAGES:
        return access.language
    for entry in person.languages or []:
        code = (entry or {}).get("code")
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE
