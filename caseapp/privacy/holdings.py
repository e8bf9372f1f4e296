"""The core packages' holdings: every kind of record Lotse keeps about a person.

Declared here rather than in each package (people must not import privacy, and the core
predates it); a feature package declares its own in `caseapp/<feature>/privacy.py`.
Retention rules are named in privacy.retention.RULES.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select, union

from caseapp.extensions import db
from caseapp.i18n import _l
from caseapp.privacy.registry import Holding, register


def _t(name: str):
    return db.metadata.tables[name]


def _ids_of(table: str, person_ids: list[int]):
    return select(_t(table).c.id).where(_t(table).c.person_id.in_(person_ids))


CLOSED = "closed_case"
PERSON_TEXT = (
    "given_name",
    "family_name",
    "family_name_norm",
    "original_name",
    "phone",
    "phone_digits",
    "email",
    "street",
    "postcode",
    "city",
)

# --- people -------------------------------------------------------------------------------
register(
    Holding(
        "person",
        "persons",
        _l("Personal data"),
        CLOSED,
        link="id",
        free_text=PERSON_TEXT,
        hidden=("family_name_norm", "phone_digits", "version"),
        # Records merged into the person are exported and anonymised with them.
        covers=("persons.merged_into_id",),
    )
)
register(
    Holding("case", "cases", _l("Case file"), CLOSED, on_anonymise="keep", hidden=("version",))
)
register(
    Holding("case_need", "case_needs", _l("Need areas"), CLOSED, "case_id", on_anonymise="keep")
)
register(
    Holding(
        "case_vulnerability",
        "case_vulnerabilities",
        _l("Vulnerabilities"),
        CLOSED,
        "case_id",
        on_anonymise="keep",
    )
)
register(
    Holding(
        "case_status_change",
        "case_status_changes",
        _l("Case status"),
        CLOSED,
        "case_id",
        on_anonymise="keep",
        order_by=("at", "id"),
    )
)
register(
    Holding(
        "consultation",
        "consultations",
        _l("Consultations"),
        CLOSED,
        "case_id",
        free_text=("notes",),
        order_by=("at", "id"),
    )
)
register(
    Holding(
        "consultation_barrier",
        "consultation_barriers",
        _l("Structural barriers"),
        CLOSED,
        "consultation_id",
        parent="consultation",
        free_text=("note",),
    )
)
register(
    Holding(
        "next_step",
        "next_steps",
        _l("Next steps"),
        CLOSED,
        "case_id",
        free_text=("description",),
        order_by=("due_on", "id"),
    )
)
register(
    Holding(
        "aid",
        "aid_entries",
        _l("Aid given"),
        "aid_ledger",
        free_text=("note", "override_reason"),
        counted=("override_reason",),
        order_by=("given_on", "id"),
        covers=("aid_entries.case_id", "aid_entries.household_id"),
    )
)
register(
    Holding(
        "consent",
        "consents",
        _l("Consents"),
        CLOSED,
        free_text=("scope",),
        order_by=("given_on", "id"),
    )
)
register(
    Holding(
        "household_member",
        "household_members",
        _l("Household"),
        CLOSED,
        on_anonymise="keep",
        covers=("household_members.household_id",),
    )
)
register(
    Holding(
        "household",
        "households",
        _l("Household"),
        CLOSED,
        link="",
        # The name is the family's: emptied when the last member is anonymised (retention).
        on_anonymise="keep",
        where=lambda t, ids: t.c.id.in_(
            select(_t("household_members").c.household_id).where(
                _t("household_members").c.person_id.in_(ids)
            )
        ),
    )
)
register(Holding("name_key", "person_name_keys", _l("Search index"), CLOSED, on_anonymise="delete"))
register(
    Holding("search_key", "person_search_keys", _l("Search index"), CLOSED, on_anonymise="delete")
)
register(
    Holding(
        "merge",
        "person_merges",
        _l("Merged records"),
        CLOSED,
        link="survivor_id",
        free_text=("removed_values", "chosen"),
        covers=("person_merges.removed_id",),
    )
)
register(
    Holding(
        "duplicate_pair",
        "duplicate_pairs",
        _l("Possible duplicates"),
        CLOSED,
        link="",
        on_anonymise="delete",
        hidden=("a_id", "b_id"),  # the other record is another person's
        where=lambda t, ids: or_(t.c.a_id.in_(ids), t.c.b_id.in_(ids)),
        covers=("duplicate_pairs.a_id", "duplicate_pairs.b_id"),
    )
)
register(
    Holding(
        "duplicate_decision",
        "duplicate_decisions",
        _l("Possible duplicates"),
        CLOSED,
        link="",
        on_anonymise="delete",
        hidden=("a_id", "b_id"),
        where=lambda t, ids: or_(t.c.a_id.in_(ids), t.c.b_id.in_(ids)),
        covers=("duplicate_decisions.a_id", "duplicate_decisions.b_id"),
    )
)

# --- referrals ----------------------------------------------------------------------------
register(
    Holding(
        "referral",
        "referrals",
        _l("Referrals"),
        CLOSED,
        free_text=("message", "decline_reason", "outcome", "shared"),
        hidden=("version", "receiving_person_id"),
        order_by=("created_at", "id"),
        covers=("referrals.case_id",),
    )
)
register(
    Holding(
        "referral_received",
        "referrals",
        _l("Referrals received"),
        CLOSED,
        link="receiving_person_id",
        # The sending office's record belongs to the sending case; it is anonymised with it.
        on_anonymise="keep",
        hidden=("version", "person_id", "case_id", "shared", "message", "consultation_ids"),
    )
)
register(
    Holding(
        "referral_event",
        "referral_events",
        _l("Referral steps"),
        CLOSED,
        "referral_id",
        parent="referral",
        free_text=("note",),
        order_by=("at", "id"),
    )
)

# --- appointments -------------------------------------------------------------------------
register(
    Holding(
        "appointment",
        "appointments",
        _l("Appointments"),
        CLOSED,
        free_text=("purpose", "notes_for_newcomer", "cancel_reason"),
        hidden=("version",),
        order_by=("starts_at", "id"),
        covers=("appointments.household_id",),
    )
)
register(
    Holding(
        "appointment_change",
        "appointment_changes",
        _l("Appointment changes"),
        CLOSED,
        "appointment_id",
        parent="appointment",
        free_text=("reason",),
    )
)
register(
    Holding(
        "reschedule_request",
        "reschedule_requests",
        _l("Requests to move an appointment"),
        CLOSED,
        "appointment_id",
        parent="appointment",
        free_text=("message",),
    )
)

# --- matching -----------------------------------------------------------------------------
register(
    Holding(
        "match_request",
        "match_requests",
        _l("Waiting lists"),
        CLOSED,
        free_text=("interests", "notes"),
        covers=("match_requests.household_id",),
    )
)
register(
    Holding(
        "match_proposal",
        "match_proposals",
        _l("Proposals"),
        CLOSED,
        "request_id",
        parent="match_request",
        free_text=("reject_reason",),
        hidden=("volunteer_id",),
    )
)
register(
    Holding(
        "match_unmatched",
        "match_unmatched",
        _l("Matching rounds"),
        CLOSED,
        "request_id",
        parent="match_request",
        on_anonymise="keep",
    )
)


def _matches(person_ids: list[int], options: dict):
    """Matches with the volunteer's first name only (never their contact or surname)."""
    from caseapp.privacy.export.collect import plain_rows

    h = _MATCH
    volunteers, users = _t("volunteers"), _t("users")
    names = dict(
        db.session.execute(
            select(volunteers.c.id, users.c.display_name)
            .join(users, users.c.id == volunteers.c.user_id)
            .where(
                volunteers.c.id.in_(
                    select(_t("matches").c.volunteer_id).where(
                        _t("matches").c.person_id.in_(person_ids)
                    )
                )
            )
        ).all()
    )
    for row in plain_rows(h, person_ids, options, keep=("volunteer_id",)):
        volunteer_id = row.pop("volunteer_id", None)
        row["volunteer_first_name"] = (names.get(volunteer_id) or "").split(" ")[0]
        yield row


_MATCH = register(
    Holding(
        "match",
        "matches",
        _l("Matches"),
        CLOSED,
        free_text=("agreed_contact", "end_note"),
        hidden=("volunteer_id",),
        rows=_matches,
        covers=("matches.household_id",),
    )
)

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

# --- this package's own -------------------------------------------------------------------
register(
    Holding(
        "export_request",
        "export_requests",
        _l("Requests for a copy of the data"),
        CLOSED,
        on_anonymise="keep",
    )
)
register(
    Holding(
        "erasure_request",
        "erasure_requests",
        _l("Requests for erasure"),
        CLOSED,
        free_text=("reason",),
    )
)
register(
    Holding(
        "anonymisation",
        "anonymised_persons",
        _l("Anonymisation"),
        CLOSED,
        on_anonymise="keep",
    )
)
register(
    Holding("legal_hold", "legal_holds", _l("Legal holds"), CLOSED, "case_id", on_anonymise="keep")
)

# --- feature packages without a privacy module of their own (yet) --------------------------
if "deadlines" in db.metadata.tables:
    register(
        Holding(
            "deadline",
            "deadlines",
            _l("Deadlines"),
            CLOSED,
            free_text=("note",),
            order_by=("due_on", "id"),
        )
    )
