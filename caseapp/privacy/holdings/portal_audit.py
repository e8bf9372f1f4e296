"""The newcomer portal and the audit log."""

from __future__ import annotations

from sqlalchemy import and_, or_, select, union

from caseapp.i18n import _l
from caseapp.privacy.holdings.common import CLOSED, _ids_of, _t
from caseapp.privacy.registry import Holding, register

# --- portal -------------------------------------------------------------------------------
register(
    Holding(
        "portal_access",
        "portal_accesses",
        _l("Portal access"),
        CLOSED,
        free_text=("reminder_email", "reminder_phone"),
        on_anonymise="delete",
        hidden=("code_hash",),
    )
)


def _case_numbers(ids):
    cases = _t("cases")
    return select(cases.c.case_number).where(cases.c.person_id.in_(ids))


register(
    Holding(
        "portal_attempt",
        "throttle_attempts",
        _l("Failed portal sign-ins"),
        "portal_attempts",
        link="",
        on_anonymise="delete",
        where=lambda t, ids: and_(t.c.kind == "portal", t.c.key.in_(_case_numbers(ids))),
    )
)


def _contacts(ids):
    persons, access = _t("persons"), _t("portal_accesses")
    return union(
        select(persons.c.email).where(persons.c.id.in_(ids), persons.c.email != ""),
        select(persons.c.phone).where(persons.c.id.in_(ids), persons.c.phone != ""),
        select(access.c.reminder_email).where(
            access.c.person_id.in_(ids), access.c.reminder_email != ""
        ),
        select(access.c.reminder_phone).where(
            access.c.person_id.in_(ids), access.c.reminder_phone != ""
        ),
    )


register(
    Holding(
        "message",
        "outbox_messages",
        _l("Messages sent"),
        "outbox_body",
        link="",
        free_text=("recipient", "subject", "body_text", "body_html"),
        hidden=("dedupe_key", "last_error"),
        where=lambda t, ids: t.c.recipient.in_(_contacts(ids)),
    )
)


# --- audit --------------------------------------------------------------------------------
def _audit_where(t, ids):
    """Entries about the person, their referrals, appointments and matches."""
    records = {
        "person": ids,
        "referral": _ids_of("referrals", ids),
        "match": _ids_of("matches", ids),
        "match_request": _ids_of("match_requests", ids),
        "appointment": _ids_of("appointments", ids),
    }
    return or_(
        *(
            and_(t.c.record_type == kind, t.c.record_id.in_(values))
            for kind, values in records.items()
        )
    )


register(
    Holding(
        "audit",
        "audit_entries",
        _l("Who read or changed the records"),
        "audit_log",
        link="",
        # Kept unchanged until the audit rule deletes them: the log is the accountability
        # record (art. 5(2), 17(3)(b)) and its entries are hash-chained (audit verify).
        on_anonymise="keep",
        # Details hold old and new values, possibly of other persons (merges, households).
        hidden=("details", "record_id"),
        order_by=("at", "id"),
        where=_audit_where,
    )
)
