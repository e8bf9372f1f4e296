"""Fixed vocabularies of referrals with translatable labels (pure)."""

from __future__ import annotations

from caseapp.i18n import _l
from caseapp.people.vocab import DATA_CATEGORIES

CAPACITY = {
    "accepting": _l("Accepting referrals"),
    "waiting_list": _l("Waiting list"),
    "not_accepting": _l("Not accepting referrals"),
}

URGENCY = {
    "normal": _l("Normal"),
    "urgent": _l("Urgent"),
    "very_urgent": _l("Very urgent (within 24 hours)"),
}

STATUS = {
    "draft": _l("Draft"),
    "sent": _l("Sent"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
    "closed": _l("Closed without outcome"),
    "cancelled": _l("Cancelled"),
    "overdue": _l("Overdue"),
}

# Data the sending office may share; checked against the person's consent, whose scope
# names the same categories (people.vocab owns the list).
CATEGORIES = DATA_CATEGORIES

AGE_GROUPS = {
    "minor": _l("Minors (under 18)"),
    "adult": _l("Adults (18–64)"),
    "senior": _l("Older people (65 and over)"),
}

FILTERS = {
    "new": _l("New"),
    "overdue": _l("Overdue"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "all": _l("All"),
}
