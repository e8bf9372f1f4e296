"""The pure matching engine: profiles in, proposals with reasons out; no Flask, no database.

`caseapp.matches` is the workflow around it (waiting lists, rounds, decisions, matches);
`caseapp.matches.adapters` turns database rows into the engine's inputs. The modules:
scoring (hard constraints and soft scores of one pair), features (the same for a whole round
on arrays), pruning, explain (why someone stayed unmatched) and solver (min-cost flow, a round).
"""

from caseapp.matches.engine.explain import NearMiss, Unmatched
from caseapp.matches.engine.solver import (
    SCALE,
    Proposal,
    RoundResult,
    assign,
    greedy_assign,
    run_round,
)

__all__ = [
    "SCALE",
    "NearMiss",
    "Proposal",
    "RoundResult",
    "Unmatched",
    "assign",
    "greedy_assign",
    "run_round",
]
