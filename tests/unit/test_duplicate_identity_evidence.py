"""Evidence from the papers (issue 20): the AZR number, the parents' names and the place of
birth, for and against, and how they decide a pair's review tier."""

from caseapp.people.namematch import PersonFacts
from caseapp.people.namematch.evidence import (
    CERTAIN,
    POSSIBLE,
    RULED_OUT,
    Evidence,
    evidence_terms,
)
from caseapp.people.namematch.review import assess, bucket_pairs, review_pairs
from caseapp.people.namematch.scoring import prepare
from caseapp.people.services.duplicate_facts import evidence_of


def _ev(**kw):
    base = {
        "phone_digits": "",
        "email": "",
        "street": "",
        "postcode": "",
        "nationalities": (),
        "arrived": None,
    }
    return evidence_of(**{**base, **kw})


def _pair(count, a_born, b_born, a_kw, b_kw, names=("Mohammed", "Al-Ahmad", "Mohamad", "Ahmad")):
    def facts(pid, given, family, born, kw):
        parts = [int(p) for p in born.split("-")] if born else []
        year, month, day = [*parts, None, None, None][:3]
        return prepare(PersonFacts(pid, given, family, "", year, month, day, "m", _ev(**kw)))

    a = facts(1, names[0], names[1], a_born, a_kw)
    b = facts(2, names[2], names[3], b_born, b_kw)
    return assess(a, b, count)


def test_the_adapter_normalises_what_the_papers_say():
    e = _ev(
        azr_number="1234 5678 9012",
        birth_place="Aleppo, Syrien",
        father_name="Abdul Karim",
        mother_name="Fatma",
    )
    assert e.azr == "123456789012"
    assert e.birth_place == ("aleppo", "syrien")
    assert (e.father, e.mother) == ("abdulkarim", "fatma")  # a compound is one name
    assert _ev() == Evidence(nationalities=frozenset())


def test_the_same_azr_number_makes_even_a_common_name_almost_certain():
    result = _pair(
        900, "1985", "1985-01-01", {"azr_number": "123456789012"}, {"azr_number": "1234 5678 9012"}
    )
    assert result.tier == CERTAIN
    assert "same_azr" in result.reasons and "chance_agreement" not in result.reasons


def test_different_azr_numbers_rule_a_pair_out_whatever_else_agrees():
    same = {"phone_digits": "1715550001", "street": "Lennestr. 5", "postcode": "58762"}
    result = _pair(
        3,
        "1990-05-06",
        "1990-05-06",
        {**same, "azr_number": "123456789012"},
        {**same, "azr_number": "123456789013"},
    )
    assert result is not None and result.tier == ""
    assert "different_azr" in result.reasons and "different_azr" in RULED_OUT


def test_a_different_mother_or_father_rules_out_but_a_spelling_variant_does_not():
    kw = {"phone_digits": "1715550001"}
    apart = _pair(
        3,
        "1990-05-06",
        "1990-05-06",
        {**kw, "mother_name": "Fatima"},
        {**kw, "mother_name": "Amina"},
    )
    assert apart.tier == "" and "different_parents" in apart.reasons
    apart = _pair(3, "1990", "1990", {"father_name": "Ali"}, {"father_name": "Hassan"})
    assert apart.tier == ""
    variant = _pair(
        3,
        "1990-05-06",
        "1990-05-06",
        {**kw, "mother_name": "Fatima"},
        {**kw, "mother_name": "Fatma"},
    )
    assert variant.tier == CERTAIN and "same_mother" in variant.reasons
    for short, full in (("Ali", "Ali Reza"), ("Ahmad", "Ahmadshah"), ("Dia", "Diaa")):
        compound = _pair(3, "1990", "1990", {"father_name": short}, {"father_name": full})
        assert "same_father" in compound.reasons, (short, full)
    # The same AZR number outweighs a parent's name written wrong on one record.
    azr = {"azr_number": "123456789012"}
    typo = _pair(3, "1990", "1990", {**azr, "father_name": "Ali"}, {**azr, "father_name": "Hassan"})
    assert typo.tier == CERTAIN


def test_the_same_parents_count_as_chance_among_many_namesakes():
    parents = {"father_name": "Ali", "mother_name": "Fatima"}
    # Both parents for a name eleven carry: a namesake with both would be a coincidence.
    assert _pair(11, "1985", "1985", parents, parents).tier == CERTAIN
    many = _pair(12, "1985", "1985", parents, parents)
    assert many.tier == POSSIBLE and "chance_agreement" in many.reasons
    # One parent alone with a year only: listed for a look, not proposed for a merge.
    one = _pair(5, "1985", "1985", {"mother_name": "Fatima"}, {"mother_name": "Fatima"})
    assert one.tier == POSSIBLE and "same_mother" in one.reasons
    # In a register too small for name counts, the parent is strong evidence.
    assert (
        _pair(None, "1985", "1985", {"mother_name": "Fatima"}, {"mother_name": "Fatima"}).tier
        == CERTAIN
    )


def test_the_place_of_birth_supports_a_pair_and_lets_a_birthday_count_for_commoner_names():
    born = {"birth_place": "Aleppo"}
    # A name 200 carry: the birthday alone may be chance, the birthday in the same town not.
    alone = _pair(200, "1990-05-06", "1990-05-06", {}, {})
    assert alone.tier == POSSIBLE and "chance_agreement" in alone.reasons
    assert (
        _pair(200, "1990-05-06", "1990-05-06", born, {"birth_place": "Aleppo (Syrien)"}).tier
        == CERTAIN
    )
    # A year and the place: worth a look for a name few carry.
    assert _pair(5, "1990", "1990", born, born).tier == POSSIBLE
    assert _pair(5, "1990", "1990", {}, {}).tier == "name_only"


def test_a_different_place_of_birth_counts_against():
    term, reasons = evidence_terms(_ev(birth_place="Aleppo"), _ev(birth_place="Kabul"))
    assert term < 0 and reasons == ("different_birth_place",)
    term, reasons = evidence_terms(_ev(birth_place="Damaskus"), _ev(birth_place="Damascus"))
    assert term > 0 and reasons == ("same_birth_place",)
    # Missing on one side says nothing.
    assert evidence_terms(_ev(birth_place="Aleppo"), _ev()) == (0.0, ())
    with_place = _pair(
        3,
        "1990-05-06",
        "1990-05-06",
        {"birth_place": "Aleppo", "phone_digits": "1715550001"},
        {"birth_place": "Kabul", "phone_digits": "1715550001"},
    )
    without = _pair(
        3,
        "1990-05-06",
        "1990-05-06",
        {"phone_digits": "1715550001"},
        {"phone_digits": "1715550001"},
    )
    assert with_place.score < without.score


def test_a_common_names_vague_dates_with_one_azr_number_are_compared():
    def person(pid, azr):
        return prepare(
            PersonFacts(pid, "Mohammed", "Ahmad", "", 1985, None, None, "m", _ev(azr_number=azr))
        )

    members = [person(i, "") for i in range(1, 60)] + [
        person(60, "123456789012"),
        person(61, "123456789012"),
    ]
    assert list(bucket_pairs(members)) == []  # a common name's vague dates: contacts only
    found = review_pairs(members)
    assert [(a, b) for a, b, _c in found] == [(60, 61)] and found[0][2].tier == CERTAIN


def test_attending_appointments_at_the_same_time_rules_a_pair_out():
    same = {"phone": "1715550001"}
    a = Evidence(attended=((1000, 2800),), **same)
    assert evidence_terms(a, Evidence(attended=((2800, 4600),), **same))[1] == ("same_phone",)
    assert evidence_terms(a, Evidence(attended=((2000, 3800),), **same))[1] == (
        "attended_same_time",
    )
    assert "attended_same_time" in RULED_OUT


def test_every_reason_the_tiers_weigh_has_a_text():
    from caseapp.people.namematch.evidence import CHANCE, STRONG, SUPPORT
    from caseapp.people.templating import REASON_TEXTS

    assert (RULED_OUT | SUPPORT | STRONG | CHANCE.keys()) <= REASON_TEXTS.keys()


def test_the_new_reasons_have_a_text():
    from caseapp.people.templating import REASON_TEXTS

    new = {
        "same_azr",
        "different_azr",
        "same_birth_place",
        "different_birth_place",
        "same_father",
        "same_mother",
        "different_parents",
    }
    assert new <= REASON_TEXTS.keys()


def test_one_azr_number_on_records_the_rules_call_two_persons_is_worth_a_look():
    azr = {"azr_number": "123456789012"}
    # Names two keystrokes and a transliteration apart: ruled out without the number.
    names = ("Abdulrahman", "Al-Dschasim", "Abdel", "Jasem")
    assert _pair(3, "1979", "1979", {}, {}, names=names) is None
    listed = _pair(3, "1979", "1979", azr, azr, names=names)
    assert listed.tier == POSSIBLE and "same_azr" in listed.reasons
    # Different full dates: one of them, or the number, is written wrong.
    dates = _pair(3, "1979-03-04", "1981-07-08", azr, azr)
    assert dates.tier == POSSIBLE
    # Never proposed for a merge, and one household still means two persons.
    one_home = prepare(
        PersonFacts(1, "Ali", "Saleh", "", 1990, None, None, "m", Evidence(azr="1", household_id=5))
    )
    other = prepare(
        PersonFacts(2, "Ali", "Saleh", "", 1990, None, None, "m", Evidence(azr="1", household_id=5))
    )
    assert assess(one_home, other, 3).tier == ""


def test_a_typing_error_in_a_spelling_variant_is_listed_only_with_sure_evidence():
    from caseapp.people.namematch.phonetic import typing_error_in_variant

    # One keystroke from a variant of the other: Mhuamed is Muhamed (Mohammed's variant)
    # with two letters swapped; Ahmeb is Ahmed (Ahmad's) with a wrong last letter.
    assert typing_error_in_variant("mhuamed", "mohammed")
    assert typing_error_in_variant("ahmeb", "ahmad")
    # Real names stay apart: a brother's and a sister's, other first letters, short names.
    for a, b in (
        ("karim", "karima"),
        ("rami", "sami"),
        ("hassan", "hussein"),
        ("mahmoud", "mohammed"),
    ):
        assert not typing_error_in_variant(a, b), (a, b)
    names = ("Mohammed", "Rakajar", "Mhuamed", "Rakajar")
    assert _pair(3, "1990", "1990", {}, {}, names=names) is None
    phone = {"phone_digits": "1715550001"}
    listed = _pair(3, "1990", "1990", phone, phone, names=names)
    assert listed.tier == POSSIBLE and "typing_error" in listed.reasons
    dated = _pair(3, "1990-05-06", "1990-05-06", {}, {}, names=names)
    assert dated.tier == POSSIBLE and "typing_error" in dated.reasons
