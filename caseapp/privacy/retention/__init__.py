"""Retention: rules per kind of record, the run that applies them, and anonymisation."""

from caseapp.privacy.retention.anonymise import anonymise_person, is_anonymised
from caseapp.privacy.retention.rules import RULES, all_days, days, set_days
from caseapp.privacy.retention.run import due_persons, run

__all__ = [
    "RULES",
    "all_days",
    "anonymise_person",
    "days",
    "due_persons",
    "is_anonymised",
    "run",
    "set_days",
]
