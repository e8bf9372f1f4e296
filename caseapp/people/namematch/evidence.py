"""Evidence beyond names and birth dates, and the review tiers it decides (pure).

Names and a birth year agree for many different people with a common name: two Mohammed
Ahmads born in 1990 are usually two men. What tells a re-registration from a namesake is
what else the records share — a phone number, an e-mail address, an address, the arrival
date, the other members of the household, the place of birth, the parents' names, the AZR
number another authority gave — and what they cannot share: two records in the same
household are two people, so are two records that attended appointments at the same time, and so are two different AZR numbers, two different mothers or
fathers, and (less surely) two certain, different nationalities or places of birth.

Every term is a log-odds added to the name and date evidence (scoring.compare_prepared);
each is shown as a reason. The weights are set so that one strong agreement (phone, e-mail)
lifts a name + year match into "almost certainly" and one hard contradiction (same
household) rules a pair out whatever the names say; `benchmarks/tiers.py` checks them
against the labelled pairs and the duplicate benchmark's generator.
"""

from __future__ import annotations

from dataclasses import dataclass

from caseapp.people.namematch.phonetic import token_similarity

# Tiers, with the meaning the review page states.
CERTAIN = "certain"  # almost certainly the same person: a merge can be proposed
POSSIBLE = "possible"  # possibly the same person: needs a look
NAME_ONLY = "name_only"  # only the name (and a compatible birth year) agree: not listed by default
TIERS = (CERTAIN, POSSIBLE, NAME_ONLY)

# Score thresholds, from the labelled pairs (benchmarks/tiers.py prints how they were chosen).
# 0.93: no labelled pair of different persons scores above 0.87, and the labelled pairs
# with the same full date and one name left out (a father's name, a compound's second part)
# score 0.934-0.943, which is "almost certainly" with the full date.
CERTAIN_SCORE = 0.93
POSSIBLE_SCORE = 0.75
NAME_ONLY_SCORE = 0.6

# Reasons that say more than "same name, compatible birth year": a pair needs one of them to
# be listed for review (CERTAIN or POSSIBLE).
SUPPORT = frozenset(
    {
        "same_birth_date",
        "same_phone",
        "same_email",
        "same_address",
        "same_arrival",
        "household_members",
        "original_script_match",
        "rare_name",
        "same_azr",
        "same_birth_place",
        "same_father",
        "same_mother",
    }
)
# Strong enough on their own, with the names, to propose a merge. The full date of birth,
# the arrival date and the street address only when not many others carry the name (see
# CHANCE): a shared accommodation houses hundreds, and among them namesakes of a common name.
STRONG = frozenset(
    {
        "same_birth_date",
        "same_phone",
        "same_email",
        "same_arrival",
        "household_members",
        "same_address",
        "same_azr",
        "same_father",
        "same_mother",
    }
)
# How often two different persons agree by chance on a piece of evidence that is not theirs
# alone: the full date of birth (365 days x some 45 birth years), the arrival date within a
# day (3 days in some ten years of arrivals), the street address (one in 500: a shared
# accommodation houses hundreds of a municipality's newcomers), and a birth year at most one
# apart when a date is vague (3 years in 45). Phone, e-mail and household members are
# shared by a family, never by a namesake (the name rules keep relatives apart).
# The place of birth and the parents' given names are shared by many: a town's namesakes were
# often born in the same city (one in eight), and a common name's carriers often have a father
# or mother of a common name (one in fifteen or twenty). They multiply with the rest, so a
# birthday with the same place of birth or mother counts for a commoner name than alone.
CHANCE = {
    "same_birth_date": 1 / 16_000,
    "same_arrival": 1 / 1_200,
    "same_address": 1 / 500,
    "same_birth_place": 1 / 8,
    "same_father": 1 / 15,
    "same_mother": 1 / 20,
}
_VAGUE_YEAR_CHANCE = 1 / 15
# Expected namesakes who share the evidence by chance, (name count - 1) x its chance, above
# which it is not enough on its own to propose a merge. 0.0024 keeps the rule the labelled
# pairs were checked with (the full date alone, for a name up to 39 persons carry) and
# treats the arrival date and the address by the same measure instead of a fixed count.
CHANCE_LIMIT = 0.0024
_SURE = frozenset({"same_phone", "same_email", "household_members", "same_azr"})
# "Only these two carry the name" says little when one record has no birth date (then the
# name alone is compared) or leaves a name out (then the shorter name is the common one).
_RARE_UNSURE = frozenset(
    {"no_birth_date", "missing_middle_name", "missing_family_name", "shortened_given_name"}
)

_SAME_PHONE = 2.5
_SAME_EMAIL = 3.0
_SAME_ADDRESS = 1.5  # strong like the arrival date, for names most do not carry (see STRONG)
_SAME_ARRIVAL = 1.5
_DIFFERENT_ARRIVAL = -0.8
_HOUSEHOLD_MEMBERS = 1.5
_SAME_HOUSEHOLD = -8.0  # two members of one household are two people
_SHARED_NATIONALITY = 0.2
_DIFFERENT_NATIONALITY = -1.5
_SAME_AZR = 4.0  # issued once per person by the Central Register of Foreigners
_DIFFERENT_AZR = -4.0  # two numbers, two persons: ruled out (RULED_OUT)
_SAME_BIRTH_PLACE = 0.7
_DIFFERENT_BIRTH_PLACE = -0.7  # a place has several spellings (Aleppo, Halab): a penalty only
_SAME_PARENT = 1.2
_DIFFERENT_PARENT = -4.0  # a person has one mother and one father: ruled out (RULED_OUT)
_NAME_MATCH = 0.8  # scoring.TOKEN_MATCH: a parent's name or a place spelled as a variant
_ARRIVAL_DAYS = 31  # arrival dates this far apart are different arrivals
# How many persons in the register carry exactly this name. A name nobody else carries makes
# a name + year agreement worth a look ("possibly"), though on the duplicate generator at
# 100,000 persons it was still another person in three pairs of five (benchmarks/tiers.py);
# with a name many carry, even the same full date happens by chance (chance_terms decides
# when that is so; COMMON_NAME only lowers the score). In a small register every name is
# rare: below MIN_REGISTER persons the count says nothing.
RARE_NAME = 2
COMMON_NAME = 40
MIN_REGISTER = 10_000
_RARE = 1.2
_COMMON = -0.6


@dataclass(frozen=True)
class Evidence:
    """What the register knows about a person besides names, dates and sex (adapters fill
    it from the person's row, normalised: phone digits, lower-case e-mail and address)."""

    phone: str = ""
    email: str = ""
    address: str = ""  # street and postcode, normalised
    nationalities: frozenset[str] = frozenset()
    arrived: int | None = None  # date.toordinal() of the arrival in Germany
    household_id: int | None = None
    household_names: frozenset[str] = frozenset()  # other members' normalised given names
    azr: str = ""  # AZR number, digits only
    birth_place: tuple[str, ...] = ()  # the place of birth's tokens (script.tokenise)
    father: str = ""  # the first token of the parents' given names (script.tokenise)
    mother: str = ""
    # (start, end) in seconds of the appointments the person attended: one person is not at
    # two appointments at once (filled by the appointments package, see duplicate_facts).
    attended: tuple[tuple[int, int], ...] = ()


def _at_the_same_time(a: tuple[tuple[int, int], ...], b: tuple[tuple[int, int], ...]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _same_name(a: str, b: str) -> bool:
    """Two names (or places) spelled alike or as variants of one another (Fatima/Fatma), or
    one the beginning of the other: a compound written in full once (Alireza/Ali, Ahmadshah/
    Ahmad) or a doubled vowel left out (Diaa/Dia)."""
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 3 and long_.startswith(short):
        return True
    return a == b or token_similarity(a, b) >= _NAME_MATCH


def _same_place(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Places agree when a word of one matches a word of the other ("Aleppo, Syrien" and
    "Aleppo"); different words are different places, or the same place in another language."""
    return any(_same_name(x, y) for x in a for y in b)


def evidence_terms(a: Evidence | None, b: Evidence | None) -> tuple[float, tuple[str, ...]]:
    """Log-odds and reasons from what both records know; silent where one side is empty."""
    if a is None or b is None:
        return 0.0, ()
    term, reasons = 0.0, []
    if a.household_id is not None and a.household_id == b.household_id:
        return _SAME_HOUSEHOLD, ("same_household",)
    if a.attended and b.attended and _at_the_same_time(a.attended, b.attended):
        return _SAME_HOUSEHOLD, ("attended_same_time",)
    if a.azr and b.azr:
        if a.azr != b.azr:
            return _DIFFERENT_AZR, ("different_azr",)
        term += _SAME_AZR
        reasons.append("same_azr")
    for mine, theirs, same in (
        (a.father, b.father, "same_father"),
        (a.mother, b.mother, "same_mother"),
    ):
        if mine and theirs:
            if _same_name(mine, theirs):
                term += _SAME_PARENT
                reasons.append(same)
            elif "same_azr" not in reasons:  # the AZR number outweighs a misspelt parent
                return _DIFFERENT_PARENT, ("different_parents",)
    if a.birth_place and b.birth_place:
        if _same_place(a.birth_place, b.birth_place):
            term += _SAME_BIRTH_PLACE
            reasons.append("same_birth_place")
        else:
            term += _DIFFERENT_BIRTH_PLACE
            reasons.append("different_birth_place")
    if a.phone and a.phone == b.phone:
        term += _SAME_PHONE
        reasons.append("same_phone")
    if a.email and a.email == b.email:
        term += _SAME_EMAIL
        reasons.append("same_email")
    if a.address and a.address == b.address:
        term += _SAME_ADDRESS
        reasons.append("same_address")
    if a.arrived is not None and b.arrived is not None:
        if abs(a.arrived - b.arrived) <= 1:
            term += _SAME_ARRIVAL
            reasons.append("same_arrival")
        elif abs(a.arrived - b.arrived) > _ARRIVAL_DAYS:
            term += _DIFFERENT_ARRIVAL
            reasons.append("different_arrival")
    if a.household_names & b.household_names:
        term += _HOUSEHOLD_MEMBERS
        reasons.append("household_members")
    if a.nationalities and b.nationalities:
        if a.nationalities & b.nationalities:
            term += _SHARED_NATIONALITY
        else:
            term += _DIFFERENT_NATIONALITY
            reasons.append("different_nationality")
    return term, tuple(reasons)


def usable_count(name_count: int | None, register_size: int) -> int | None:
    """The name count if the register is large enough for it to mean something."""
    return name_count if register_size >= MIN_REGISTER else None


def chance_terms(name_count: int | None, reasons: tuple[str, ...]) -> tuple[str, ...]:
    """("chance_agreement",) when the register holds so many persons with the name that
    one of them would share the agreeing date or address by chance (see CHANCE_LIMIT)."""
    agreeing = [CHANCE[r] for r in reasons if r in CHANCE]
    if name_count is None or not agreeing or _SURE.intersection(reasons):
        return ()
    chance = 1.0
    for p in agreeing:
        chance *= p
    if "same_birth_date" not in reasons and "no_birth_date" not in reasons:
        chance *= _VAGUE_YEAR_CHANCE
    return ("chance_agreement",) if (name_count - 1) * chance > CHANCE_LIMIT else ()


def frequency_terms(name_count: int | None) -> tuple[float, tuple[str, ...]]:
    """Log-odds from how many persons in the register carry the same name."""
    if name_count is None:
        return 0.0, ()
    if name_count <= RARE_NAME:
        return _RARE, ("rare_name",)
    if name_count >= COMMON_NAME:
        return _COMMON, ("common_name",)
    return 0.0, ()


# Reasons that rule a pair out, whatever else agrees.
RULED_OUT = frozenset(
    {
        "different_given_name",
        "different_family_name",
        "different_middle_name",
        "one_shared_name",
        "no_name",
        "different_birth_date",
        "same_household",
        "different_azr",
        "different_parents",
        "attended_same_time",
    }
)


def shares_sure(a: Evidence | None, b: Evidence | None) -> bool:
    """The records share something strong besides the birth date: a phone number, an e-mail
    address, the AZR number, the address, the arrival day or household members' names (what
    a pair with a typing error in its names needs to be listed at all)."""
    if a is None or b is None:
        return False
    if a.arrived is not None and b.arrived is not None and abs(a.arrived - b.arrived) <= 1:
        return True
    return bool(
        (a.phone and a.phone == b.phone)
        or (a.email and a.email == b.email)
        or (a.azr and a.azr == b.azr)
        or (a.address and a.address == b.address)
        or (a.household_names & b.household_names)
    )


def same_azr(a: Evidence | None, b: Evidence | None) -> bool:
    """Both records carry the same AZR number."""
    return bool(a and b and a.azr and a.azr == b.azr)


def tier_of(score: float, reasons: tuple[str, ...]) -> str:
    """The review tier of a compared pair, or "" when it is not worth listing at all."""
    if RULED_OUT.intersection(reasons):
        # One AZR number on two records whose names or dates say "two persons": one of them
        # is written wrong, the number or the name. Worth a look, never a merge proposal.
        return POSSIBLE if "same_azr" in reasons else ""
    support = set(SUPPORT.intersection(reasons))
    if "rare_name" in support and _RARE_UNSURE.intersection(reasons):
        support.discard("rare_name")
    supported = bool(support)
    strong = STRONG.intersection(reasons)
    if "chance_agreement" in reasons:
        strong = strong - CHANCE.keys()  # a namesake would share it by chance
    if "typing_error" in reasons:
        # A name one keystroke away may be another person's real name (Zaid/Ziad): listed
        # only with evidence a namesake would not share, and never proposed for a merge.
        supported = bool(strong)
    elif score >= CERTAIN_SCORE and supported and strong:
        return CERTAIN
    if score >= POSSIBLE_SCORE and supported:
        return POSSIBLE
    if score >= NAME_ONLY_SCORE:
        return NAME_ONLY
    return ""
