"""The case list's filters applied to the search box's candidate rows (plain columns: case_id,
status, caseworker_id, case_office_id), so a search within a filtered list needs no join."""

from __future__ import annotations

from sqlalchemy import select

from caseapp.extensions import db
from caseapp.people.models import CaseNeed, CaseVulnerability


def filtered(rows, filters: dict) -> list:
    """The case list's filters (status, need area, vulnerability, caseworker, office)."""
    if not any(filters.values()):
        return rows
    keep = []
    case_ids = [r.case_id for r in rows if r.case_id]
    needs = vulnerabilities = None
    if filters.get("need"):
        needs = set(
            db.session.scalars(
                select(CaseNeed.case_id).where(
                    CaseNeed.case_id.in_(case_ids or [0]), CaseNeed.need == filters["need"]
                )
            )
        )
    if filters.get("vulnerability"):
        vulnerabilities = set(
            db.session.scalars(
                select(CaseVulnerability.case_id).where(
                    CaseVulnerability.case_id.in_(case_ids or [0]),
                    CaseVulnerability.flag == filters["vulnerability"],
                )
            )
        )
    for row in rows:
        if row.case_id is None:
            continue
        if filters.get("status") and row.status != filters["status"]:
            continue
        if filters.get("caseworker_id") and row.caseworker_id != filters["caseworker_id"]:
            continue
        if filters.get("office_id") and row.case_office_id != filters["office_id"]:
            continue
        if needs is not None and row.case_id not in needs:
            continue
        if vulnerabilities is not None and row.case_id not in vulnerabilities:
            continue
        keep.append(row)
    return keep
