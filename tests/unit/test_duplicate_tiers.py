"""Review tiers from evidence beyond names (issue 20): the labelled pairs with contacts and
name counts (tests/data/evidence_pairs.csv), and each rule with evidence for and against."""

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from caseapp.people.namematch import PersonFacts, compare
from caseapp.people.namematch.evidence import CERTAIN, Evidence, chance_terms
from caseapp.people.namematch.phonetic import one_typing_error
from caseapp.people.namematch.review import assess
from caseapp.people.namematch.scoring import prepare

EVIDENCE_CSV = Path(__file__).resolve().parent.parent / "data" / "evidence_pairs.csv"


def _facts(pid, given, family, born="", sex="", **evidence):
    parts = [int(p) for p in born.split("-")] if born else []
    year, month, day = [*parts, None, None, None][:3]
    return PersonFacts(pid, given, family, "", year, month, day, sex, Evidence(**evidence))


def _rows():
    with EVIDENCE_CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _side(row, side, pid):
    arrived = row[f"{side}_arrived"]
    return prepare(
        _facts(
            pid,
            row[f"{side}_given"],
            row[f"{side}_family"],
            row[f"{side}_birth"],
            row[f"{side}_sex"],
            phone=row[f"{side}_phone"],
            address=row[f"{side}_address"],
            arrived=date.fromisoformat(arrived).toordinal() if arrived else None,
        )
    )


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["note"][:40])
def test_labelled_pairs_with_evidence_fall_into_their_tier(row):
    result = assess(_side(row, "a", 1), _side(row, "b", 2), int(row["name_count"]))
    tier = result.tier if result else ""
    assert tier == row["expected"], (result, row["note"])
    if row["label"] == "0":
        assert tier != CERTAIN


def test_the_labelled_set_with_evidence_has_both_kinds_for_each_rule():
    rows = _rows()
    for kind in {r["kind"] for r in rows}:
        labels = {r["label"] for r in rows if r["kind"] == kind}
        assert labels == {"0", "1"}, kind


def test_the_same_address_makes_a_name_most_do_not_carry_almost_certain():
    a = prepare(_facts(1, "Olena", "Vamopeuk", "1982-03-03", "f", address="gartenweg3|58706"))
    b = prepare(_facts(2, "Olena", "Wamopeuk", "1982", "f", address="gartenweg3|58706"))
    elsewhere = prepare(_facts(2, "Olena", "Wamopeuk", "1982", "f", address="gartenweg5|58706"))
    assert assess(a, b, 3).tier == "certain" and "same_address" in assess(a, b, 3).reasons
    assert assess(a, elsewhere, 3).tier == "name_only"


def test_the_same_address_among_hundreds_of_namesakes_is_only_possible():
    shelter = "unterkunft1|58762"
    a = prepare(_facts(1, "Mohammed", "Ahmad", "1990", "m", address=shelter))
    b = prepare(_facts(2, "Muhammad", "Ahmad", "1990-01-01", "m", address=shelter))
    assert assess(a, b, 400).tier == "possible"
    # With a second independent agreement it is almost certain again.
    c = prepare(_facts(1, "Mohammed", "Ahmad", "1990", "m", address=shelter, phone="17123"))
    d = prepare(_facts(2, "Muhammad", "Ahmad", "1990-01-01", "m", address=shelter, phone="17123"))
    assert assess(c, d, 400).tier == "certain"


def test_a_shared_address_never_makes_relatives_one_person():
    home = {"address": "lennestrasse5|58762", "phone": "1712345"}
    twins = compare(
        _facts(1, "Hassan", "Haddad", "2012-06-01", "m", **home),
        _facts(2, "Hussein", "Haddad", "2012-06-01", "m", **home),
    )
    father_son = compare(
        _facts(1, "Ahmad", "Karimi", "1960-01-01", "m", **home),
        _facts(2, "Ahmad", "Karimi", "1988-01-01", "m", **home),
    )
    assert twins.tier == "" and father_son.tier == ""


def test_a_name_only_two_carry_needs_a_birth_year_on_both_and_no_name_left_out():
    both = [prepare(_facts(i, "Xebat", "Kejo", "1990", "m")) for i in (1, 2)]
    assert assess(*both, 2).tier == "possible"
    undated = [prepare(_facts(i, "Xebat", "Kejo", "", "m")) for i in (1, 2)]
    result = assess(*undated, 2)
    assert "rare_name" in result.reasons and result.tier == "name_only"
    longer = prepare(_facts(1, "Ahmad Mohammad", "Tajik", "1999-01-01", "m"))
    shorter = prepare(_facts(2, "Ahmad", "Tajik", "1999", "m"))
    assert assess(longer, shorter, 2).tier == "name_only"


def test_a_name_left_out_with_the_same_full_date_is_almost_certain():
    a = _facts(1, "Mohammed Ali", "Hassan", "1987-10-02", "m")
    b = _facts(2, "Mohammed", "Hassan", "1987-10-02", "m")
    result = compare(a, b)
    assert "missing_middle_name" in result.reasons and result.tier == "certain"
    year_only = compare(a, replace(b, birth_month=None, birth_day=None))
    assert year_only.tier != "certain"


def test_one_typing_error_is_one_keystroke_but_not_the_first_letter_or_a_gendered_ending():
    for a, b in [("noor", "nooa"), ("ahmad", "ahmda"), ("diaa", "dia"), ("andrii", "andrim")]:
        assert one_typing_error(a, b) and one_typing_error(b, a), (a, b)
    for a, b in [
        ("rami", "sami"),  # first letter
        ("karim", "karima"),  # a brother's and a sister's name
        ("ali", "aly"),  # too short to tell
        ("fatema", "faitma"),  # two keystrokes
        ("noor", "noor"),
    ]:
        assert not one_typing_error(a, b), (a, b)


def test_a_typing_error_is_possible_with_strong_evidence_and_never_certain():
    noor = prepare(_facts(1, "Noor", "Haddad", "1990-03-04", "f", phone="1712", email="n@x.de"))
    nooa = prepare(_facts(2, "Nooa", "Haddad", "1990-03-04", "f", phone="1712", email="n@x.de"))
    result = assess(noor, nooa, 3)
    assert "typing_error" in result.reasons and result.score >= 0.93
    assert result.tier == "possible"
    year_only = [
        prepare(_facts(i, n, "Haddad", "1990", "f")) for i, n in ((1, "Noor"), (2, "Nooa"))
    ]
    assert assess(*year_only, 3).tier == "name_only"
    # Evidence against still rules the pair out.
    same_home = [
        prepare(_facts(i, n, "Haddad", "1990-03-04", "f", household_id=7))
        for i, n in ((1, "Noor"), (2, "Nooa"))
    ]
    assert assess(*same_home, 3).tier == ""
    # Without the rule, a letter off in a short name is a different name.
    assert (
        assess(
            prepare(_facts(1, "Rami", "Haddad", "1990-03-04", "m")),
            prepare(_facts(2, "Sami", "Haddad", "1990-03-04", "m")),
            3,
        )
        is None
    )


def test_a_shared_date_counts_until_a_namesake_would_share_it_by_chance():
    def tier(count, a_born, b_born, **evidence):
        a = prepare(_facts(1, "Ahmad", "Khalil", a_born, "m", **evidence))
        b = prepare(_facts(2, "Ahmed", "Khalil", b_born, "m", **evidence))
        result = assess(a, b, count)
        return result.tier, "chance_agreement" in result.reasons

    # The full date of birth: one in 16,000; up to 39 carriers (38 namesakes) it is enough.
    assert tier(39, "1990-05-06", "1990-05-06") == ("certain", False)
    assert tier(40, "1990-05-06", "1990-05-06") == ("possible", True)
    # The arrival day: one in 1,200, times one in 15 for a compatible birth year.
    arrival = date(2015, 10, 12).toordinal()
    assert tier(44, "1985", "1985-01-01", arrived=arrival) == ("certain", False)
    assert tier(45, "1985", "1985-01-01", arrived=arrival) == ("possible", True)
    # With no birth date the arrival day alone is chance already among four carriers.
    assert tier(3, "", "", arrived=arrival)[1] is False
    assert tier(4, "", "", arrived=arrival)[1] is True
    # Two agreements by chance at once are rare even for a common name.
    assert tier(400, "1990-05-06", "1990-05-06", arrived=arrival) == ("certain", False)
    # A phone number is never a namesake's.
    assert tier(400, "1985", "1985-01-01", phone="1712") == ("certain", False)


def test_without_a_name_count_nothing_is_put_down_to_chance():
    assert chance_terms(None, ("same_birth_date",)) == ()
    assert chance_terms(1000, ("same_birth_date", "same_phone")) == ()
    assert chance_terms(1000, ("same_birth_date",)) == ("chance_agreement",)


def test_the_new_reasons_have_a_text_on_the_review_page():
    from caseapp.people.templating import REASON_TEXTS

    assert {"typing_error", "chance_agreement"} <= REASON_TEXTS.keys()
