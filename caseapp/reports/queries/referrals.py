"""Referral indicators: sent and where they stand, answered in time or overdue, turnaround."""

from __future__ import annotations

from sqlalchemy import String, case, func, literal, select

from caseapp.people.models import Person
from caseapp.people.vocab import NEED_AREAS
from caseapp.referrals.models import Referral, ReferralEvent
from caseapp.reports import cube as cubes
from caseapp.reports.queries.common import (
    Breakdown,
    Context,
    Source,
    days_between,
    grouped,
    quantile_rows,
)

STATUSES = ("sent", "accepted", "in_progress", "completed", "declined", "closed", "cancelled")
ANSWERS = ("in_time", "late", "overdue", "open")
AREA_KINDS = ("from", "to", "district")


def _first(status: str):
    """When the referral first reached `status` (correlated, one index probe per referral)."""
    return (
        select(func.min(ReferralEvent.at))
        .where(ReferralEvent.referral_id == Referral.id, ReferralEvent.to_status == status)
        .scalar_subquery()
    )


def _sent(ctx: Context):
    """Referrals that were sent (drafts never left the office), one row each."""
    answered = (
        select(func.min(ReferralEvent.at))
        .where(
            ReferralEvent.referral_id == Referral.id,
            ReferralEvent.to_status.in_(("accepted", "declined")),
        )
        .scalar_subquery()
    )
    return (
        select(
            Referral.id.label("id"),
            Referral.from_office_id.label("from_office"),
            Referral.to_office_id.label("to_office"),
            Person.district_id.label("district"),
            Referral.status.label("status"),
            Referral.need.label("need"),
            Referral.sent_at.label("sent_at"),
            Referral.respond_by.label("respond_by"),
            answered.label("answered_at"),
            _first("accepted").label("accepted_at"),
            _first("completed").label("completed_at"),
        )
        .select_from(Referral)
        .join(Person, Person.id == Referral.person_id)
        .where(Referral.sent_at.is_not(None))
        .subquery("sent")
    )


def _source(sent, when) -> Source:
    return Source(
        select(sent.c.id).select_from(sent),
        when=when,
        dates=False,
        areas={"from": sent.c.from_office, "to": sent.c.to_office, "district": sent.c.district},
    )


def referrals(ctx: Context) -> cubes.Cube:
    """Referrals sent in the period: where they stand now, for which need, and whether the
    receiving office answered (accepted or declined) within its response time."""
    sent = _sent(ctx)
    answer = case(
        (
            sent.c.answered_at.is_(None)
            & (sent.c.status == "sent")
            & (sent.c.respond_by < ctx.now),
            literal("overdue"),
        ),
        (sent.c.answered_at.is_(None), literal("open")),
        (sent.c.answered_at <= sent.c.respond_by, literal("in_time")),
        else_=literal("late"),
    )
    source = _source(sent, sent.c.sent_at)
    count = [func.count(sent.c.id)]
    rows = []
    for breakdown in (
        Breakdown("status", sent.c.status),
        Breakdown("need", sent.c.need),
        Breakdown("answer", answer),
    ):
        rows += grouped(source, ctx.year, count, breakdown=breakdown)
    return cubes.build(
        "referrals",
        ctx.year,
        rows,
        cubes.Shape(area_kinds=AREA_KINDS, additive_breakdowns=("status", "need", "answer")),
        areas=ctx.areas(*AREA_KINDS),
        categories=[
            cubes.ALL,
            *[("status", s) for s in STATUSES],
            *[("need", n) for n in NEED_AREAS],
            *[("answer", a) for a in ANSWERS],
        ],
        min_cell=ctx.min_cell,
    )


def referral_turnaround(ctx: Context) -> cubes.Cube:
    """Days from sending to acceptance (for referrals accepted in the period) and to
    completion (completed in the period): median and 90th percentile."""
    sent = _sent(ctx)
    rows = []
    for step, at in (("accept", sent.c.accepted_at), ("complete", sent.c.completed_at)):
        source = _source(sent, at)
        rows += quantile_rows(
            source,
            ctx.year,
            days_between(at, sent.c.sent_at),
            breakdown=Breakdown("step", literal(step, String)),
        )
    return cubes.build_quantiles(
        "referral_turnaround",
        ctx.year,
        rows,
        areas=ctx.areas(*AREA_KINDS),
        categories=[("step", "accept"), ("step", "complete")],
        min_cell=ctx.min_cell,
    )
