"""The documents a newcomer is asked to bring (issue 12 §3): one coded vocabulary whose names
are translated like every other label (English msgids, de/ar/tr catalogs), so the same choice
reads in the newcomer's language on the portal, the slip, the calendar file and in reminders,
and in German for the reception. Free text on the appointment covers anything else.

The deadline kinds (caseapp/deadlines) keep their own "documents" as one sentence per
language written by the administrator; this list is the only coded vocabulary of documents.
"""

from __future__ import annotations

from caseapp.i18n import _l

# Order: as a caseworker would usually ask for them.
DOCUMENTS = {
    "passport": _l("Passport or identity card"),
    "residence_permit": _l("Residence permit (Aufenthaltstitel)"),
    "arrival_certificate": _l("Proof of arrival (Ankunftsnachweis)"),
    "health_insurance_card": _l("Health insurance card"),
    "rental_contract": _l("Rental contract"),
    "benefit_notice": _l("Benefit notice (Bescheid)"),
    "school_certificates": _l("School and vocational certificates"),
    "birth_certificate": _l("Birth certificate"),
    "bank_details": _l("Bank details (IBAN)"),
    "photos": _l("Passport photos"),
    "registration_certificate": _l("Registration certificate (Meldebescheinigung)"),
    "income_proof": _l("Proof of income (pay slips)"),
    "letters": _l("Letters you received from offices"),
}


def document_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in DOCUMENTS.items()]


def known_codes(codes) -> list[str]:
    """The codes of the vocabulary among `codes`, in the vocabulary's order, each once."""
    wanted = set(codes or ())
    return [code for code in DOCUMENTS if code in wanted]


def document_names(codes) -> list[str]:
    """The names of the documents in the current locale (wrap in force_locale for another)."""
    return [str(DOCUMENTS[code]) for code in known_codes(codes)]


def bring_items(appointment) -> list[str]:
    """What the newcomer is asked to bring: the chosen documents in the current locale, then
    the free text as written (empty list: nothing asked)."""
    items = document_names(appointment.documents_to_bring)
    note = (appointment.notes_for_newcomer or "").strip()
    if note:
        items.append(note)
    return items
