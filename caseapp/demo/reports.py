"""Demo structural barriers: some consultations of the demo history carry the barriers a
caseworker would tick, so the integration report's barrier roll-up is not empty."""

from __future__ import annotations

import random

from sqlalchemy import func, insert, select

from caseapp.extensions import db
from caseapp.people.models import Consultation
from caseapp.reports.models import ConsultationBarrier
from caseapp.reports.vocab import BARRIER_FIELDS

NOTES = ("Warteliste", "Antrag läuft seit Monaten", "Kein Termin vor dem Sommer", "")


def seed(seed: int = 14) -> None:
    """Tag about one consultation in six (idempotent: nothing happens if any tag exists)."""
    if db.session.scalar(select(func.count(ConsultationBarrier.id))):
        return
    rng = random.Random(seed)  # noqa: S311 - demo data, not a secret
    by_field: dict[str, list[str]] = {}
    for code, field in BARRIER_FIELDS.items():
        by_field.setdefault(field, []).append(code)
    rows = []
    consultations = db.session.execute(
        select(Consultation.id, Consultation.need_areas, Consultation.caseworker_id).order_by(
            Consultation.id
        )
    ).all()
    for consultation_id, needs, caseworker_id in consultations:
        if rng.random() >= 1 / 6:
            continue
        fitting = [code for need in needs or () for code in by_field.get(need, ())]
        codes = set(rng.sample(fitting, min(len(fitting), rng.choice([1, 1, 2])))) or {
            rng.choice(list(BARRIER_FIELDS))
        }
        note = rng.choice(NOTES)
        rows += [
            {
                "consultation_id": consultation_id,
                "code": code,
                "note": note,
                "created_by_id": caseworker_id,
            }
            for code in sorted(codes)
        ]
    if rows:
        db.session.execute(insert(ConsultationBarrier), rows)
