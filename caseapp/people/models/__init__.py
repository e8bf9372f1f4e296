"""Persons, households, cases, consultations, next steps, consents, aid, merges and the
duplicate review: one module per area, every model importable from here."""

from caseapp.people.models.cases import (
    AidEntry,
    AidKind,
    Case,
    CaseNeed,
    CaseStatusChange,
    CaseVulnerability,
    Consent,
    Consultation,
    NextStep,
)
from caseapp.people.models.duplicates import DuplicateDecision, DuplicatePair, DuplicateScan
from caseapp.people.models.persons import (
    Household,
    HouseholdMember,
    Person,
    PersonMerge,
    PersonNameKey,
    PersonSearchKey,
)

__all__ = [
    "AidEntry",
    "AidKind",
    "Case",
    "CaseNeed",
    "CaseStatusChange",
    "CaseVulnerability",
    "Consent",
    "Consultation",
    "DuplicateDecision",
    "DuplicatePair",
    "DuplicateScan",
    "Household",
    "HouseholdMember",
    "NextStep",
    "Person",
    "PersonMerge",
    "PersonNameKey",
    "PersonSearchKey",
]
