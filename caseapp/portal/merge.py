"""The portal's part of a merge: one portal access per person.

A survivor without portal access takes over the removed record's access (code, newcomer
account, language, reminder contact). A survivor with its own access keeps it; the removed
record's code stops working and its newcomer account is deactivated and signed out, and its
reminder contact (given with consent by the same newcomer) is kept if the survivor has none.
"""

from __future__ import annotations

from caseapp.audit import services as audit
from caseapp.auth.services import end_all_sessions
from caseapp.core.signals import merge_handler
from caseapp.extensions import db
from caseapp.portal.services import access_for


@merge_handler("portal_accesses.person_id")
def merge_portal_access(survivor, *, removed, actor=None, **_kw) -> dict[str, int]:
    theirs = access_for(removed.id)
    if theirs is None:
        return {}
    ours = access_for(survivor.id)
    if ours is None:
        theirs.person = survivor
        db.session.flush()
        return {"portal_accesses": 1}
    if ours.reminder_consent_at is None and theirs.reminder_consent_at is not None:
        ours.reminder_email = theirs.reminder_email
        ours.reminder_phone = theirs.reminder_phone
        ours.reminder_consent_at = theirs.reminder_consent_at
    theirs.code_hash = None
    theirs.code_expires_at = None
    user = theirs.user
    if user is not None and user.active:
        user.active = False
        end_all_sessions(user)
        audit.record(
            actor,
            "deactivate",
            "user",
            user.id,
            details={"person": [removed.id, survivor.id]},
        )
    db.session.flush()
    return {"portal_accesses_revoked": 1}
