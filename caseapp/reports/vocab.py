"""Vocabularies of the reports: structural barriers, age bands, nationality and language groups."""

from __future__ import annotations

from caseapp.i18n import _l

# Structural barriers a caseworker can tag a consultation with (KIM: case management reports
# them to the steering group). Each belongs to one field of action (a need area).
BARRIERS = {
    "kita_place": _l("No Kita place"),
    "school_place": _l("No school place"),
    "integration_course_wait": _l("Waiting for an integration course"),
    "language_course_childcare": _l("Language course without childcare"),
    "recognition": _l("Recognition of foreign qualifications"),
    "work_permit": _l("Work permit not yet granted"),
    "housing_market": _l("No affordable housing"),
    "authority_processing": _l("Processing time at an authority"),
    "health_access": _l("No doctor or therapy place"),
    "benefit_gap": _l("Gap between benefit systems"),
    "interpreter_missing": _l("No interpreter available"),
    "digital_only": _l("Procedure only online"),
    "other": _l("Other barrier"),
}

BARRIER_FIELDS = {
    "kita_place": "family",
    "school_place": "education",
    "integration_course_wait": "language",
    "language_course_childcare": "language",
    "recognition": "work",
    "work_permit": "work",
    "housing_market": "housing",
    "authority_processing": "legal",
    "health_access": "health",
    "benefit_gap": "benefits",
    "interpreter_missing": "participation",
    "digital_only": "participation",
    "other": "other",
}

MAX_BARRIER_NOTE = 300

# Age at the end of the year of registration (birth year only: the year is always known).
AGE_BANDS = {
    "0-17": (0, 17),
    "18-26": (18, 26),
    "27-44": (27, 44),
    "45-64": (45, 64),
    "65+": (65, 200),
}
AGE_LABELS = {
    "0-17": _l("under 18"),
    "18-26": _l("18 to 26"),
    "27-44": _l("27 to 44"),
    "45-64": _l("45 to 64"),
    "65+": _l("65 and over"),
    "unknown": _l("not stated"),
}

# The most frequent first nationalities of newcomers in German municipalities; the rest is
# "other" so that the groups stay large enough to be shown.
NATIONALITY_GROUPS = ("SY", "UA", "AF", "IQ", "TR", "ER", "IR", "SO")
LANGUAGE_GROUPS = ("ar", "uk", "ru", "fa", "ps", "ku", "tr", "ti", "so", "en", "fr")
