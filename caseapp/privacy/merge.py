"""The privacy package's part of a merge: open requests follow the survivor."""

from __future__ import annotations

from sqlalchemy import update

from caseapp.core.signals import merge_handler
from caseapp.extensions import db
from caseapp.privacy.models import ErasureRequest, ExportRequest


# An anonymisation is of the record it was done to: the removed record keeps its row.
@merge_handler(
    "export_requests.person_id", "erasure_requests.person_id", "anonymised_persons.person_id"
)
def merge_privacy_rows(survivor, *, removed, actor=None, **_kw) -> dict[str, int]:
    counts = {}
    for name, model in (("export_requests", ExportRequest), ("erasure_requests", ErasureRequest)):
        counts[name] = (
            db.session.execute(
                update(model).where(model.person_id == removed.id).values(person_id=survivor.id)
            ).rowcount
            or 0
        )
    return counts
