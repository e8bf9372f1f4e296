"""Fixed vocabularies of case records with translatable labels (pure)."""

from __future__ import annotations

from caseapp.i18n import _l

SEX = {"f": _l("female"), "m": _l("male"), "x": _l("diverse"), "": _l("not stated")}

RESIDENCE_STATUS = {
    "asylum_seeker": _l("Asylum seeker (Aufenthaltsgestattung)"),
    "recognised_refugee": _l("Recognised refugee"),
    "subsidiary_protection": _l("Subsidiary protection"),
    "tolerated": _l("Tolerated (Duldung)"),
    "temporary_protection": _l("Temporary protection (§ 24)"),
    "eu_citizen": _l("EU citizen"),
    "other": _l("Other"),
}

NEED_AREAS = {
    "language": _l("Language"),
    "education": _l("Education"),
    "work": _l("Work"),
    "housing": _l("Housing"),
    "health": _l("Health"),
    "legal": _l("Legal and residence"),
    "benefits": _l("Social benefits"),
    "family": _l("Family and childcare"),
    "participation": _l("Participation and leisure"),
    "protection": _l("Protection"),
}

# EU reception directive 2013/33/EU, art. 21.
VULNERABILITIES = {
    "minor": _l("Minor"),
    "unaccompanied_minor": _l("Unaccompanied minor"),
    "disability": _l("Disability"),
    "elderly": _l("Elderly person"),
    "pregnancy": _l("Pregnancy"),
    "single_parent": _l("Single parent with minor children"),
    "trafficking": _l("Victim of human trafficking"),
    "serious_illness": _l("Serious illness"),
    "mental_disorder": _l("Mental disorder"),
    "torture_violence": _l("Survivor of torture or serious violence"),
}

CASE_STATUS = {
    "open": _l("open"),
    "active": _l("active"),
    "on_hold": _l("on hold"),
    "closed": _l("closed"),
}

CLOSE_REASONS = {
    "goals_reached": _l("Goals reached"),
    "moved_away": _l("Moved away"),
    "no_contact": _l("No contact"),
    "handed_over": _l("Handed over to another office"),
    "deceased": _l("Deceased"),
    "other": _l("Other reason"),
}

CONSULTATION_MODES = {
    "in_person": _l("In person"),
    "phone": _l("Phone"),
    "video": _l("Video"),
    "home_visit": _l("Home visit"),
}

HOUSEHOLD_ROLES = {
    "head": _l("Head of household"),
    "spouse": _l("Spouse"),
    "child": _l("Child"),
    "other": _l("Other relative"),
}

CONSENT_PURPOSES = {
    "case_management": _l("Case management at this office"),
    "referral": _l("Sharing with another office (referral)"),
    "volunteer_matching": _l("Matching with a volunteer"),
    "reminders": _l("Reminders by e-mail or text message"),
}

# The parts of a person's record a consent to share covers and a referral shares (name and
# year of birth are always shared); referrals.vocab.CATEGORIES is this same list.
DATA_CATEGORIES = {
    "contact": _l("Contact details (phone, e-mail, address)"),
    "household": _l("Household members"),
    "languages": _l("Languages and interpreter"),
    "residence": _l("Residence status"),
    "needs": _l("Need areas of the case"),
    "consultations": _l("Selected consultations"),
    "vulnerabilities": _l("Vulnerability flags"),
}

CONSENT_FORMS = {
    "written": _l("In writing"),
    "oral_interpreter": _l("Orally, with an interpreter"),
    "oral": _l("Orally"),
}

LANGUAGE_LEVELS = ["A1", "A2", "B1", "B2", "C1", "C2", "native"]


def label(mapping: dict, key: str | None) -> str:
    return str(mapping.get(key or "", key or ""))
