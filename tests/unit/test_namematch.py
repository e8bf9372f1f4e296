"""Duplicate detection and name search for person records (pure, no app)."""

import csv
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pytest

from caseapp.people.namematch import (
    DUPLICATE_THRESHOLD,
    PersonFacts,
    blocking_keys,
    compare,
    find_duplicates,
    normalise,
    query_keys,
    search_score,
    skeleton,
)

PAIRS_CSV = Path(__file__).resolve().parent.parent / "data" / "duplicate_pairs.csv"

VARIANT_FAMILIES = [
    ["Mohammed", "Muhammad", "Mohamad", "Mohammad", "Muhamed", "Mohamed", "محمد"],
    ["Hussein", "Husain", "Hussain", "Hüseyin", "Hossein", "حسين"],
    ["Khaled", "Chaled", "Haled", "Khalid", "Halit", "خالد"],
    ["Shami", "Schami", "Al-Shami", "الشامي"],
    ["Aysche", "Ayse", "Ayşe", "Aisha", "عائشة"],
    ["Özdemir", "Oezdemir", "Ozdemir"],
    ["Yusuf", "Youssef", "Yousef", "Jussuf", "يوسف"],
    ["Abdulrahman", "Abdul Rahman", "Abdelrahman", "Abd al-Rahman", "Abdurrahman", "عبد الرحمن"],
    ["Al-Hassan", "Alhasan", "El Hassan", "Hassan", "الحسن"],
    ["Abdullah", "Abdallah", "Abdulla", "عبد الله"],
    ["Oleksandr", "Olexandr", "Oleksander"],
    ["Volodymyr", "Wolodymyr"],
    ["Shevchenko", "Schewtschenko"],
    ["Tesfaye", "Tesfay"],
    ["Gebremedhin", "Ghebremedhin", "Gebre Medhin"],
    ["Xelîl", "Khalil", "Chalil"],
]


def _birth(text):
    """ "1990-05-12", "1990" or "" as (year, month, day)."""
    parts = [int(p) for p in text.split("-")] if text else []
    return [*parts, None, None, None][:3]


def person(pid, given, family, born="", sex="", original=""):
    return PersonFacts(pid, given, family, original, *_birth(born), sex)


def test_importing_does_not_import_flask_or_sqlalchemy():
    code = (
        "import sys, caseapp.people.namematch; "
        "print('flask' in sys.modules or 'sqlalchemy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Ayşe  ÖZDEMİR ", "ayse ozdemir"),
        ("Oezdemir", "ozdemir"),
        ("Hüseyin Çelik", "huseyin celik"),
        ("Doğan Yılmaz", "dogan yilmaz"),
        ("Weiß", "weiss"),
        ("Mu\u0308ller", "muller"),
        ("Al-Hassan", "hassan"),
        ("El Hassan", "hassan"),
        ("Zia ul-Haq", "zia haq"),
        ("Sa'ad  O’Neil", "saad oneil"),
        ("Mohammed-Ali", "mohammed ali"),
        ("محمد الحسن", "محمد الحسن"),
        ("أحمد", "احمد"),
        ("Олена", "olena"),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize("family", VARIANT_FAMILIES, ids=lambda f: f[0])
def test_each_variant_family_has_one_skeleton(family):
    assert len({skeleton(name) for name in family}) == 1, {n: skeleton(n) for n in family}


@pytest.mark.parametrize(
    ("a", "b"),
    [("Hassan", "Hussein"), ("Ali", "Aliya"), ("Olena", "Olga"), ("Mohammed", "Ahmad")],
)
def test_distinct_names_do_not_compare_as_variants(a, b):
    # Hassan and Hussein share a skeleton (blocking), but compare tells them apart.
    twins = compare(person(1, a, "Haddad", "2012-06-01"), person(2, b, "Haddad", "2012-06-01"))
    assert not twins.likely_duplicate
    assert "different_given_name" in twins.reasons


@pytest.mark.parametrize("family", VARIANT_FAMILIES, ids=lambda f: f[0])
def test_each_variant_family_shares_a_blocking_key(family):
    keys = [blocking_keys(name, "Haddad") for name in family]
    for a, b in combinations(keys, 2):
        assert a & b


def test_blocking_covers_swaps_middle_names_typos_and_arabic_script():
    base = blocking_keys("Mohammed Ali", "Al-Hassan")
    assert base & blocking_keys("Hassan", "Mohammed")  # swapped
    assert base & blocking_keys("Mohammed", "Hassan")  # middle name missing
    assert base & blocking_keys("Mohammed", "Hasam")  # one-letter typo
    assert base & blocking_keys("Mohamed", "Barakat", "محمد علي الحسن")  # via the original
    assert blocking_keys("Diaa", "Obaidi", "ضياء العبيدي") & blocking_keys(
        "Ziya", "Ubeydi", "ضياء العبيدي"
    )


def test_blocking_keys_are_short_and_never_a_single_common_name():
    keys = blocking_keys("Mohammed Abdulrahman Khalil", "Al-Hassan Al-Ahmad", "محمد الحسن")
    assert all(len(k) <= 40 for k in keys)
    assert all("|" in k for k in keys)  # every key pairs two names
    assert "n:mhmt" not in keys
    assert blocking_keys("Gul", "") == {"n:gl"}  # a person with one name


def test_same_full_date_and_name_variants_are_a_duplicate():
    result = compare(
        person(1, "Mohammed", "Al-Hassan", "1990-05-12", "m", "محمد الحسن"),
        person(2, "Muhammad", "Alhasan", "1990-05-12", "m"),
    )
    assert result.likely_duplicate
    assert result.reasons == ("name_variant", "same_birth_date")


def test_year_only_and_a_full_date_of_that_year_are_compatible():
    result = compare(
        person(1, "Ayşe", "Özdemir", "1985", "f"),
        person(2, "Aysche", "Oezdemir", "1985-04-23", "f"),
    )
    assert result.likely_duplicate
    assert {"same_birth_year", "birth_year_only"} <= set(result.reasons)


def test_placeholder_birth_date_counts_as_the_year_only():
    same_day = compare(
        person(1, "Ghassan", "Tamimi", "1976-08-29"), person(2, "Gassan", "Tamimi", "1976-08-29")
    )
    placeholder = compare(
        person(1, "Ghassan", "Tamimi", "1976-01-01"), person(2, "Gassan", "Tamimi", "1976-01-01")
    )
    assert placeholder.likely_duplicate
    assert "placeholder_birth_date" in placeholder.reasons
    assert placeholder.score < same_day.score


def test_only_the_placeholder_date_in_common_is_not_a_duplicate():
    result = compare(
        person(1, "Ahmad", "Karimi", "1995-01-01", "m"),
        person(2, "Mahmoud", "Rahimi", "1995-01-01", "m"),
    )
    assert result.score < 0.1


@pytest.mark.parametrize(
    ("born_a", "born_b"),
    [("1990-05-12", "1990-11-23"), ("1990-05-12", "1991-05-12"), ("1990-03-01", "1990-03-10")],
)
def test_same_common_name_with_different_full_dates_is_not_a_duplicate(born_a, born_b):
    a = person(1, "Mohammed Ali", "Hassan", born_a, "m", "محمد علي حسن")
    b = person(2, "Mohammed Ali", "Hassan", born_b, "m", "محمد علي حسن")
    result = compare(a, b)  # everything else agrees, which cannot outweigh the dates
    assert not result.likely_duplicate
    assert "different_birth_date" in result.reasons


def test_father_and_son_with_the_same_names_are_not_a_duplicate():
    result = compare(
        person(1, "Mohammed", "Al-Ahmad", "1962", "m"),
        person(2, "Mohammed", "Al-Ahmad", "1988-09-09", "m"),
    )
    assert result.score <= 0.2
    assert "different_birth_date" in result.reasons


def test_no_birth_date_on_one_side_is_possible_but_not_likely():
    result = compare(
        person(1, "Ahmad", "Al-Hussein", "", "m"), person(2, "Ahmed", "Hussein", "1980-05-05", "m")
    )
    assert 0.5 < result.score < DUPLICATE_THRESHOLD
    assert "no_birth_date" in result.reasons


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Mohammed Ali", "Hassan", "2010-03-04"), ("Ahmad Ali", "Hassan", "2011-05-06")),
        (("Hassan", "Al-Ahmad", "2012-06-01"), ("Hussein", "Al-Ahmad", "2012-06-01")),
        (("Karim", "Haddad", "2008-09-09"), ("Karima", "Haddad", "2008-09-09")),
        (("Rana", "Haddad", "2010-07-07"), ("Rania", "Haddad", "2010-07-07")),
        (("Mohammed", "Al-Jabouri", "2009-10-10"), ("Mahmoud", "Al-Jabouri", "2009-10-10")),
        (("Omar", "Safi", "1988-01-01"), ("Ammar", "Safi", "1988-01-01")),
    ],
    ids=[
        "brothers",
        "Hassan/Hussein",
        "Karim/Karima",
        "Rana/Rania",
        "Mohammed/Mahmoud",
        "Omar/Ammar",
    ],
)
def test_siblings_are_not_duplicates(a, b):
    assert not compare(person(1, *a), person(2, *b)).likely_duplicate


def test_spouses_are_not_duplicates():
    result = compare(
        person(1, "Ali", "Al-Musawi", "1970-01-01", "m"),
        person(2, "Alia", "Al-Musawi", "1970-01-01", "f"),
    )
    assert not result.likely_duplicate
    assert "different_sex" in result.reasons


def test_a_son_carrying_his_fathers_name_is_not_his_father():
    result = compare(
        person(1, "Ali", "Hassan", "1960"), person(2, "Mohammed Ali", "Hassan", "1961")
    )
    assert result.reasons[0] == "different_given_name"


def test_swapped_given_and_family_names():
    result = compare(
        person(1, "Hassan", "Mohammed", "1993-08-08"), person(2, "Mohammed", "Hassan", "1993-08-08")
    )
    assert result.likely_duplicate
    assert "swapped_names" in result.reasons


def test_missing_middle_name_needs_more_than_the_year():
    full = person(1, "Mohammed Khaled", "Al-Ali", "1990-06-06")
    same_day = compare(full, person(2, "Mohammed", "Al-Ali", "1990-06-06"))
    same_year = compare(full, person(2, "Mohammed", "Al-Ali", "1990-01-01"))
    assert same_day.likely_duplicate
    assert "missing_middle_name" in same_day.reasons
    assert not same_year.likely_duplicate


def test_different_middle_names_are_cousins_not_duplicates():
    result = compare(
        person(1, "Mohammed Ali", "Hassan", "1990"), person(2, "Mohammed Omar", "Hassan", "1990")
    )
    assert result.reasons[0] == "different_middle_name"


def test_original_script_separates_and_joins():
    different = compare(
        person(1, "Hisham", "Al-Masri", "1987", "m", "هشام المصري"),
        person(2, "Husam", "Al-Masri", "1987", "m", "حسام المصري"),
    )
    same = compare(
        person(1, "Diaa", "Al-Obaidi", "1983-11-11", "m", "ضياء العبيدي"),
        person(2, "Ziya", "Ubeydi", "1983-11-11", "m", "ضياء العبيدي"),
    )
    assert "original_script_mismatch" in different.reasons
    assert not different.likely_duplicate
    assert "original_script_match" in same.reasons
    assert same.likely_duplicate


def test_comparison_is_symmetric_enough():
    a = person(1, "Abdulrahman", "Al-Khatib", "1979-09-04", "m")
    b = person(2, "Abd al-Rahman", "Khatib", "1979", "m")
    assert compare(a, b).score == compare(b, a).score


def test_find_duplicates_on_a_small_register():
    records = [
        person(1, "Mohammed", "Al-Hassan", "1990-05-12", "m"),
        person(2, "Ahmad", "Karimi", "1995-01-01", "m"),
        person(3, "Muhammad", "Alhasan", "1990-05-12", "m"),
        person(4, "Hussein", "Al-Ahmad", "2012-06-01", "m"),
        person(5, "Hassan", "Al-Ahmad", "2012-06-01", "m"),
        person(6, "Mahmoud", "Rahimi", "1995-01-01", "m"),
        person(7, "Karimi", "Ahmad", "1995", "m"),
        person(8, "Mohamad", "El Hassan", "1990", "m"),
        person(9, "Mohammed", "Al-Hassan", "1964-02-02", "m"),
    ]
    stats = {}
    pairs = find_duplicates(records, stats=stats)
    assert {(a, b) for a, b, _ in pairs} == {(1, 3), (1, 8), (3, 8), (2, 7)}
    assert [c.score for _, _, c in pairs] == sorted((c.score for _, _, c in pairs), reverse=True)
    assert all(a < b and c.likely_duplicate for a, b, c in pairs)
    assert pairs[0][:2] == (1, 3)  # the same full date ranks first
    by_id = {r.id: r for r in records}
    assert all(compare(by_id[a], by_id[b]) == c for a, b, c in pairs)
    assert stats["records"] == 9 and stats["candidate_pairs"] >= 4


def test_search_ranks_the_closest_names_first():
    people = [
        person(1, "Mohammed", "Al-Hassan", original="محمد الحسن"),
        person(2, "Mohammed Ali", "Hassan"),
        person(3, "Mahmoud", "Hussein"),
        person(4, "Hassan", "Mohammed"),
        person(5, "Ahmad", "Karimi"),
    ]

    def ranked(query):
        return [p.id for p in sorted(people, key=lambda p: -search_score(query, p))]

    assert ranked("muhamad al hasan")[:3] == [1, 4, 2]
    assert ranked("Hasan Mohammed")[0] == 4
    assert ranked("Hassan, Mohammed")[0] == 1  # "Family, Given"
    assert ranked("محمد")[0] == 1
    assert search_score("محمد", people[1]) > search_score("محمد", people[2])
    assert search_score("muhamad al hasan", people[4]) < 0.5


def test_query_keys_find_the_person_in_the_same_key_space():
    stored = blocking_keys("Mohammed", "Al-Hassan", "محمد الحسن")
    for query in ["muhamad al hasan", "Hasan Mohammed", "Hassan, Muhammad", "Mohamed Hasam"]:
        assert query_keys(query) & stored, query
    assert query_keys("محمد الحسن") & blocking_keys("Mohammed", "Al-Hassan")
    assert query_keys("Gul") == blocking_keys("Gul", "")
    assert query_keys("") == set()


def _labelled_pairs():
    with PAIRS_CSV.open(encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f)):
            a = PersonFacts(2 * n, row["a_given"], row["a_family"], row["a_original"],
                            *_birth(row["a_birth"]), row["a_sex"])  # fmt: skip
            b = PersonFacts(2 * n + 1, row["b_given"], row["b_family"], row["b_original"],
                            *_birth(row["b_birth"]), row["b_sex"])  # fmt: skip
            yield a, b, row["label"] == "1", row["note"]


def test_labelled_set_is_large_enough():
    rows = list(_labelled_pairs())
    positives = sum(label for _, _, label, _ in rows)
    assert len(rows) >= 150
    assert positives >= 60
    assert len(rows) - positives >= 60


def test_precision_and_recall_on_the_labelled_set():
    tp = fp = fn = 0
    misses = []
    for a, b, label, note in _labelled_pairs():
        predicted = compare(a, b).likely_duplicate
        tp += predicted and label
        fp += predicted and not label
        fn += label and not predicted
        if predicted != label:
            misses.append(note)
    n = len(list(_labelled_pairs()))
    p, r = tp / (tp + fp), tp / (tp + fn)
    print(f"precision={p:.3f} recall={r:.3f} on {n} pairs")
    print("misclassified: " + "; ".join(misses))
    assert p >= 0.95
    assert r >= 0.95


def test_every_labelled_duplicate_shares_a_blocking_key():
    missing = [
        note
        for a, b, label, note in _labelled_pairs()
        if label
        and not blocking_keys(a.given_name, a.family_name, a.original_name)
        & blocking_keys(b.given_name, b.family_name, b.original_name)
    ]
    assert missing == []


VARIANTS_CSV = PAIRS_CSV.parent / "variant_pairs.csv"


def _variant_pairs():
    with VARIANTS_CSV.open(encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f)):
            a = PersonFacts(2 * n, row["a_given"], row["a_family"], row["a_original"],
                            *_birth(row["a_birth"]), row["a_sex"])  # fmt: skip
            b = PersonFacts(2 * n + 1, row["b_given"], row["b_family"], row["b_original"],
                            *_birth(row["b_birth"]), row["b_sex"])  # fmt: skip
            yield row["kind"], a, b, row["label"] == "1", row["note"]


def _found(a, b):
    shared = blocking_keys(a.given_name, a.family_name, a.original_name) & blocking_keys(
        b.given_name, b.family_name, b.original_name
    )
    return bool(shared) and compare(a, b).likely_duplicate


def test_every_variant_kind_has_positives_and_hard_negatives():
    kinds = {}
    for kind, _a, _b, label, _note in _variant_pairs():
        kinds.setdefault(kind, [0, 0])[label] += 1
    for kind in ("french", "turkish", "compound"):
        negatives, positives = kinds[kind]
        assert positives >= 15 and negatives >= 8, kind


def test_recall_and_precision_on_both_labelled_sets():
    """Issue 13's bar for the project's labelled set: recall >= 0.97, precision >= 0.98."""
    rows = [(a, b, label) for a, b, label, _note in _labelled_pairs()]
    rows += [(a, b, label) for _kind, a, b, label, _note in _variant_pairs()]
    tp = sum(1 for a, b, label in rows if label and _found(a, b))
    fp = sum(1 for a, b, label in rows if not label and _found(a, b))
    positives = sum(1 for _a, _b, label in rows if label)
    assert tp / positives >= 0.97
    assert tp / (tp + fp) >= 0.98


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Hicham", "Belkacem"), ("Hisham", "Belqasim")),  # French ch, c
        (("Aicha", "Benmoussa"), ("Aisha", "Benmusa")),  # ch, ou
        (("Yacine", "Mebarki"), ("Yassin", "Mubarki")),  # c, silent e
        (("Djamel", "Boudiaf"), ("Jamal", "Budiaf")),  # dj
        (("Oualid", "Chebbi"), ("Walid", "Shebbi")),  # initial ou
        (("Recep", "Aydın"), ("Rajab", "Aydin")),  # Turkish c, e
        (("Cemile", "Arslan"), ("Jamila", "Arslan")),
        (("Rukiye", "Güneş"), ("Ruqayya", "Gunes")),
        (("Nurettin", "Kara"), ("Nureddin", "Kara")),
        (("Nour El Houda", "Khalil"), ("Nourelhouda", "Khalil")),  # compound joined
        (("Lahcen", "Ait Ali"), ("Lahsen", "Aitali")),  # family joined
    ],
)
def test_transliteration_kinds_with_only_the_birth_year(a, b):
    first, second = person(1, *a, "1990", "m"), person(2, *b, "1990", "m")
    assert compare(first, second).likely_duplicate
    assert blocking_keys(*a) & blocking_keys(*b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Emin", "Emine"), ("Cemil", "Cemile"), ("Amine", "Amina"), ("Rachid", "Rachida")],
)
def test_a_name_and_its_feminine_form_are_siblings_when_the_sexes_differ(a, b):
    twins = compare(
        person(1, a, "Polat", "1990-03-03", "m"), person(2, b, "Polat", "1990-03-03", "f")
    )
    assert not twins.likely_duplicate


def test_a_shortened_compound_given_name_needs_the_same_full_date():
    same_day = compare(
        person(1, "Mohammad Nabi", "Rahimi", "1990-04-04", "m"),
        person(2, "Nabi", "Rahimi", "1990-04-04", "m"),
    )
    same_year = compare(
        person(1, "Mohammad Nabi", "Rahimi", "1990", "m"), person(2, "Nabi", "Rahimi", "1990", "m")
    )
    assert same_day.likely_duplicate and "shortened_given_name" in same_day.reasons
    assert not same_year.likely_duplicate


# --- tiers and evidence beyond names (issue 20) -------------------------------------------


def _with(facts, **evidence):
    from dataclasses import replace

    from caseapp.people.namematch.evidence import Evidence

    return replace(facts, evidence=Evidence(**evidence))


def test_name_and_year_alone_are_same_name_only():
    a = _with(person(1, "Mohammed", "Ahmad", "1990", "m"))
    b = _with(person(2, "Muhammad", "Ahmad", "1990", "m"))
    assert compare(a, b).tier == "name_only"


def test_a_shared_phone_e_mail_or_arrival_makes_it_almost_certain():
    a = person(1, "Mohammed", "Ahmad", "1990", "m")
    b = person(2, "Muhammad", "Ahmad", "1990-01-01", "m")
    for evidence, reason in [
        ({"phone": "1712345678"}, "same_phone"),
        ({"email": "m.ahmad@example.org"}, "same_email"),
        ({"arrived": 737000}, "same_arrival"),
    ]:
        result = compare(_with(a, **evidence), _with(b, **evidence))
        assert result.tier == "certain" and reason in result.reasons, evidence


def test_evidence_against_keeps_namesakes_apart():
    from caseapp.people.namematch.evidence import Evidence

    a = person(1, "Mohammed", "Ahmad", "1990-05-05", "m")
    b = person(2, "Mohammed", "Ahmad", "1990-05-05", "m")
    assert compare(a, b).tier == "certain"  # same full date: what the data says
    household = compare(_with(a, household_id=7), _with(b, household_id=7))
    assert household.tier == "" and "same_household" in household.reasons
    nations = compare(
        _with(a, nationalities=frozenset({"SY"})), _with(b, nationalities=frozenset({"AF"}))
    )
    assert "different_nationality" in nations.reasons and nations.score < compare(a, b).score
    arrival = compare(_with(a, arrived=737000), _with(b, arrived=738000))
    assert "different_arrival" in arrival.reasons
    assert Evidence().household_names == frozenset()


def test_household_members_with_the_same_names_speak_for_the_same_family():
    a = _with(person(1, "Ahmad", "Karimi", "1985", "m"), household_names=frozenset({"maryam"}))
    b = _with(person(2, "Ahmed", "Karimi", "1985", "m"), household_names=frozenset({"maryam"}))
    result = compare(a, b)
    assert "household_members" in result.reasons and result.tier == "certain"


def test_twins_and_siblings_stay_apart_whatever_else_they_share():
    shared = {"phone": "1712345678", "address": "lennestrasse5|58762", "arrived": 737000}
    twins = compare(
        _with(person(1, "Hassan", "Haddad", "2012-06-01", "m"), **shared),
        _with(person(2, "Hussein", "Haddad", "2012-06-01", "m"), **shared),
    )
    assert twins.tier == ""
    placeholder = compare(
        _with(person(1, "Fatima", "Hussein", "2003-01-01", "f"), **shared),
        _with(person(2, "Zahra", "Hussein", "2003-01-01", "f"), **shared),
    )
    assert placeholder.tier == ""


def test_a_name_nobody_else_carries_is_possible_a_common_one_is_not_listed():
    from caseapp.people.namematch.review import assess
    from caseapp.people.namematch.scoring import prepare

    a = prepare(_with(person(1, "Xebat", "Kejo", "1990", "m")))
    b = prepare(_with(person(2, "Khabat", "Kejo", "1990", "m")))
    rare, few, common = assess(a, b, 2), assess(a, b, 5), assess(a, b, 500)
    assert rare.score > few.score > common.score
    assert "rare_name" in rare.reasons and "common_name" in common.reasons
    assert (rare.tier, few.tier, common.tier) == ("possible", "name_only", "name_only")


def test_the_same_birthday_among_hundreds_of_namesakes_is_only_possible():
    from caseapp.people.namematch.review import assess
    from caseapp.people.namematch.scoring import prepare

    a = prepare(_with(person(1, "Mohammed", "Ahmad", "1990-05-05", "m")))
    b = prepare(_with(person(2, "Mohammed", "Ahmad", "1990-05-05", "m")))
    assert assess(a, b, 10).tier == "certain"
    assert assess(a, b, 800).tier == "possible"
    phones = [
        prepare(_with(person(i, "Mohammed", "Ahmad", "1990-05-05", "m"), phone="1712345"))
        for i in (1, 2)
    ]
    assert assess(*phones, 800).tier == "certain"


def test_placeholder_dates_do_not_count_as_the_same_birth_date():
    a = _with(person(1, "Ali", "Rawi", "1979-01-01", "m"))
    b = _with(person(2, "Ali", "Rawi", "1979-01-01", "m"))
    result = compare(a, b)
    assert "same_birth_date" not in result.reasons and result.tier == "name_only"


def test_clusters_join_chains_and_respect_not_the_same_decisions():
    from caseapp.people.namematch.review import clusters

    pairs = [(1, 2, 0.99), (2, 3, 0.9), (4, 5, 0.8), (6, 7, 0.7), (7, 8, 0.95)]
    assert clusters(pairs) == [[1, 2, 3], [6, 7, 8], [4, 5]]
    # "1 and 3 are different people": 3 stays out of 1's group, the chain is cut there.
    assert clusters(pairs, different=[(1, 3)]) == [[6, 7, 8], [1, 2], [4, 5]]


def test_a_to_c_missed_is_found_through_b():
    from caseapp.people.namematch.review import clusters, review_pairs

    records = [
        _with(person(1, "Mohammed Ali", "Hassan", "1987-10-02", "m"), phone="1711111111"),
        _with(person(2, "Mohammed", "Hassan", "1987-10-02", "m"), phone="1711111111"),
        _with(person(3, "Muhammad", "Al-Hasan", "1987", "m"), phone="1711111111"),
    ]
    pairs = review_pairs(records)
    found = {(a, b) for a, b, _c in pairs}
    assert (1, 2) in found and (2, 3) in found
    assert clusters([(a, b, c.score) for a, b, c in pairs]) == [[1, 2, 3]]


def test_common_name_buckets_compare_only_what_can_be_listed():
    from caseapp.people.namematch.review import bucket_pairs
    from caseapp.people.namematch.scoring import prepare

    members = [prepare(_with(person(i, "Mohammed", "Ahmad", "1990", "m"))) for i in range(60)]
    members.append(prepare(_with(person(99, "Mohammed", "Ahmad", "1990", "m"), phone="17123")))
    members.append(prepare(_with(person(98, "Mohammed", "Ahmad", "1990", "m"), phone="17123")))
    assert list(bucket_pairs(members)) == [(60, 61)]  # not 1,891 namesakes
    small = members[:5]
    assert len(list(bucket_pairs(small))) == 10
