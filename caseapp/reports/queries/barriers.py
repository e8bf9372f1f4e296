"""Structural barriers: tags on consultations rolled up per field of action (counts only)."""

from __future__ import annotations

from sqlalchemy import func, select

from caseapp.people.models import Case, Consultation, Person
from caseapp.reports import cube as cubes
from caseapp.reports.models import ConsultationBarrier
from caseapp.reports.queries.common import Breakdown, Context, Source, grouped
from caseapp.reports.vocab import BARRIER_FIELDS, BARRIERS

FIELDS = tuple(dict.fromkeys(BARRIER_FIELDS.values()))


def barriers(ctx: Context) -> cubes.Cube:
    """Barriers tagged on consultations held in the period, by barrier and by the field of
    action it belongs to. Only the counts leave the case file; the notes never do."""
    source = Source(
        select(ConsultationBarrier.id)
        .select_from(ConsultationBarrier)
        .join(Consultation, Consultation.id == ConsultationBarrier.consultation_id)
        .join(Case, Case.id == Consultation.case_id)
        .join(Person, Person.id == Case.person_id)
        .where(Person.merged_into_id.is_(None)),
        when=Consultation.at,
        dates=False,
        areas={"office": Consultation.office_id, "district": Person.district_id},
    )
    rows = grouped(
        source,
        ctx.year,
        [func.count(ConsultationBarrier.id)],
        breakdown=Breakdown("barrier", ConsultationBarrier.code),
    )
    return cubes.build(
        "barriers",
        ctx.year,
        rows,
        cubes.Shape(additive_breakdowns=("field",), groups={"barrier": ("field", BARRIER_FIELDS)}),
        areas=ctx.areas("office", "district"),
        categories=[
            cubes.ALL,
            *[("field", f) for f in FIELDS],
            *[("barrier", b) for b in BARRIERS],
        ],
        min_cell=ctx.min_cell,
    )
