"""The privacy package's own records and feature packages without a privacy module."""

from __future__ import annotations

from caseapp.extensions import db
from caseapp.i18n import _l
from caseapp.privacy.holdings.common import CLOSED
from caseapp.privacy.registry import Holding, register

# --- this package's own -------------------------------------------------------------------
register(
    Holding(
        "export_request",
        "export_requests",
        _l("Requests for a copy of the data"),
        CLOSED,
        on_anonymise="keep",
    )
)
register(
    Holding(
        "erasure_request",
        "erasure_requests",
        _l("Requests for erasure"),
        CLOSED,
        free_text=("reason",),
    )
)
register(
    Holding(
        "anonymisation",
        "anonymised_persons",
        _l("Anonymisation"),
        CLOSED,
        on_anonymise="keep",
    )
)
register(
    Holding("legal_hold", "legal_holds", _l("Legal holds"), CLOSED, "case_id", on_anonymise="keep")
)

# --- feature packages without a privacy module of their own (yet) --------------------------
if "deadlines" in db.metadata.tables:
    register(
        Holding(
            "deadline",
            "deadlines",
            _l("Deadlines"),
            CLOSED,
            free_text=("note",),
            order_by=("due_on", "id"),
        )
    )
