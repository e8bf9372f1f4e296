"""Labels and helpers the case-record templates use."""

from __future__ import annotations

from babel import Locale
from flask_babel import format_currency, get_locale

from caseapp.i18n import _
from caseapp.people import vocab

REASON_TEXTS = {
    "same_birth_date": lambda: _("same date of birth"),
    "same_birth_year": lambda: _("same year of birth"),
    "birth_year_only": lambda: _("only the year of birth is known"),
    "placeholder_birth_date": lambda: _("birth date 01.01. is often a placeholder"),
    "different_birth_date": lambda: _("different date of birth"),
    "name_variant": lambda: _("name spelled differently"),
    "same_name": lambda: _("same name"),
    "swapped_names": lambda: _("given and family name swapped"),
    "missing_middle_name": lambda: _("a middle name is missing"),
    "original_script_match": lambda: _("same name in original script"),
    "different_sex": lambda: _("different sex"),
    "shortened_given_name": lambda: _("a compound given name is shortened"),
    "close_birth_year": lambda: _("years of birth one apart"),
    "no_birth_date": lambda: _("no date of birth on one record"),
    "missing_family_name": lambda: _("a family name is missing"),
    "different_given_name": lambda: _("different given name"),
    "different_family_name": lambda: _("different family name"),
    "different_middle_name": lambda: _("different middle name"),
    "one_shared_name": lambda: _("only one name in common"),
    "original_script_mismatch": lambda: _("different name in original script"),
    # Evidence beyond names and dates (caseapp.people.namematch.evidence).
    "same_phone": lambda: _("same phone number"),
    "same_email": lambda: _("same e-mail address"),
    "same_address": lambda: _("same address"),
    "same_arrival": lambda: _("same arrival date"),
    "different_arrival": lambda: _("different arrival dates"),
    "household_members": lambda: _("same household members"),
    "same_household": lambda: _("both in the same household"),
    "different_nationality": lambda: _("different nationality"),
    "rare_name": lambda: _("few persons have this name"),
    "common_name": lambda: _("many persons have this name"),
    "chance_agreement": lambda: _("so many persons have this name that this may be chance"),
    "typing_error": lambda: _("one letter different (a typing error?)"),
    "same_azr": lambda: _("same AZR number"),
    "different_azr": lambda: _("different AZR numbers"),
    "same_birth_place": lambda: _("same place of birth"),
    "different_birth_place": lambda: _("different place of birth"),
    "same_father": lambda: _("same father's name"),
    "same_mother": lambda: _("same mother's name"),
    "different_parents": lambda: _("different parents"),
    "attended_same_time": lambda: _("both were at appointments at the same time"),
    "no_name": lambda: _("no name to compare"),
    # Why a person is a hit of the search box (caseapp.people.namematch.search.explain).
    "name_exact": lambda: _("name as typed"),
    "name_start": lambda: _("beginning of a name"),
    "variant_given": lambda: _("spelling variant of the given name"),
    "variant_family": lambda: _("spelling variant of the family name"),
    "arabic_spelling": lambda: _("Arabic spelling"),
    "case_number": lambda: _("case number"),
    "phone": lambda: _("phone number"),
    "azr_number": lambda: _("AZR number"),
}


def merge_labels() -> dict:
    from caseapp.i18n import _l

    return {
        "given_name": _l("Given names"),
        "family_name": _l("Family name"),
        "original_name": _l("Full name in original script"),
        "birth": _l("Date of birth"),
        "birth_place": _l("Place of birth"),
        "father_name": _l("Father's name"),
        "mother_name": _l("Mother's name"),
        "azr_number": _l("AZR number"),
        "sex": _l("Sex"),
        "nationalities": _l("Nationalities"),
        "languages": _l("Languages"),
        "interpreter_language": _l("Interpreter needed for"),
        "phone": _l("Phone"),
        "email": _l("E-mail address"),
        "street": _l("Street and number"),
        "postcode": _l("Postcode"),
        "city": _l("City"),
        "district_id": _l("District"),
        "residence_status": _l("Residence status"),
        "residence_valid_until": _l("Residence permit valid until"),
        "arrived_germany_on": _l("Arrival in Germany"),
        "arrived_municipality_on": _l("Arrival in the municipality"),
    }


def birth_label(person) -> str:
    if person.birth_year and person.birth_month and person.birth_day:
        return f"{person.birth_day:02d}.{person.birth_month:02d}.{person.birth_year}"
    return str(person.birth_year) if person.birth_year else ""


def country_names(codes) -> str:
    locale = Locale.parse(str(get_locale() or "de"))
    return ", ".join(locale.territories.get(c, c) for c in codes or [])


def reason_text(reasons) -> str:
    return "; ".join(REASON_TEXTS[r]() if r in REASON_TEXTS else r for r in reasons)


# Reasons that speak against two records being one person (or weaken what speaks for it):
# the review page and the registration hint show them apart, after "Against:".
AGAINST = frozenset(
    {
        "same_household",
        "attended_same_time",
        "common_name",
        "chance_agreement",
        "original_script_mismatch",
        "one_shared_name",
        "no_name",
    }
)


def is_against(reason: str) -> bool:
    return reason.startswith("different_") or reason in AGAINST


def reason_parts(reasons) -> tuple[str, str]:
    """(what speaks for, what speaks against) as two texts, each "" when there is none."""
    return (
        reason_text([r for r in reasons if not is_against(r)]),
        reason_text([r for r in reasons if is_against(r)]),
    )


def init_app(app) -> None:
    @app.context_processor
    def people_labels():
        return {
            "case_status": vocab.CASE_STATUS,
            "need_areas": vocab.NEED_AREAS,
            "vulnerabilities": vocab.VULNERABILITIES,
            "close_reasons": vocab.CLOSE_REASONS,
            "sex_labels": vocab.SEX,
            "residence_labels": vocab.RESIDENCE_STATUS,
            "household_roles": vocab.HOUSEHOLD_ROLES,
            "consent_purposes": vocab.CONSENT_PURPOSES,
            "consent_forms": vocab.CONSENT_FORMS,
            "consultation_modes": vocab.CONSULTATION_MODES,
            "merge_labels": merge_labels(),
        }

    app.jinja_env.globals.update(
        birth_label=birth_label,
        country_names=country_names,
        reason_text=reason_text,
        reason_parts=reason_parts,
    )
    app.jinja_env.filters["currency"] = lambda value: format_currency(value, "EUR")
