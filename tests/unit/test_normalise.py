"""Login e-mail normalisation."""

from caseapp.auth.normalise import normalise_email


def test_case_folding_and_trimming():
    assert normalise_email("  Ada@Example.ORG ") == "ada@example.org"


def test_turkish_dotted_capital_i_matches_plain_i():
    assert normalise_email("İLKNUR@lotse.example") == "ilknur@lotse.example"


def test_nfc():
    assert normalise_email("Mu\u0308ller@example.org") == "müller@example.org"
