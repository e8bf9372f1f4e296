"""Transliteration-tolerant duplicate detection and name search for persons (pure, no Flask)."""

from caseapp.people.namematch.keys import blocking_keys, query_keys
from caseapp.people.namematch.phonetic import skeleton
from caseapp.people.namematch.query import Query, parse_query
from caseapp.people.namematch.scan import find_duplicates, search_score
from caseapp.people.namematch.scoring import (
    DUPLICATE_THRESHOLD,
    Comparison,
    PersonFacts,
    compare,
)
from caseapp.people.namematch.script import normalise
from caseapp.people.namematch.search import explain, search_keys

__all__ = [
    "DUPLICATE_THRESHOLD",
    "Comparison",
    "PersonFacts",
    "Query",
    "blocking_keys",
    "compare",
    "explain",
    "find_duplicates",
    "normalise",
    "parse_query",
    "query_keys",
    "search_keys",
    "search_score",
    "skeleton",
]
