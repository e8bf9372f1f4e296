"""Referrals between offices and appointments."""

from __future__ import annotations

from caseapp.i18n import _l
from caseapp.privacy.holdings.common import CLOSED
from caseapp.privacy.registry import Holding, register

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
