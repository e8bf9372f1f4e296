"""Comparing two person records: name, birth date, sex and original-script evidence."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from caseapp.people.namematch.evidence import (
    Evidence,
    chance_terms,
    evidence_terms,
    frequency_terms,
    tier_of,
)
from caseapp.people.namematch.phonetic import (
    gendered_variant,
    one_typing_error,
    similarity_row,
    token_similarity,
    token_skeleton,
    typing_error_in_variant,
)
from caseapp.people.namematch.script import tokenise

DUPLICATE_THRESHOLD = 0.75
# Two tokens below this similarity are different names (Hassan/Hussein 0.55, Ali/Aliya 0.35).
TOKEN_MATCH = 0.8
# Many refugees' papers say 01.01.YYYY because the real day is unknown.
PLACEHOLDER_DAY = (1, 1)

# Evidence in log-odds; the score is the logistic of their sum. Tuned so that a full name
# (variants allowed) with the same birth year alone just passes the threshold, and a
# different full birth date can never be outweighed (see the bound in `dates_rule_out`).
_BASE = 0.5
_SAME_DATE = 3.0
_SAME_YEAR = 1.2
_CLOSE_YEAR = -0.6
DIFFERENT_DATE = -4.0
_FAR_YEARS = -6.0
_NO_DATE = -0.3
_VARIANT = -0.15
_WEAK_VARIANT = -0.5
_MISSING_NAME = -0.9
_MISSING_FAMILY_NAME = -1.2
_SWAPPED = -0.3
_TYPING_ERROR = -1.2  # like a missing family name: a name that only nearly agrees
_THREE_NAMES = 0.4
_SINGLE_NAME = -1.0
_SCRIPT_ONLY = -0.8
_DIFFERENT_NAME = -6.0
_SAME_SEX = 0.2
_DIFFERENT_SEX = -2.0
_ORIGINAL_MATCH = 0.5  # mostly repeats what the Latin names say
_ORIGINAL_MISMATCH = -1.5
_INCOMPATIBLE_CAP = 0.2
_MUHAMMAD = "mhmt"
# Latin names that disagree only in spelling, not by a name missing on one side.
_SPELLING_FAILURES = {("different_given_name",), ("different_family_name",)}


@dataclass(frozen=True)
class PersonFacts:
    """What duplicate detection knows about a person; adapters build it from ORM rows."""

    id: int
    given_name: str  # Latin script as in the passport, may hold several names
    family_name: str
    original_name: str = ""  # full name in the original script, e.g. "محمد الحسن"
    birth_year: int | None = None
    birth_month: int | None = None  # None when only the year is known
    birth_day: int | None = None
    sex: str = ""  # "f", "m", "x" or "" unknown
    evidence: Evidence | None = None  # phone, e-mail, household …; None: names and dates only


@dataclass(frozen=True)
class Comparison:
    """Score 0..1 and the machine-readable reasons behind it (for the review screen)."""

    score: float
    reasons: tuple[str, ...]

    @property
    def likely_duplicate(self) -> bool:
        return self.score >= DUPLICATE_THRESHOLD

    @property
    def tier(self) -> str:
        """ "certain", "possible", "name_only" or "" (see evidence.tier_of)."""
        return tier_of(self.score, self.reasons)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A person's facts tokenised once, so that scans compare without re-parsing."""

    id: int
    tokens: tuple[str, ...]  # given-name tokens first, then family-name tokens
    n_given: int
    original: tuple[str, ...]
    year: int | None
    month: int | None
    day: int | None
    sex: str
    evidence: Evidence | None = None


def prepare(facts: PersonFacts) -> Prepared:
    given = tokenise(facts.given_name or "")
    family = tokenise(facts.family_name or "")
    month = facts.birth_month if facts.birth_year is not None else None
    return Prepared(
        id=facts.id,
        tokens=given + family,
        n_given=len(given),
        original=tokenise(facts.original_name or ""),
        year=facts.birth_year,
        month=month,
        day=facts.birth_day if month is not None else None,
        sex=(facts.sex or "").strip().lower()[:1],
        evidence=facts.evidence,
    )


prepare_cached = lru_cache(maxsize=8192)(prepare)


def years_compatible(a: int | None, b: int | None) -> bool:
    """False when both years are known and more than one apart: never the same person."""
    return a is None or b is None or abs(a - b) <= 1


def birth_evidence(a: Prepared, b: Prepared) -> tuple[float, tuple[str, ...]]:
    if a.year is None or b.year is None:
        return _NO_DATE, ("no_birth_date",)
    gap = abs(a.year - b.year)
    if gap > 1:
        return _FAR_YEARS, ("different_birth_date",)
    placeholder_a = (a.month, a.day) == PLACEHOLDER_DAY
    placeholder_b = (b.month, b.day) == PLACEHOLDER_DAY
    full_a = a.day is not None and not placeholder_a
    full_b = b.day is not None and not placeholder_b
    if full_a and full_b:
        if gap == 0 and (a.month, a.day) == (b.month, b.day):
            return _SAME_DATE, ("same_birth_date",)
        return DIFFERENT_DATE, ("different_birth_date",)
    known_months = a.month is not None and b.month is not None
    if known_months and not (placeholder_a or placeholder_b) and a.month != b.month and gap == 0:
        return DIFFERENT_DATE, ("different_birth_date",)
    vague = ("placeholder_birth_date",) if placeholder_a or placeholder_b else ()
    if a.month is None or b.month is None:
        vague += ("birth_year_only",)
    if gap == 1:
        return _CLOSE_YEAR, ("close_birth_year", *vague)
    return _SAME_YEAR, ("same_birth_year", *vague)


def dates_rule_out(a: Prepared, b: Prepared) -> bool:
    """True when the birth dates alone keep the pair below the threshold, whatever the names.

    The best the other evidence can add is name +0.4, sex +0.2, original script +0.5; with the
    base 0.5 and a different date (-4.0) that is a logit of -2.4, a score of 0.08.
    """
    return birth_evidence(a, b)[0] <= DIFFERENT_DATE


# An article or linking vowel kept where a compound is written as one word: Nour El Houda /
# Nourelhouda, Nour Eddine / Noureddine.
_JUNCTIONS = ("el", "al", "ul", "il", "ed", "ad", "ud", "e", "a", "u")


def _without_junction(token: str, at: int) -> set[str]:
    return {
        token[:k] + token[k + len(j) :]
        for k in (at - 1, at, at + 1)
        for j in _JUNCTIONS
        if k >= 2 and token[k : k + len(j)] == j and len(token) - k - len(j) >= 3
    }


def _merge_joined(tokens: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...]:
    """Join neighbours written as one name on the other side: Ahmad Shah / Ahmadshah."""
    starts = {t[:2] for t in other}
    longest = max(len(t) for t in other)
    for i in range(len(tokens) - 1):
        if tokens[i][:2] not in starts or len(tokens[i]) + len(tokens[i + 1]) > longest + 3:
            continue  # most pairs reach here with plainly different names
        joined = tokens[i] + tokens[i + 1]
        for t in other:
            if t[:2] != joined[:2]:
                continue
            if token_similarity(joined, t) >= 0.95 or any(
                token_similarity(joined, u) >= 0.95 for u in _without_junction(t, len(tokens[i]))
            ):
                return (*tokens[:i], joined, *tokens[i + 2 :])
    return tokens


def _align(ta, tb, ga: int, gb: int) -> dict[int, tuple[int, float]] | None:
    """Greedy one-to-one token matching, preferring the same field and position on ties.

    None when the first name of either side has no counterpart: a son who carries his
    father's name as a middle name, or a brother who shares it, never passes.
    """
    first = similarity_row(ta[0], tb)
    if max(first) < TOKEN_MATCH:
        return None
    rows = [first] + [similarity_row(x, tb) for x in ta[1:]]
    if max(row[0] for row in rows) < TOKEN_MATCH:
        return None
    candidates = [
        (sim + 0.002 * ((i < ga) == (j < gb)) + 0.001 * (i == j), sim, i, j)
        for i, row in enumerate(rows)
        for j, sim in enumerate(row)
        if sim >= TOKEN_MATCH
    ]
    candidates.sort(reverse=True)
    matched: dict[int, tuple[int, float]] = {}
    used_b: set[int] = set()
    for _, sim, i, j in candidates:
        if i not in matched and j not in used_b:
            matched[i] = (j, sim)
            used_b.add(j)
    return matched if 0 in matched and 0 in used_b else None


def _name_terms(ta, tb, ga: int, gb: int) -> tuple[float, tuple[str, ...]]:
    matched = _align(ta, tb, ga, gb)
    if matched is None:
        return _DIFFERENT_NAME, ("different_given_name",)
    matched_b = {j for j, _ in matched.values()}
    missing_a = [i for i in range(len(ta)) if i not in matched]
    missing_b = [j for j in range(len(tb)) if j not in matched_b]
    if missing_a and missing_b:
        family_gap = any(i >= ga for i in missing_a) or any(j >= gb for j in missing_b)
        return _DIFFERENT_NAME, (
            "different_family_name" if family_gap else "different_middle_name",
        )
    single = len(ta) == 1 and len(tb) == 1
    if len(matched) < 2 and not single:
        return _DIFFERENT_NAME, ("one_shared_name",)

    term, reasons = 0.0, []
    sims = [sim for _, sim in matched.values()]
    for sim in sims:
        term += 0.0 if sim == 1.0 else _VARIANT if sim >= 0.9 else _WEAK_VARIANT
    swapped = matched[0][0] != 0
    if not swapped and not missing_a and not missing_b and min(sims) == 1.0 and ga == gb:
        reasons.append("same_name")
    if min(sims) < 1.0:
        reasons.append("name_variant")
    if swapped:
        term += _SWAPPED
        reasons.append("swapped_names")
    if missing_a or missing_b:
        family_gap = any(i >= ga for i in missing_a) or any(j >= gb for j in missing_b)
        term += (_MISSING_FAMILY_NAME if family_gap else _MISSING_NAME) * (
            len(missing_a) + len(missing_b)
        )
        reasons.append("missing_family_name" if family_gap else "missing_middle_name")
    if len(matched) >= 3:
        term += _THREE_NAMES
    if single:
        term += _SINGLE_NAME
    return term, tuple(reasons)


def _same_full_date(a: Prepared, b: Prepared) -> bool:
    return (
        a.day is not None
        and (a.year, a.month, a.day) == (b.year, b.month, b.day)
        and (a.month, a.day) != PLACEHOLDER_DAY
    )


def name_evidence(
    a: Prepared, b: Prepared, variant_typos: bool = False
) -> tuple[float, tuple[str, ...]]:
    """`variant_typos`: also look for a typing error in a spelling variant (Mhuamed for
    Muhamed) — dearer, and only worth it where strong evidence could list the pair
    (review.assess asks for it then)."""
    # A shortened compound name is only believed with the same full date: otherwise it is
    # as likely a son who carries his father's name.
    names = _names(a.tokens, a.n_given, b.tokens, b.n_given, _same_full_date(a, b))
    if variant_typos and names[0] == _DIFFERENT_NAME and names[1] != ("no_name",):
        return _variant_typing_error(a.tokens, a.n_given, b.tokens, b.n_given) or names
    return names


@lru_cache(maxsize=65536)  # a register holds the same name pairs many times over
def _names(ta, ga: int, tb, gb: int, short_ok: bool = False) -> tuple[float, tuple[str, ...]]:
    if not ta or not tb:
        return _DIFFERENT_NAME, ("no_name",)
    given_a, given_b = ga, gb
    result = _name_terms(ta, tb, ga, gb)
    if result[0] == _DIFFERENT_NAME and len(ta) != len(tb):
        merged_a, merged_b = _merge_joined(ta, tb), _merge_joined(tb, ta)
        if (merged_a, merged_b) != (ta, tb):
            ga -= len(ta) - len(merged_a)
            gb -= len(tb) - len(merged_b)
            result = _name_terms(merged_a, merged_b, ga, gb)
    if short_ok and result[1] == ("different_given_name",):
        # "Mohammad Nabi" is often registered as "Nabi": the honorific first element of a
        # compound given name may be left out, at the price of a missing name.
        for (xs, gx), (ys, gy) in (((ta, ga), (tb, gb)), ((tb, gb), (ta, ga))):
            if gx >= 2 and token_skeleton(xs[0]) == _MUHAMMAD:
                term, reasons = _name_terms(xs[1:], ys, gx - 1, gy)
                if term != _DIFFERENT_NAME:
                    extra = tuple(r for r in reasons if r != "same_name")
                    return term + _MISSING_NAME, ("shortened_given_name", *extra)
    if result[0] == _DIFFERENT_NAME and result[1] != ("no_name",):
        return _typing_error(ta, given_a, tb, given_b) or result
    return result


@lru_cache(maxsize=16384)
def _variant_typing_error(ta, ga: int, tb, gb: int) -> tuple[float, tuple[str, ...]] | None:
    return _typing_error(ta, ga, tb, gb, typing_error_in_variant) or _typing_error(
        tb, gb, ta, ga, typing_error_in_variant
    )


def _typing_error(
    ta, ga: int, tb, gb: int, slip=one_typing_error
) -> tuple[float, tuple[str, ...]] | None:
    """The names, if one token on one side were typed like its counterpart on the other
    (Noor/Nooa; with `slip` typing_error_in_variant, like a spelling variant of it): everything
    else must agree by the usual rules. evidence.tier_of lists such a pair only with evidence
    a namesake would not share, and never proposes a merge."""
    for x in ta:
        for j, y in enumerate(tb):
            if x[0] != y[0] or x == y or not slip(x, y):
                continue  # the first test is the scan's usual case, inlined
            term, reasons = _name_terms(ta, (*tb[:j], x, *tb[j + 1 :]), ga, gb)
            if term != _DIFFERENT_NAME:
                extra = tuple(r for r in reasons if r != "same_name")
                return term + _TYPING_ERROR, ("typing_error", *extra)
    return None


def original_evidence(a: Prepared, b: Prepared) -> tuple[float, tuple[str, ...]]:
    """Names in the original script agree or contradict; silent when one side has none."""
    oa, ob = a.original, b.original
    if not oa or not ob:
        return 0.0, ()
    short, long_ = sorted((oa, ob), key=len)
    found = sum(1 for t in short if max(token_similarity(t, u) for u in long_) >= 0.9)
    first = token_similarity(oa[0], ob[0])
    if first >= 0.9 and found == len(short):
        return (_ORIGINAL_MATCH if len(short) >= 2 else 0.3), ("original_script_match",)
    if first < TOKEN_MATCH or 2 * found < len(short):
        return _ORIGINAL_MISMATCH, ("original_script_mismatch",)
    return 0.0, ()


def names_rule_out(a: Prepared, b: Prepared, name: tuple[float, tuple[str, ...]]) -> bool:
    """True when the names alone keep the pair below the threshold (no original script to
    rescue a spelling the Latin rules cannot bridge): logit at most 0.5 - 6 + 3 + 0.2."""
    return name[0] == _DIFFERENT_NAME and not (a.original and b.original)


def _gendered(a: Prepared, b: Prepared) -> bool:
    given_a, given_b = a.tokens[: a.n_given] or a.tokens, b.tokens[: b.n_given] or b.tokens
    return any(gendered_variant(x, y) for x in given_a for y in given_b)


def compare_prepared(
    a: Prepared,
    b: Prepared,
    birth: tuple[float, tuple[str, ...]] | None = None,
    names: tuple[float, tuple[str, ...]] | None = None,
    name_count: int | None = None,
) -> Comparison:
    """The full comparison; `name_count` is how many persons in the register carry the
    pair's name (the scan knows it), for the rare/common name evidence."""
    birth, birth_reasons = birth or birth_evidence(a, b)
    name, name_reasons = names or name_evidence(a, b)
    original, original_reasons = original_evidence(a, b)
    if original == _ORIGINAL_MATCH and name_reasons in _SPELLING_FAILURES:
        # Latin renderings too far apart (Diaa/Ziya) but the same name in Arabic script.
        name, name_reasons = _SCRIPT_ONLY, ()
    sex, sex_reasons = 0.0, ()
    if a.sex and b.sex:
        if a.sex == b.sex:
            sex = _SAME_SEX
        elif {a.sex, b.sex} == {"f", "m"}:
            sex, sex_reasons = _DIFFERENT_SEX, ("different_sex",)
            if _gendered(a, b):  # Emin and Emine, Amine and Amina: brother and sister
                name, name_reasons = _DIFFERENT_NAME, ("different_given_name",)
    more, more_reasons = evidence_terms(a.evidence, b.evidence)
    if name == _DIFFERENT_NAME or birth <= DIFFERENT_DATE:
        # A family shares phone, address and arrival: that never makes siblings, or father
        # and son, one person. Only evidence against counts then.
        more = min(more, 0.0)
    else:
        frequency, frequency_reasons = frequency_terms(name_count)
        more += frequency
        more_reasons += frequency_reasons
        more_reasons += chance_terms(name_count, birth_reasons + more_reasons)
    logit = _BASE + name + birth + sex + original + more
    score = 1.0 / (1.0 + math.exp(-logit))
    if not years_compatible(a.year, b.year):
        score = min(score, _INCOMPATIBLE_CAP)
    return Comparison(
        round(score, 4),
        (*name_reasons, *birth_reasons, *sex_reasons, *original_reasons, *more_reasons),
    )


def compare(a: PersonFacts, b: PersonFacts) -> Comparison:
    """How likely two records describe the same person, with the reasons."""
    return compare_prepared(prepare_cached(a), prepare_cached(b))
