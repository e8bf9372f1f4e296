"""People: persons, cases, consultations, aid, consents, households, search keys."""

from __future__ import annotations

from sqlalchemy import or_, select

from caseapp.i18n import _l
from caseapp.privacy.holdings.common import CLOSED, PERSON_TEXT, _t
from caseapp.privacy.registry import Holding, register

# --- people -------------------------------------------------------------------------------
register(
    Holding(
        "person",
        "persons",
        _l("Personal data"),
        CLOSED,
        link="id",
        free_text=PERSON_TEXT,
        hidden=("family_name_norm", "phone_digits", "version"),
        # Records merged into the person are exported and anonymised with them.
        covers=("persons.merged_into_id",),
    )
)
register(
    Holding("case", "cases", _l("Case file"), CLOSED, on_anonymise="keep", hidden=("version",))
)
register(
    Holding("case_need", "case_needs", _l("Need areas"), CLOSED, "case_id", on_anonymise="keep")
)
register(
    Holding(
        "case_vulnerability",
        "case_vulnerabilities",
        _l("Vulnerabilities"),
        CLOSED,
        "case_id",
        on_anonymise="keep",
    )
)
register(
    Holding(
        "case_status_change",
        "case_status_changes",
        _l("Case status"),
        CLOSED,
        "case_id",
        on_anonymise="keep",
        order_by=("at", "id"),
    )
)
register(
    Holding(
        "consultation",
        "consultations",
        _l("Consultations"),
        CLOSED,
        "case_id",
        free_text=("notes",),
        order_by=("at", "id"),
    )
)
register(
    Holding(
        "consultation_barrier",
        "consultation_barriers",
        _l("Structural barriers"),
        CLOSED,
        "consultation_id",
        parent="consultation",
        free_text=("note",),
    )
)
register(
    Holding(
        "next_step",
        "next_steps",
        _l("Next steps"),
        CLOSED,
        "case_id",
        free_text=("description",),
        order_by=("due_on", "id"),
    )
)
register(
    Holding(
        "aid",
        "aid_entries",
        _l("Aid given"),
        "aid_ledger",
        free_text=("note", "override_reason"),
        counted=("override_reason",),
        order_by=("given_on", "id"),
        covers=("aid_entries.case_id", "aid_entries.household_id"),
    )
)
register(
    Holding(
        "consent",
        "consents",
        _l("Consents"),
        CLOSED,
        free_text=("scope",),
        order_by=("given_on", "id"),
    )
)
register(
    Holding(
        "household_member",
        "household_members",
        _l("Household"),
        CLOSED,
        on_anonymise="keep",
        covers=("household_members.household_id",),
    )
)
register(
    Holding(
        "household",
        "households",
        _l("Household"),
        CLOSED,
        link="",
        # The name is the family's: emptied when the last member is anonymised (retention).
        on_anonymise="keep",
        where=lambda t, ids: t.c.id.in_(
            select(_t("household_members").c.household_id).where(
                _t("household_members").c.person_id.in_(ids)
            )
        ),
    )
)
register(Holding("name_key", "person_name_keys", _l("Search index"), CLOSED, on_anonymise="delete"))
register(
    Holding("search_key", "person_search_keys", _l("Search index"), CLOSED, on_anonymise="delete")
)
register(
    Holding(
        "merge",
        "person_merges",
        _l("Merged records"),
        CLOSED,
        link="survivor_id",
        free_text=("removed_values", "chosen"),
        covers=("person_merges.removed_id",),
    )
)
register(
    Holding(
        "duplicate_pair",
        "duplicate_pairs",
        _l("Possible duplicates"),
        CLOSED,
        link="",
        on_anonymise="delete",
        hidden=("a_id", "b_id"),  # the other record is another person's
        where=lambda t, ids: or_(t.c.a_id.in_(ids), t.c.b_id.in_(ids)),
        covers=("duplicate_pairs.a_id", "duplicate_pairs.b_id"),
    )
)
register(
    Holding(
        "duplicate_decision",
        "duplicate_decisions",
        _l("Possible duplicates"),
        CLOSED,
        link="",
        on_anonymise="delete",
        hidden=("a_id", "b_id"),
        where=lambda t, ids: or_(t.c.a_id.in_(ids), t.c.b_id.in_(ids)),
        covers=("duplicate_decisions.a_id", "duplicate_decisions.b_id"),
    )
)
