"""Filters by language are named pickers in the reader's language (issue 12 §5), not text
fields that need an ISO code typed ("ar", "ti"): the volunteer list and the waiting list."""

from __future__ import annotations

import re

import pytest
from babel import Locale

PAGES = ["/coordination/volunteers", "/matching/waiting"]


@pytest.fixture
def coordinator(actions, make_office, make_user):
    office = make_office(name="Koordination")
    email = make_user("coordinator", offices=[office], email="filters@test.example")
    assert actions.login(email).status_code == 302
    return actions


def _picker(page: str) -> str:
    match = re.search(
        r'<select class="form-select" id="language" name="language">.*?</select>', page, re.S
    )
    assert match, "no language picker"
    return match.group(0)


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("language", ["de", "ar", "tr"])
def test_language_filter_is_a_picker_named_in_the_readers_language(coordinator, url, language):
    page = coordinator.client.get(f"{url}?language=ti&lang={language}").get_data(as_text=True)
    assert not re.search(r'<input[^>]*name="language"', page)
    picker = _picker(page)
    names = Locale.parse(language).languages
    # The chosen language stays selected, under its name in the reader's language.
    assert f'<option value="ti" selected>{names["ti"]}</option>' in picker
    assert f'<option value="ar">{names["ar"]}</option>' in picker
    assert f'<option value="uk">{names["uk"]}</option>' in picker
    assert picker.count(" selected") == 1
    # Labelled for screen readers, and "all" comes first.
    assert '<label class="form-label small" for="language">' in page
    assert re.search(r'name="language"><option value="">[^<]+</option>', picker)


@pytest.mark.parametrize("url", PAGES)
def test_without_a_filter_nothing_is_preselected(coordinator, url):
    picker = _picker(coordinator.client.get(f"{url}?lang=de").get_data(as_text=True))
    assert " selected" not in picker
