"""German, Arabic and Turkish catalogs are complete, not fuzzy, and consistent with the code."""

import pytest

from caseapp.catalogs import TRANSLATIONS, catalog_problems, extract_ids
from caseapp.i18n import LANGUAGES

TRANSLATED = [code for code in LANGUAGES if code != "en"]


@pytest.fixture(scope="module")
def code_ids():
    return extract_ids()


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalog_complete(code, code_ids):
    assert catalog_problems(code, code_ids) == []


def test_extraction_finds_the_strings_in_code_and_templates(code_ids):
    assert "Sign in to Lotse" in code_ids  # template
    assert "Integration centre" in code_ids  # lazy label in Python
    assert "%(num)d entry" in code_ids  # plural


def test_glossary_exists_and_covers_key_terms():
    text = (TRANSLATIONS / "GLOSSARY.md").read_text(encoding="utf-8")
    for term in ("Caseworker", "Volunteer", "Newcomer", "Office", "Kümmerer", "Appointment"):
        assert term in text


def test_checker_catches_problems(tmp_path, monkeypatch):
    """The check itself must fail on a broken catalog (a test that cannot fail is worthless)."""
    import caseapp.catalogs as catalogs

    po = tmp_path / "xx" / "LC_MESSAGES"
    po.mkdir(parents=True)
    (po / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "Hello %(name)s"\nmsgstr "Hallo %(nom)s"\n\n'
        '#, fuzzy\nmsgid "Save"\nmsgstr "Speichern"\n\n'
        'msgid "Cancel"\nmsgstr ""\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(catalogs, "TRANSLATIONS", tmp_path)
    problems = catalogs.catalog_problems("xx", {"Hello %(name)s", "Save", "Cancel", "New one"})
    text = "\n".join(problems)
    assert "placeholders" in text and "fuzzy" in text and "untranslated" in text
    assert "not in the catalog" in text
