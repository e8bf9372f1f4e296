"""Kinds of programme, statuses, language levels and availability slots (translatable labels)."""

from __future__ import annotations

from enum import StrEnum

from caseapp.i18n import _l


class ProgrammeKind(StrEnum):
    KUEMMERER = "kuemmerer"
    WELCOME_AMBASSADOR = "welcome_ambassador"
    MENTOR = "mentor"
    LANGUAGE_PARTNER = "language_partner"
    HOUSING_SPONSOR = "housing_sponsor"
    INTERPRETER = "interpreter"


PROGRAMME_KIND_LABELS = {
    ProgrammeKind.KUEMMERER: _l("Kümmerer (cares for a household)"),
    ProgrammeKind.WELCOME_AMBASSADOR: _l("Welcome ambassador"),
    ProgrammeKind.MENTOR: _l("Mentor (job, education, own business)"),
    ProgrammeKind.LANGUAGE_PARTNER: _l("Language partner"),
    ProgrammeKind.HOUSING_SPONSOR: _l("Housing sponsor"),
    ProgrammeKind.INTERPRETER: _l("Volunteer interpreter"),
}


class Status(StrEnum):
    """Where a volunteer stands in one programme."""

    APPLIED = "applied"
    APPROVED = "approved"
    DECLINED = "declined"
    TRAINED = "trained"
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


STATUS_LABELS = {
    Status.APPLIED: _l("applied"),
    Status.APPROVED: _l("approved"),
    Status.DECLINED: _l("declined"),
    Status.TRAINED: _l("trained"),
    Status.ACTIVE: _l("active"),
    Status.PAUSED: _l("paused"),
    Status.ENDED: _l("ended"),
}

# Statuses in which a volunteer may attend trainings, log hours and be matched.
ENGAGED = frozenset({Status.APPROVED, Status.TRAINED, Status.ACTIVE})
AVAILABLE_FOR_MATCHING = frozenset({Status.TRAINED, Status.ACTIVE})

LEVELS = {
    "native": _l("native language"),
    "fluent": _l("fluent"),
    "good": _l("good"),
    "basic": _l("basic"),
}

GENDERS = {
    "female": _l("female"),
    "male": _l("male"),
    "diverse": _l("diverse"),
    "none": _l("prefer not to say"),
}

DAYPARTS = {
    "morning": _l("morning"),
    "afternoon": _l("afternoon"),
    "evening": _l("evening"),
}
# "0-morning" ... "6-evening": Monday = 0, as in opening hours.
SLOTS = [f"{day}-{part}" for day in range(7) for part in DAYPARTS]

MIN_CAPACITY = 1
MAX_CAPACITY = 10
MIN_AGE = 16
CONSENT_VERSION = "2026-11"


def programme_kind_label(kind: str) -> str:
    try:
        return str(PROGRAMME_KIND_LABELS[ProgrammeKind(kind)])
    except ValueError:
        return kind


def status_label(status: str) -> str:
    try:
        return str(STATUS_LABELS[Status(status)])
    except ValueError:
        return status


# action -> (button, question on the confirmation page)
VOLUNTEER_ACTIONS_LABELS = {
    "pause": (
        _l("Pause"),
        _l("Pause your engagement? You will not be matched while it is paused."),
    ),
    "resume": (_l("Resume"), _l("Resume your engagement?")),
    "end": (
        _l("End"),
        _l("End your engagement in this programme? This cannot be undone by you."),
    ),
    "activate": (_l("Mark as active"), _l("Mark this volunteer as active in the programme?")),
}

AUDIT_RECORD_TYPES = {
    "volunteer": _l("Volunteer"),
    "volunteer_programme": _l("Volunteer programme"),
    "volunteer_application": _l("Volunteer's programme"),
    "volunteer_certificate": _l("Certificate"),
    "training": _l("Training"),
}
AUDIT_ACTIONS = {
    "signup": _l("signed up"),
    "confirm_email": _l("confirmed e-mail address"),
    "approve": _l("approved"),
    "decline": _l("declined"),
    "pause": _l("paused"),
    "resume": _l("resumed"),
    "end": _l("ended"),
    "activate": _l("marked as active"),
    "trained": _l("training completed"),
    "good_conduct_seen": _l("certificate of good conduct seen"),
    "register": _l("registered for training"),
    "unregister": _l("cancelled training registration"),
    "attendance": _l("attendance recorded"),
    "issue_certificate": _l("certificate issued"),
    "log_hours": _l("hours logged"),
    "print": _l("printed"),
    "revoke": _l("withdrawn"),
}


def register_audit_labels() -> None:
    """The audit page names our record types and actions (its label maps are open to add to)."""
    from caseapp.audit.models import ACTION_LABELS, RECORD_TYPE_LABELS

    for key, label in AUDIT_RECORD_TYPES.items():
        RECORD_TYPE_LABELS.setdefault(key, label)
    for key, label in AUDIT_ACTIONS.items():
        ACTION_LABELS.setdefault(key, label)
