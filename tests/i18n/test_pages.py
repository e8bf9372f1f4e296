"""Every page names its language and direction; Arabic is right-to-left and fully translated."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.extensions import db
from tests.factories.web import Actions

TAG = re.compile(r"<[^>]+>")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _case_pages(app, world) -> list[str]:
    """A person of office A with a consultation, aid and a consent, and the pages about them."""
    from datetime import UTC, date, datetime

    from caseapp.people import casework, services
    from caseapp.people.models import AidKind
    from caseapp.people.validation import PersonData

    with app.test_request_context():
        worker = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        today = date(2026, 11, 22)
        people = [
            services.register_person(
                worker,
                PersonData(
                    given_name="Amal",
                    family_name="Haddad",
                    birth_year=1990 + n,
                    sex="f",
                    nationalities=["SY"],
                    languages=[{"code": "ar", "level": "native"}],
                ),
                office_id=world["office_a"],
                caseworker_id=worker.id,
                today=today,
            )
            for n in range(2)
        ]
        case = people[0].case
        kind = AidKind(name_de="Möbelgutschein", name_ar="قسيمة أثاث", name_tr="Mobilya kuponu")
        db.session.add(kind)
        db.session.flush()
        casework.log_consultation(
            worker,
            case,
            casework.ConsultationData(
                at=datetime(2026, 11, 20, 9, tzinfo=UTC),
                duration_minutes=30,
                mode="phone",
                need_areas=["work"],
                notes="ملاحظة",
                steps=[casework.StepData("خطوة", date(2026, 12, 1), worker.id)],
            ),
            office_id=world["office_a"],
        )
        casework.record_aid(
            worker,
            case,
            kind_id=kind.id,
            given_on=today,
            value_cents=1000,
            note="",
            override_reason="",
            office_id=world["office_a"],
            today=today,
        )
        casework.record_consent(
            worker,
            case,
            purpose="referral",
            receiving_office_id=world["office_b"],
            scope="",
            given_on=today,
            form="written",
            today=today,
        )
        casework.link_household(worker, people[1], people[0], role="spouse", other_role="head")
        db.session.commit()
        a, b = people[0].id, people[1].id
    return [
        "/people/",
        "/people/new",
        f"/people/{a}",
        f"/people/{a}/edit",
        f"/people/{a}/case",
        f"/people/{a}/consultations/new",
        f"/people/{a}/aid/new",
        f"/people/{a}/consents/new",
        f"/people/{a}/household?q=Amal",
        "/people/duplicates",
        f"/people/merge?a={a}&b={b}",
        "/people/import",
        "/people/aid-kinds",
    ]


def _pages(app, world):
    with app.app_context():
        volunteer_id = db.session.scalar(select(User.id).where(User.email == world["volunteer"]))
    office = world["office_a"]
    return [
        *_case_pages(app, world),
        "/home",
        "/account",
        "/offices/",
        f"/offices/{office}",
        f"/offices/{office}/team",
        "/offices/new",
        f"/offices/{office}/edit",
        "/offices/districts",
        "/admin/users/",
        "/admin/users/new",
        f"/admin/users/{volunteer_id}",
        f"/admin/users/{volunteer_id}/deactivate",
        "/admin/audit/",
        "/no-such-page",
    ]


@pytest.mark.parametrize(
    ("code", "direction"), [("de", "ltr"), ("ar", "rtl"), ("tr", "ltr"), ("en", "ltr")]
)
def test_every_page_has_lang_and_dir(app, world, code, direction):
    actions = Actions(app.test_client())
    actions.login(world["admin"])
    for url in _pages(app, world):
        sep = "&" if "?" in url else "?"
        page = actions.client.get(f"{url}{sep}lang={code}").get_data(as_text=True)
        assert f'<html lang="{code}" dir="{direction}">' in page, url
        stylesheet = "bootstrap.rtl.min.css" if direction == "rtl" else "bootstrap.min.css"
        assert stylesheet in page, url


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|head)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(
        r'<option\b[^>]*value="[a-z]{2}"[^>]*>[^<]*</option>', " ", html
    )  # language names
    html = re.sub(r"<(bdi|code)\b[^>]*>.*?</\1>", " ", html, flags=re.S)  # e-mails, numbers, codes
    html = re.sub(r'<[^>]+\blang="(de|tr|en)"[^>]*>[^<]*<', "<", html)  # switcher entries
    return TAG.sub(" ", html)


def _latin_words_kept_by_translator(code: str) -> set[str]:
    """Words the translation keeps on purpose (German office names, Ctrl)."""
    from babel.messages.pofile import read_po

    from caseapp.catalogs import TRANSLATIONS

    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    words = set()
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for s in strings:
            words.update(LATIN_WORD.findall(TAG.sub(" ", re.sub(r"%\(\w+\)\w", " ", s or ""))))
    return words


@pytest.mark.parametrize("code", ["ar"])
def test_arabic_pages_have_no_untranslated_words(app, world, code):
    """In Arabic, any Latin word left on a page is a string someone forgot to translate."""
    actions = Actions(app.test_client())
    actions.login(world["admin"])
    actions.post("/account/language", {"language": code})
    with app.app_context():
        data_words = set()
        for user in db.session.scalars(select(User)):
            data_words.update(LATIN_WORD.findall(user.display_name))
    data_words.update({"Lotse", "Integrationszentrum", "Jobcenter", "Amal", "Haddad", "SY"})
    data_words.update(_latin_words_kept_by_translator(code))
    for url in _pages(app, world):
        text = _visible_text(actions.client.get(url).get_data(as_text=True))
        leftovers = sorted(set(LATIN_WORD.findall(text)) - data_words)
        assert leftovers == [], f"{url}: {leftovers}"


@pytest.mark.parametrize(("code", "direction"), [("de", "ltr"), ("ar", "rtl"), ("tr", "ltr")])
def test_login_page_for_visitors(client, code, direction):
    page = client.get(f"/login?lang={code}").get_data(as_text=True)
    assert f'<html lang="{code}" dir="{direction}">' in page
    if code == "ar":
        assert not (set(LATIN_WORD.findall(_visible_text(page))) - {"Lotse"})


def test_unknown_language_falls_back_to_german(client):
    page = client.get("/login?lang=xx").get_data(as_text=True)
    assert '<html lang="de" dir="ltr">' in page


def test_accept_language_is_used_for_visitors(client):
    page = client.get("/login", headers={"Accept-Language": "tr-TR,tr;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="tr"' in page


def test_lang_parameter_sticks_for_the_session(client):
    client.get("/login?lang=ar")
    page = client.get("/login", headers={"Accept-Language": "tr"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page


def test_user_preference_beats_session_and_browser(app, world):
    actions = Actions(app.test_client())
    actions.client.get("/login?lang=tr")
    actions.login(world["admin"])  # preference: de
    page = actions.client.get("/home", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="de"' in page


def test_form_errors_are_translated(client):
    page = client.post("/login?lang=ar", data={}).get_data(as_text=True)
    assert "The form could not be verified" not in page or '<html lang="ar"' in page
    actions = Actions(client)
    response = actions.post("/login?lang=ar", {"email": "", "password": ""})
    assert "هذا الحقل مطلوب" in response.get_data(as_text=True)


@pytest.mark.parametrize("code", ["de", "ar", "tr"])
def test_error_pages_are_translated(app, client, code):
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale(code):
        title = gettext("Page not found")
        message = gettext("This page does not exist or you cannot see it.")
    assert title != "Page not found" and message != "This page does not exist or you cannot see it."
    page = client.get(f"/does-not-exist?lang={code}")
    text = page.get_data(as_text=True)
    assert page.status_code == 404
    assert f'<html lang="{code}"' in text
    assert title in text and message in text


def test_dates_follow_the_locale(app, world):
    actions = Actions(app.test_client())
    actions.login(world["admin"])
    german = actions.client.get("/admin/users/?lang=de&status=all").get_data(as_text=True)
    english = actions.client.get("/admin/users/?lang=en&status=all").get_data(as_text=True)
    # Babel: "22.11.2026" in German, "Nov 22, 2026" in English.
    assert re.search(r"\d{2}\.\d{2}\.\d{4}", german)
    assert re.search(r"[A-Z][a-z]{2} \d{1,2}, \d{4}", english)


@pytest.mark.parametrize(
    "url", ["/directory/", "/volunteer/signup", "/portal/login", "/certificates/verify"]
)
def test_public_pages_in_arabic_are_translated_and_rtl(client, url):
    page = client.get(f"{url}?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    leftovers = set(LATIN_WORD.findall(_visible_text(page))) - {"Lotse", "Kümmerer"}
    leftovers -= _latin_words_kept_by_translator("ar")
    assert leftovers == set(), f"{url}: {sorted(leftovers)}"
