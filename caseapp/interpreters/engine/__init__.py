"""The pure interpreter round: needs and interpreters in, proposals with reasons out.

No Flask, no database: `caseapp.interpreters.adapters` turns rows into these dataclasses.
criteria: hard criteria and soft score of one pair; solver: the round (branch and bound
around the matching engine's min-cost flow `assign`).
"""

from caseapp.interpreters.engine.criteria import (
    HARD_CRITERIA,
    IN_PERSON,
    MODES,
    PHONE,
    VIDEO,
    Booking,
    Interpreter,
    Need,
    Settings,
    clash,
    failures,
    score,
)
from caseapp.interpreters.engine.solver import Proposal, RoundPlan, Unmatched, plan_round

__all__ = [
    "HARD_CRITERIA",
    "IN_PERSON",
    "MODES",
    "PHONE",
    "VIDEO",
    "Booking",
    "Interpreter",
    "Need",
    "Proposal",
    "RoundPlan",
    "Settings",
    "Unmatched",
    "clash",
    "failures",
    "plan_round",
    "score",
]
