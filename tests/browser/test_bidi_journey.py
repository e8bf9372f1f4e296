"""Arabic pages in Chromium (issue 12 §1): a date next to a Latin name renders as one unit.

Every date, time and case number in the main lists of the start page, the case file and the
calendar is an isolated left-to-right island (one box on screen, digits in order), each name
is isolated on its own, and in right-to-left reading the name stands before (right of) the
date that follows it. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re

import pytest

from tests.factories.bidi import LATIN_NAME, seed_office
from tests.factories.web import PASSWORD

pytestmark = pytest.mark.browser

# Each <bdi> inside <main>: its text, direction, bidi isolation and how many boxes it takes.
ISOLATES = """() => [...document.querySelectorAll("main bdi")].map(el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {text: el.textContent.trim(), dir: style.direction, bidi: style.unicodeBidi,
          boxes: [...range.getClientRects()].filter(r => r.width > 0).length,
          left: box.left, right: box.right, top: box.top,
          line: el.closest("li, dd, h1, h2, p, td")?.textContent.trim() ?? ""};
})"""
NUMERIC = re.compile(r"^[0-9][0-9/:.،, –-]*[0-9]$|^L\d\d-[A-Z0-9]{6}$")


def _check(page, what: str) -> list[dict]:
    isolates = page.evaluate(ISOLATES)
    assert isolates, f"{what}: no isolated values"
    numeric = [i for i in isolates if NUMERIC.match(i["text"])]
    assert numeric, f"{what}: no isolated dates, times or case numbers"
    for item in numeric:
        assert item["bidi"] == "isolate", (what, item)
        assert item["dir"] == "ltr", (what, item)
        assert item["boxes"] == 1, f"{what}: {item['text']!r} is split on screen"
    for item in isolates:
        assert item["bidi"] == "isolate", (what, item)
    return isolates


def _name_before_date(isolates: list[dict], name: str) -> None:
    """In a line holding the name and then a date, the name is right of the date (RTL)."""
    lines = {}
    for item in isolates:
        lines.setdefault((item["line"], round(item["top"])), []).append(item)
    checked = 0
    for items in lines.values():
        names = [i for i in items if i["text"] == name]
        dates = [i for i in items if re.fullmatch(r"\d\d/\d\d/\d{4}.*", i["text"])]
        if names and dates:
            assert names[0]["left"] >= dates[0]["right"] - 1, (names[0], dates[0])
            checked += 1
    assert checked, f"no line shows {name} next to a date"


def test_arabic_start_page_case_file_and_calendar_keep_dates_whole(app, page, make_user, artifacts):
    setup = seed_office(app, make_user)
    name = " ".join(LATIN_NAME)
    page.goto("/login")
    page.fill("#email", setup["workers"][0])
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/home")
    page.goto("/home?lang=ar")  # becomes the caseworker's language
    assert page.get_attribute("html", "dir") == "rtl"

    isolates = _check(page, "start page")
    _name_before_date(isolates, name)
    assert any(i["text"] == setup["case_numbers"][0] for i in isolates)
    page.screenshot(path=str(artifacts / "bidi-start-ar.png"), full_page=True)

    page.goto(f"/people/{setup['people'][0]}")
    isolates = _check(page, "case file")
    assert any(i["text"] == setup["case_numbers"][0] for i in isolates)
    assert any(i["text"] == "+49 171 5550199" and i["dir"] == "ltr" for i in isolates)
    page.screenshot(path=str(artifacts / "bidi-case-file-ar.png"), full_page=True)

    page.goto(
        f"/appointments/calendar?office={setup['office']}"
        f"&caseworker={setup['worker_ids'][0]}&view=day"
    )
    isolates = _check(page, "calendar")
    spans = [i for i in isolates if i["text"] == "14:00–14:30"]
    assert spans and spans[0]["boxes"] == 1
    page.screenshot(path=str(artifacts / "bidi-calendar-ar.png"), full_page=True)
    assert page.outside_requests == []
