"""Accessibility in Chromium (issue 12 §6, WCAG 2.2 AA): axe-core over the main pages of every
role (public, caseworker, coordinator, volunteer, newcomer in the portal, reports, data
protection, administrator) in German, Arabic and Turkish, on a phone (390×844) and a desktop
(1366×900), with no serious or critical violation (colour contrast included); and the
navigation fits: no page scrolls sideways at 390 px, "Sign out" stays on the screen at 1024
and 1366 px.

One test per language (each about a third of the run); each role signs in once per language
and the same page is audited at both sizes.

axe-core comes from npm and is vendored for the tests only (tests/browser/vendor/axe-core,
`npm run vendor-assets`); the test puts the local copy into each page, nothing is fetched.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from flask import url_for

from tests.factories.bidi import seed_office
from tests.factories.portal import issue
from tests.factories.web import PASSWORD

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}
LANGUAGES = ("de", "ar", "tr")
LOCALES = {"de": "de-DE", "ar": "ar", "tr": "tr-TR"}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = {"serious", "critical"}

# Violations known and waiting for a fix outside a test's reach: (rule, target) pairs, reported
# and not counted. Empty: the language menu's name now contains its visible text (WCAG 2.5.3).
PENDING: set[tuple[str, str]] = set()

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary)}));
}"""
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail("tests/browser/vendor/axe-core/axe.min.js is missing: npm run vendor-assets")
    return AXE.read_text(encoding="utf-8")


def _context(browser, live_server, size: str, language: str):
    width, height = SIZES[size]
    # The CSP forbids inline scripts; only the test's own axe copy is let in this way.
    return browser.new_context(
        base_url=live_server,
        viewport={"width": width, "height": height},
        locale=LOCALES[language],
        bypass_csp=True,
    )


def _sign_in(page, email: str, language: str) -> None:
    page.goto(f"/login?lang={language}")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/home*")


def _portal_sign_in(page, case_number: str, code: str, language: str) -> None:
    page.goto(f"/portal/login?lang={language}&case_number={case_number}")
    page.fill("#access_code", code)
    page.press("#access_code", "Enter")
    page.wait_for_url("**/portal/*")


pending: set[str] = set()


def _audit(page, axe_source, what: str, found: Counter, details: list[str]) -> None:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    for violation in page.evaluate(RUN_AXE, TAGS):
        targets = {node.split(" :: ")[0] for node in violation["nodes"]}
        if all((violation["id"], target) in PENDING for target in targets):
            pending.add(violation["id"])
            continue
        if violation["impact"] in BLOCKING:
            found[violation["id"]] += 1
            details.append(f"{what}: {violation['id']} ({violation['impact']}) {violation['help']}")
            details.extend(f"    {node}" for node in violation["nodes"])


def _pages(app, setup) -> dict[str, list[str]]:
    """Each role's main pages: its start page and what its navigation leads to first."""
    person = setup["people"][0]
    with app.test_request_context():
        return {
            "public": ["/login", "/volunteer/signup", "/directory/", url_for("portal.login")],
            "caseworker": [
                "/home",
                "/people/",
                f"/people/{person}",
                f"/appointments/calendar?office={setup['office']}&view=day",
                url_for("appointments.book", person_id=person),
                url_for("referrals.index"),
                f"/offices/{setup['office']}",
            ],
            "coordinator": [
                "/home",
                url_for("volunteers.index"),
                url_for("matches.index"),
                url_for("matches.waiting"),
            ],
            "volunteer": ["/home", url_for("volunteers.me"), url_for("volunteers.hours")],
            "newcomer": [url_for("portal.home"), url_for("privacy.passport")],
            "reports": ["/home", url_for("reports.index")],
            "data_protection": [
                "/home",
                url_for("privacy.requests"),
                url_for("privacy.retention_rules"),
            ],
            "admin": ["/admin/users/", "/admin/audit/", "/offices/", "/matching/"],
        }


def _accounts(app, make_user, setup) -> dict:
    from caseapp.auth.models import User
    from caseapp.extensions import db
    from tests.factories.volunteers import make_profile, make_programme

    office = setup["office"]
    with app.test_request_context():
        programme = make_programme()  # the sign-up's first step offers it
        db.session.commit()
    volunteer = make_user("volunteer", email="a11y-volunteer@test.example", name="Selin Kaya")
    with app.test_request_context():
        make_profile(db.session.scalar(db.select(User).filter_by(email=volunteer)), [programme])
        db.session.commit()
    return {
        "caseworker": setup["workers"][0],
        "coordinator": make_user("coordinator", offices=[office], email="a11y-coord@test.example"),
        "volunteer": volunteer,
        "newcomer": (setup["case_numbers"][0], issue(app, setup, setup["people"][0])),
        "reports": make_user("reports", email="a11y-reports@test.example"),
        "data_protection": make_user("data_protection", email="a11y-dpo@test.example"),
        "admin": make_user("admin", email="a11y-admin@test.example", name="Administration"),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_main_pages_have_no_serious_accessibility_violations(
    app, browser, live_server, make_user, axe_source, artifacts, language
):
    setup = seed_office(app, make_user)
    accounts = _accounts(app, make_user, setup)
    found: Counter = Counter()
    details: list[str] = []
    sideways: list[str] = []
    outside: list[str] = []
    broken: list[str] = []
    for role, urls in _pages(app, setup).items():
        context = _context(browser, live_server, "phone", language)
        page = context.new_page()
        page.on(
            "request",
            lambda r: None if r.url.startswith(live_server) else outside.append(r.url),
        )
        if role == "newcomer":
            _portal_sign_in(page, *accounts[role], language)
        elif role != "public":
            _sign_in(page, accounts[role], language)
        for url in urls:
            glue = "&" if "?" in url else "?"
            for size, (width, height) in SIZES.items():
                page.set_viewport_size({"width": width, "height": height})
                response = page.goto(f"{url}{glue}lang={language}")
                what = f"{role} {url} [{language}, {size}]"
                if response is None or not response.ok:
                    broken.append(f"{what}: {response.status if response else 'no response'}")
                    continue
                assert page.get_attribute("html", "lang") == language, what
                _audit(page, axe_source, what, found, details)
                if size == "phone" and page.evaluate(SIDEWAYS) > 0:
                    sideways.append(what)
        if language == "ar" and role == "public":
            page.set_viewport_size({"width": SIZES["phone"][0], "height": SIZES["phone"][1]})
            page.goto("/volunteer/signup?lang=ar")
            page.screenshot(path=str(artifacts / "signup-phone-ar.png"), full_page=True)
        context.close()
    print(f"\naxe serious/critical violations per rule [{language}]:", dict(found) or "none")
    print("known, waiting for templates/base.html:", sorted(pending) or "none")
    assert broken == [], broken
    assert not details, "\n".join(details)
    assert sideways == [], f"pages that scroll sideways on a phone: {sideways}"
    assert outside == []


@pytest.mark.parametrize(("width", "language"), [(390, "ar"), (1024, "de"), (1366, "de")])
def test_navigation_fits_without_scrolling_sideways(
    app, browser, live_server, make_user, width, language
):
    """The administrator's navigation (the longest) fits: at 390 px it collapses behind the
    menu button, at 1024 and 1366 px it wraps instead of pushing "Sign out" off the screen."""
    email = make_user("admin", email="nav-admin@test.example", name="Administration")
    context = browser.new_context(
        base_url=live_server, viewport={"width": width, "height": 900}, locale=language
    )
    page = context.new_page()
    _sign_in(page, email, language)
    page.goto(f"/home?lang={language}")
    assert page.evaluate(SIDEWAYS) <= 0
    if width < 992:
        page.click("button.navbar-toggler")
        page.wait_for_selector("#nav-main.show")
        assert page.evaluate(SIDEWAYS) <= 0
    sign_out = page.locator("nav form[action$='/logout'] button")
    box = sign_out.bounding_box()
    assert box is not None and sign_out.is_visible()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    language_menu = page.locator("#lang-menu")
    assert language_menu.is_visible()
    lang_box = language_menu.bounding_box()
    assert lang_box["x"] >= 0 and lang_box["x"] + lang_box["width"] <= width
    context.close()


def test_language_menu_name_contains_its_text(app, page):
    page.goto("/login?lang=de")
    menu = page.locator("#lang-menu")
    name = menu.get_attribute("aria-label") or menu.inner_text()
    assert menu.inner_text().strip() in name
