"""Case records through the UI: registration, case file, daily work, isolation, least data."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.extensions import db
from caseapp.people.models import AidKind, Consultation, Person
from tests.factories.people_web import (
    MARKER_STATUS,
    _person_id,
    _register,
)
from tests.factories.web import Actions

MARKER_NOTE = "MARKER-NOTE-7f3a"


def test_register_and_open_case_file(registered):
    actions, person_id = registered
    page = actions.client.get(f"/people/{person_id}?lang=en").get_data(as_text=True)
    assert "Mohammed" in page and "محمد الحسن" in page
    assert re.search(r"L\d{2}-[A-Z0-9]{6}", page)
    assert "Recognised refugee" in page and "Arabic" in page


def test_duplicate_is_proposed_before_saving_and_can_be_overridden(app, registered):
    actions, person_id = registered
    response = _register(actions, given_name="Muhammad", family_name="Alhasan", original_name="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"/people/{person_id}" in page and 'name="confirm_new"' in page
    assert 'value="Muhammad"' in page  # typed values kept
    live = actions.client.get(
        "/people/candidates?given_name=Muhamad&family_name=El+Hassan&birth_date=1988"
    )
    assert f"/people/{person_id}" in live.get_data(as_text=True)
    confirmed = _register(
        actions, given_name="Muhammad", family_name="Alhasan", original_name="", confirm_new="y"
    )
    assert confirmed.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Person.id))) == 2


def test_bad_input_gives_translated_messages_and_keeps_values(registered):
    actions, _person_id = registered
    response = actions.post(
        "/people/new?lang=de",
        {
            "given_name": "   ",
            "family_name": "الحسن",
            "birth_date": "2090-01-01",
            "sex": "m",
            "street": "Bahnhofstraße 5",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert (
        page.count('class="invalid-feedback d-block"') >= 3
    )  # given name, family name, birth date
    assert 'value="Bahnhofstraße 5"' in page and '<html lang="de"' in page


def test_double_submission_registers_once(app, world):
    actions = Actions(app.test_client())
    actions.login(world["caseworker_a"])
    token = "0b5c8a1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b"
    first = _register(actions, submission_id=token)
    second = _register(actions, submission_id=token)
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Person.id))) == 1


def test_every_read_of_a_case_file_is_audited(app, registered):
    actions, person_id = registered
    with app.app_context():
        before = db.session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.action == "view", AuditEntry.record_id == person_id
            )
        )
    actions.client.get(f"/people/{person_id}")
    actions.client.get(f"/people/{person_id}")
    with app.app_context():
        after = db.session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.action == "view", AuditEntry.record_id == person_id
            )
        )
    assert after == before + 2


def test_log_consultation_in_seconds_with_defaults(app, registered):
    actions, person_id = registered
    form_page = actions.client.get(f"/people/{person_id}/consultations/new").get_data(as_text=True)
    at = re.search(r'name="at"[^>]*value="([^"]+)"', form_page).group(1)
    response = actions.post(
        f"/people/{person_id}/consultations/new",
        {
            "at": at,
            "duration_minutes": "30",
            "mode": "in_person",
            "need_areas": ["work"],
            "notes": MARKER_NOTE,
            "steps-0-description": "Lebenslauf mitbringen",
            "steps-0-due_on": "2026-01-05",
            "steps-0-owner": re.search(
                r'name="steps-0-owner"[^>]*>\s*<option[^>]*value="(\d+)"', form_page
            ).group(1),
        },
    )
    assert response.status_code == 302
    page = actions.client.get(f"/people/{person_id}?lang=en").get_data(as_text=True)
    assert MARKER_NOTE in page and "Lebenslauf mitbringen" in page
    home = actions.client.get("/home?lang=en").get_data(as_text=True)
    assert "Lebenslauf mitbringen" in home and "overdue" in home


def test_consultation_notes_too_long_are_refused(registered):
    actions, person_id = registered
    response = actions.post(
        f"/people/{person_id}/consultations/new?lang=en",
        {
            "at": "2026-11-20T10:00",
            "duration_minutes": "30",
            "mode": "in_person",
            "notes": "x" * 10_000,
        },
    )
    assert response.status_code == 400
    assert "8000" in response.get_data(as_text=True)


def test_aid_warning_then_override(app, registered):
    actions, person_id = registered
    with app.app_context():
        db.session.add(
            AidKind(name_de="Möbelgutschein", name_ar="قسيمة أثاث", min_interval_days=365)
        )
        db.session.commit()
        kind_id = db.session.scalar(select(AidKind.id))
    data = {"kind": str(kind_id), "given_on": "2026-11-01", "value": "150"}
    assert actions.post(f"/people/{person_id}/aid/new", data).status_code == 302
    warned = actions.post(f"/people/{person_id}/aid/new?lang=en", dict(data, given_on="2026-11-15"))
    assert warned.status_code == 400
    assert "already received this kind of aid recently" in warned.get_data(as_text=True)
    saved = actions.post(
        f"/people/{person_id}/aid/new",
        dict(data, given_on="2026-11-15", override_reason="Wasserschaden"),
    )
    assert saved.status_code == 302


def test_household_link_shows_on_case_file(app, registered):
    actions, person_id = registered
    wife = _person_id(
        _register(
            actions,
            given_name="Fatima",
            sex="f",
            original_name="",
            birth_date="1990",
            confirm_new="y",
        )
    )
    response = actions.post(
        f"/people/{wife}/household",
        {"other": str(person_id), "role": "spouse", "other_role": "head"},
    )
    assert response.status_code == 302
    page = actions.client.get(f"/people/{person_id}?lang=en").get_data(as_text=True)
    assert "Fatima" in page and "Head of household" in page


def test_refused_household_link_says_why(app, registered):
    actions, person_id = registered
    response = actions.post(
        f"/people/{person_id}/household?lang=en",
        {"other": str(person_id), "role": "spouse", "other_role": "head"},
    )
    assert response.status_code == 400
    assert "Choose another person." in response.get_data(as_text=True)


def test_caseworker_of_other_office_gets_404_everywhere(app, world, registered):
    _actions, person_id = registered
    other = Actions(app.test_client())
    other.login(world["caseworker_b"])
    for url in [
        f"/people/{person_id}",
        f"/people/{person_id}/edit",
        f"/people/{person_id}/case",
        f"/people/{person_id}/consultations/new",
        f"/people/{person_id}/aid/new",
        f"/people/{person_id}/consents/new",
        f"/people/{person_id}/household",
    ]:
        assert other.client.get(url).status_code == 404, url
    assert other.post(f"/people/{person_id}/household/leave", {}).status_code == 404
    listing = other.client.get("/people/?q=Mohammed").get_data(as_text=True)
    assert "Al-Hassan" not in listing
    live = other.client.get("/people/candidates?given_name=Mohammed&family_name=Al-Hassan")
    assert "Al-Hassan" not in live.get_data(as_text=True)


@pytest.mark.parametrize("role", ["volunteer", "newcomer", "coordinator"])
def test_least_data_no_case_data_for_other_roles(app, world, registered, role):
    actions, person_id = registered
    actions.post(
        f"/people/{person_id}/consultations/new",
        {
            "at": "2026-11-20T10:00",
            "duration_minutes": "30",
            "mode": "in_person",
            "notes": MARKER_NOTE,
        },
    )
    visitor = Actions(app.test_client())
    visitor.login(world[role])
    urls = [
        "/home",
        "/account",
        f"/people/{person_id}",
        "/people/",
        "/people/candidates?given_name=Mohammed",
    ]
    for url in urls:
        page = visitor.client.get(url).get_data(as_text=True)
        assert MARKER_NOTE not in page and MARKER_STATUS not in page, url


def test_stale_person_edit_is_refused(app, registered):
    actions, person_id = registered
    with app.app_context():
        version = db.session.get(Person, person_id).version
    base = {
        "given_name": "Mohammed",
        "family_name": "Al-Hassan",
        "birth_date": "1988-03-14",
        "sex": "m",
        "version": str(version),
    }
    assert actions.post(f"/people/{person_id}/edit", dict(base, phone="0171 1")).status_code == 302
    clash = actions.post(f"/people/{person_id}/edit", dict(base, phone="0171 2"))
    assert clash.status_code == 409


def test_stale_person_edit_shows_both_versions_on_the_shared_conflict_page(app, registered):
    actions, person_id = registered
    with app.app_context():
        version = db.session.get(Person, person_id).version
    base = {
        "given_name": "Mohammed",
        "family_name": "Al-Hassan",
        "birth_date": "1988-03-14",
        "sex": "m",
        "version": str(version),
    }
    actions.post(f"/people/{person_id}/edit", dict(base, phone="0171 111"))
    clash = actions.post(f"/people/{person_id}/edit?lang=en", dict(base, phone="0171 222"))
    assert clash.status_code == 409
    page = clash.get_data(as_text=True)
    assert "0171 111" in page and "0171 222" in page  # saved meanwhile beside what was typed
    assert "<bdi>1988-03-14</bdi>" in page and "<bdi>male</bdi>" in page  # as the form shows them
    assert f'href="/people/{person_id}/edit"' in page
    with app.app_context():
        assert db.session.get(Person, person_id).phone == "0171 111"


def test_stale_case_edit_shows_the_shared_conflict_page(app, registered):
    actions, person_id = registered
    with app.app_context():
        version = db.session.get(Person, person_id).case.version
    form = {"status": "active", "caseworker": "0", "version": str(version)}
    assert actions.post(f"/people/{person_id}/case", form).status_code == 302
    clash = actions.post(
        f"/people/{person_id}/case?lang=en", dict(form, status="closed", closed_reason="moved_away")
    )
    assert clash.status_code == 409
    page = clash.get_data(as_text=True)
    assert "<bdi>active</bdi>" in page and "<bdi>closed</bdi>" in page
    assert "<bdi>Moved away</bdi>" in page
    assert f'href="/people/{person_id}/case"' in page


def test_xss_in_notes_renders_inert(registered):
    actions, person_id = registered
    payload = "<script>alert(1)</script><b onmouseover=alert(2)>مرحبا Merhaba</b>"
    actions.post(
        f"/people/{person_id}/consultations/new",
        {"at": "2026-11-20T10:00", "duration_minutes": "30", "mode": "in_person", "notes": payload},
    )
    page = actions.client.get(f"/people/{person_id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_admin_import_merge_and_duplicates_pages(app, world):
    admin = Actions(app.test_client())
    admin.login(world["admin"])
    csv_bytes = (
        b"external_id,given_name,family_name,birth_date,sex,nationality,languages,district,phone,email\n"
        b"X1,Mohammed,Al-Hassan,1988-03-14,m,SY,ar,,,\n"
        b"X2,Muhammad,Alhasan,1988-03-14,m,SY,ar,,,\n"
        b"X3,Fatima,,1990,f,SY,ar,,,\n"
    )
    response = admin.post(
        "/people/import?lang=en",
        {"office": str(world["office_a"]), "file": (io.BytesIO(csv_bytes), "people.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert "2 persons added" in page and "1 row rejected" in page
    duplicates = admin.client.get("/people/duplicates?lang=en").get_data(as_text=True)
    match = re.search(r"/people/merge\?a=(\d+)&amp;b=(\d+)", duplicates)
    assert match, duplicates[:3000]
    a, b = match.groups()
    assert admin.client.get(f"/people/merge?a={a}&b={b}").status_code == 200
    merged = admin.post(f"/people/merge?a={a}&b={b}", {"survivor": "a", "given_name": "b"})
    assert merged.status_code == 302
    with app.app_context():
        assert db.session.get(Person, int(b)).merged_into_id == int(a)
        assert db.session.scalar(select(func.count(Consultation.id))) == 0


def test_people_cli_import_and_duplicates_json(app, world, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "external_id;given_name;family_name;birth_date;sex;nationality;languages;district;phone;email\n"
        "K1;Ayşe;Özdemir;1979;f;TR;tr;;;\nK2;Aysche;Oezdemir;1979;f;TR;tr;;;\n",
        encoding="utf-8",
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 0 and "created 2" in result.output
    result = runner.invoke(args=["people", "duplicates", "--json"])
    import json

    pairs = json.loads(result.output)
    assert {pairs[0]["a"]["external_id"], pairs[0]["b"]["external_id"]} == {"K1", "K2"}


def test_case_file_shows_the_sections_other_packages_register(registered, monkeypatch):
    from caseapp.people import sections

    actions, person_id = registered
    # appointments, referrals and matches register from their own sections modules (feature
    # packages such as deadlines add theirs; the core ones keep their order)
    core = ["appointments", "next_steps", "referrals", "matches"]
    assert [s.name for s in sections.registered_sections() if s.name in core] == core
    core = ["casework", "referrals", "appointments", "matches"]
    assert [t.name for t in sections.registered_timelines() if t.name in core] == core
    page = actions.client.get(f"/people/{person_id}?lang=en").get_data(as_text=True)
    for heading in ("h-appointments", "h-steps", "h-referrals", "h-matching"):
        assert f'id="{heading}"' in page, heading
    # The status change of the registration comes through the people's own timeline source.
    assert "Status</strong>" in page
    # The page shows what is registered, nothing else.
    monkeypatch.setattr(
        sections, "_sections", {k: v for k, v in sections._sections.items() if k != "appointments"}
    )
    page = actions.client.get(f"/people/{person_id}?lang=en").get_data(as_text=True)
    assert 'id="h-appointments"' not in page and 'id="h-matching"' in page


def _search(actions, q, **extra):
    return actions.post("/people/?lang=en", {"q": q, **extra}).get_data(as_text=True)


def test_search_box_in_the_navbar_and_on_the_start_page(registered):
    actions, person_id = registered
    for url in ("/home?lang=en", f"/people/{person_id}?lang=en", "/people/?lang=en"):
        page = actions.client.get(url).get_data(as_text=True)
        form = re.search(r'<form method="post" action="/people/"[^>]*id="navbar-search"', page)
        assert form and 'id="navbar-q"' in page and 'aria-keyshortcuts="/"' in page, url
        assert "js/search.js" in page
    home = actions.client.get("/home?lang=en").get_data(as_text=True)
    assert 'id="home-search"' in home and 'data-live-search="#home-results"' in home


def test_no_search_box_for_roles_without_case_records(app, world):
    visitor = Actions(app.test_client())
    visitor.login(world["volunteer"])
    assert 'id="navbar-search"' not in visitor.client.get("/home").get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("Mohammed", "name as typed"),
        ("Muhamad", "spelling variant of the given name"),
        ("Alhasan", "spelling variant of the family name"),
        ("محمد", "name as typed"),
        ("Mohammed 1988", "same year of birth"),
        ("0171 2345678", "phone number"),
    ],
)
def test_search_results_say_why_and_offer_the_next_actions(registered, query, reason):
    actions, person_id = registered
    page = _search(actions, query)
    assert f"/people/{person_id}" in page and reason in page, page[-3000:]
    for action in (
        f"/people/{person_id}/consultations/new",
        f"/appointments/person/{person_id}/new",
        f"/people/{person_id}/aid/new",
    ):
        assert action in page


def test_search_by_case_number_in_any_spelling(app, registered):
    actions, person_id = registered
    with app.app_context():
        number = db.session.get(Person, person_id).case.case_number
    for query in (number.lower().replace("-", " "), number[4:], number.replace("-", "")):
        page = _search(actions, query)
        assert f"/people/{person_id}" in page and "case number" in page, query


def test_results_as_you_type_come_as_a_fragment(registered):
    actions, person_id = registered
    fragment = _search(actions, "Moh", fragment="1")
    assert "<html" not in fragment and f"/people/{person_id}" in fragment
    compact = _search(actions, "Moh", fragment="1", compact="1")
    assert "<table" not in compact and f"/people/{person_id}" in compact
    assert "at least two letters" in _search(actions, "M", fragment="1")


def test_empty_search_shows_near_matches_before_offering_a_registration(registered):
    actions, person_id = registered
    near = _search(actions, "Mohammed Barakat")
    assert "match some of them" in near and f"/people/{person_id}" in near
    assert near.index(f"/people/{person_id}") < near.index(
        'href="/people/new"', near.index("match some")
    )
    nothing = _search(actions, "Zzyzx")
    assert "Nobody in your offices" in nothing and "Check the spelling" not in nothing


def test_search_filters_and_odd_input(registered):
    actions, person_id = registered
    assert f"/people/{person_id}" not in _search(actions, "Mohammed", status="closed")
    assert f"/people/{person_id}" in _search(actions, "Mohammed", status="open")
    for odd in ("%", "_", "\\", "R" * 500, "\u200fمحمد\u200e", "Mo%", "' OR 1=1 --"):
        response = actions.post("/people/?lang=en", {"q": odd})
        assert response.status_code == 200, odd
    # Filters without a search go back to a plain list the browser can bookmark.
    response = actions.post("/people/", {"q": "", "status": "open"})
    assert response.status_code == 302 and response.headers["Location"].endswith("status=open")


def test_search_and_candidates_keep_names_out_of_urls(app, registered):
    """What an access log records (method, path, query string) never holds a typed name."""
    actions, person_id = registered
    logged = []
    inner = app.wsgi_app

    def logging_app(environ, start_response):
        line = (
            f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO')}?{environ.get('QUERY_STRING')}"
        )
        logged.append(line)
        return inner(environ, start_response)

    app.wsgi_app = logging_app
    try:
        home = actions.client.get("/home").get_data(as_text=True)
        action = re.search(r'<form method="post" action="([^"]+)"[^>]*id="navbar-search"', home)
        actions.post(action.group(1), {"q": "Mohammed Al-Hassan", "compact": "1", "fragment": "1"})
        actions.post(action.group(1), {"q": "Mohammed Al-Hassan"})
        form = actions.client.get("/people/new").get_data(as_text=True)
        url = re.search(r'data-candidates-url="([^"]+)"', form).group(1)
        live = actions.post(
            url, {"given_name": "Muhamad", "family_name": "El Hassan", "birth_date": "1988"}
        )
        assert f"/people/{person_id}" in live.get_data(as_text=True)
    finally:
        app.wsgi_app = inner
    assert logged and not [line for line in logged if "Hassan" in line or "Muhamad" in line]
    script = (Path(app.static_folder) / "js" / "candidates.js").read_text(encoding="utf-8")
    assert 'method: "POST"' in script and '"?"' not in script
    search_js = (Path(app.static_folder) / "js" / "search.js").read_text(encoding="utf-8")
    assert 'method: "POST"' in search_js


def test_duplicate_review_tiers_decisions_and_scan(app, world):
    worker = Actions(app.test_client())
    worker.login(world["caseworker_a"])
    first = _person_id(_register(worker))
    second = _person_id(
        _register(
            worker, given_name="Muhammad", family_name="Alhasan", original_name="", confirm_new="y"
        )
    )
    admin = Actions(app.test_client())
    admin.login(world["admin"])
    page = admin.client.get("/people/duplicates?lang=en").get_data(as_text=True)
    assert "Almost certainly the same person" in page and "Same name only" in page
    assert f"/people/merge?a={first}&amp;b={second}" in page
    assert "same phone number" in page and "same date of birth" in page
    # The scan stores its result; the page then shows the stored queue.
    scanned = admin.post("/people/duplicates?lang=en", {"action": "scan"})
    assert scanned.status_code == 302
    assert "1 left" in admin.client.get("/people/duplicates?lang=en").get_data(as_text=True)
    # Same person: on to the merge page with both records.
    same = admin.post("/people/duplicates", {"action": "same", "a": first, "b": second})
    assert same.headers["Location"].endswith(f"/people/merge?a={first}&b={second}")
    # Not the same person: gone from the queue, and it stays gone after the next scan.
    admin.post("/people/duplicates", {"action": "different", "a": second, "b": first})
    admin.post("/people/duplicates", {"action": "scan"})
    page = admin.client.get("/people/duplicates?lang=en").get_data(as_text=True)
    assert f"a={first}&amp;b={second}" not in page and "0 left" in page
    # Searching the "same name only" tier is POSTed and never fails.
    found = admin.post(
        "/people/duplicates?lang=en", {"action": "find", "tier": "name_only", "name": "Mohammed"}
    )
    assert found.status_code == 200 and "Same name only" in found.get_data(as_text=True)
    assert admin.post("/people/duplicates", {"action": "decide", "a": 1, "b": 2}).status_code == 302


def test_registration_hint_names_the_tier(registered):
    actions, person_id = registered
    hint = actions.post(
        "/people/candidates?lang=en",
        {"given_name": "Muhamad", "family_name": "El Hassan", "birth_date": "1988-03-14"},
    ).get_data(as_text=True)
    assert f"/people/{person_id}" in hint and "Almost certainly the same person" in hint


def test_people_cli_duplicates_lists_the_stored_scans_pairs_by_tier(app, world, tmp_path):
    """`flask people duplicates` lists what the review page lists: the latest scan's open
    pairs with tier and reasons; a "not the same person" decision takes a pair off."""
    import json

    path = tmp_path / "p.csv"
    path.write_text(
        "external_id;given_name;family_name;birth_date;sex;nationality;languages;district;phone;email\n"
        "K1;Rania;Khalil;1991-06-02;f;SY;ar;;0171 5550001;\n"
        "K2;Ranya;Chalil;1991;f;SY;ar;;+49 171 5550001;\n"
        "K3;Ahmad;Karimi;1995;m;AF;fa;;;\nK4;Ahmad;Karimi;1995;m;AF;fa;;;\n",
        encoding="utf-8",
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["people", "import", str(path)]).exit_code == 0
    result = runner.invoke(args=["people", "duplicates", "--json", "--tier", "listed"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert [{r["a"]["external_id"], r["b"]["external_id"]} for r in listed] == [{"K1", "K2"}]
    assert listed[0]["tier"] == "certain" and "same_phone" in listed[0]["reasons"]
    every = json.loads(runner.invoke(args=["people", "duplicates", "--json"]).output)
    assert [r["tier"] for r in every] == ["certain", "name_only"]
    with app.app_context():
        from caseapp.people.services import duplicates

        pair = every[1]
        duplicates.decide(None, pair["a"]["id"], pair["b"]["id"], "different")
        db.session.commit()
    table = runner.invoke(args=["people", "duplicates"]).output
    assert "Karimi" not in table and "1 pairs from scan" in table
