"""How the interpreter round's codes read: reasons, statuses, modes (the wording lives here,
not in the pure engine)."""

from __future__ import annotations

from caseapp.i18n import _l, current_language, language_name
from caseapp.interpreters import varieties

MODE_LABELS = {
    "in_person": _l("in person"),
    "phone": _l("by phone"),
    "video": _l("by video"),
}

STATUS_LABELS = {
    "proposed": _l("proposed"),
    "offered": _l("offered, waiting for the answer"),
    "accepted": _l("accepted"),
    "declined": _l("declined"),
    "withdrawn": _l("withdrawn"),
}

# Why a pair was proposed.
PROPOSAL_REASONS = {
    "volunteer": _l("volunteer interpreter (preferred)"),
    "paid": _l("paid interpreter"),
    "variety_match": _l("speaks the wished variety"),
    "variety_other": _l("speaks the language, not the wished variety"),
    "gender_match": _l("the wished gender"),
    "gender_other": _l("not the wished gender (a wish only)"),
    "same_district": _l("works in the office's district"),
    "remote": _l("interprets by phone or video"),
}

# Why nobody was found: the hard criterion at which no interpreter remained.
UNMATCHED_REASONS = {
    "language": _l("nobody speaks the language"),
    "variety": _l("nobody speaks the required variety"),
    "no_pledge": _l("only interpreters without a confidentiality pledge speak it"),
    "gender": _l("nobody of the required gender speaks it"),
    "mode": _l("nobody interprets in this mode"),
    "district": _l("nobody works in the office's district"),
    "availability": _l("nobody is available at this time"),
    "booked": _l("everyone suitable is booked at this time"),
    "declined": _l("everyone suitable has declined"),
    "over_budget": _l("only paid interpreters fit, and the budget is used up"),
    "taken": _l("the suitable interpreters are needed for other appointments"),
}

# Per criterion, for the counts under a non-match ("12 do not speak the language").
BLOCKED_LABELS = {
    "language": _l("do not speak the language"),
    "variety": _l("do not speak the variety"),
    "no_pledge": _l("have no confidentiality pledge"),
    "gender": _l("are not of the required gender"),
    "mode": _l("do not interpret in this mode"),
    "district": _l("do not work in the district"),
    "availability": _l("are not available"),
    "booked": _l("are booked"),
    "declined": _l("have declined"),
    "over_budget": _l("would exceed the budget"),
}


def label(table: dict, code: str) -> str:
    value = table.get(code)
    return str(value) if value is not None else code


def language_label(code: str, variety: str = "") -> str:
    """ "Arabic (Levantine)" for a variety, else the language's own name."""
    lang = current_language()
    if variety:
        return varieties.name(variety, lang)
    return language_name(code, lang) if code else ""


def stored_language_label(value: str) -> str:
    """An interpreter's stored language ("ar:ar-levant", "tr:")."""
    code, variety = varieties.parse(value)
    return language_label(code, variety)


AUDIT_RECORD_TYPES = {
    "interpreter": _l("Interpreter"),
    "interpreter_settings": _l("Interpreter settings"),
    "interpreter_round": _l("Interpreter round"),
    "interpreter_assignment": _l("Interpreting assignment"),
}
AUDIT_ACTIONS = {
    "update_interpreter_need": _l("interpreter request changed"),
    "run_interpreter_round": _l("interpreter round run"),
    "offer_interpreter": _l("interpreter asked"),
    "withdraw_interpreter": _l("interpreter request withdrawn"),
    "accept_interpreting": _l("interpreting accepted"),
    "decline_interpreting": _l("interpreting declined"),
}


def register_audit_labels() -> None:
    """The audit page names our record types and actions (its label maps are open to add to)."""
    from caseapp.audit.models import ACTION_LABELS, RECORD_TYPE_LABELS

    for key, label in AUDIT_RECORD_TYPES.items():
        RECORD_TYPE_LABELS.setdefault(key, label)
    for key, label in AUDIT_ACTIONS.items():
        ACTION_LABELS.setdefault(key, label)
