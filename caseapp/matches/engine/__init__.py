"""The pure matching engine: profiles in, proposals with reasons out; no Flask, no database.

`caseapp.matches` is the workflow around it (waiting lists, rounds, decisions, matches);
`caseapp.matches.adapters` turns database rows into the engine's inputs. The modules:
vocabulary (language levels, time slots, words), scoring (hard constraints and soft scores of
one pair), encoding (a whole round's profiles as arrays), features (candidate pairs and their
scores on those arrays), pruning, bound, explain (why someone stayed unmatched), flow (min-cost
flow) and solver (a round).
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
