"""The yearly report (PDF sections, CSV, the CLI), who sees which report, barrier tagging."""

from __future__ import annotations

import csv
import io

import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import select

from caseapp.audit.models import AuditEntry
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.people.models import Consultation
from caseapp.reports import services, yearly
from caseapp.reports.cube import CITY
from caseapp.reports.indicators import SECTIONS
from caseapp.reports.models import ConsultationBarrier
from tests.factories import reports_world


@pytest.fixture
def world(app, ctx):
    return reports_world.build()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_yearly_pdf_has_title_key_figures_sections_barriers_and_method(world):
    content = yearly.pdf(2026, "de")
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    with force_locale("de"):
        from caseapp.i18n import _

        expected = [
            _("Integration report %(year)s", year=2026),
            _("Key figures"),
            _("Fields of action"),
            *[str(title) for title in SECTIONS.values()],
            _("Structural barriers by field of action"),
            _("Method"),
            _("New registrations"),
        ]
    for heading in expected:
        assert heading in text, heading
    # The change against 2025: six appointments in 2026, none in 2025.
    assert "+6" in text


@pytest.mark.parametrize("language", ["ar", "tr", "en"])
def test_yearly_pdf_in_other_languages(world, language):
    content = yearly.pdf(2026, language)
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) > 8
    assert reader.metadata.title


def test_yearly_csv_one_row_per_figure_area_category_period(world):
    content = yearly.csv(2026, "de")
    assert content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8")[1:]), delimiter=";"))
    keys = {r["Schlüssel"] for r in rows}
    assert len(keys) == len(rows)  # one row per indicator × breakdown × area × period
    assert "registrations/all/count|city|2026" in keys
    assert f"registrations/all/count|office:{world['a']}|2026-Q1" in keys
    assert "registrations/all/count|district:none|2026" in keys
    assert f"referrals_received_status/all/count|office:{world['b']}|2026" in keys
    by_key = {r["Schlüssel"]: r for r in rows}
    assert by_key["registrations/all/count|city|2026"]["Wert"] == "5"
    assert by_key[f"registrations/all/count|office:{world['a']}|2026"]["Wert"] == "<5"


def test_cli_writes_pdf_and_csv(app, world, tmp_path):
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["reports", "integration", "--year", "2026", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "integration-report-2026.pdf").read_bytes().startswith(b"%PDF")
    assert (
        (tmp_path / "out" / "integration-report-2026.csv")
        .read_bytes()
        .startswith("\ufeffSchlüssel".encode())
    )
    bad = app.test_cli_runner().invoke(
        args=["reports", "integration", "--year", "2026", "--out", str(tmp_path), "--lang", "xx"]
    )
    assert bad.exit_code != 0


def _user(email_roles, offices=()):
    from caseapp.users.services import UserData, create_user

    user = create_user(
        None,
        UserData(
            email=f"{'-'.join(email_roles)}-{'-'.join(map(str, offices))}@aud.example",
            display_name="U",
            roles=list(email_roles),
            office_ids=list(offices),
        ),
        "a long enough password 2026",
    )
    db.session.flush()
    return user


def test_audience_per_role(world):
    caseworker = _user(["caseworker"], [world["a"]])
    coordinator = _user(["coordinator"])
    reporter = _user(["reports"])
    seen = services.audience(caseworker)
    assert seen.areas("casework") == [("office", world["a"])]
    assert "volunteering" not in seen.sections and not seen.yearly_report
    seen = services.audience(coordinator)
    assert set(seen.sections) == {"volunteering", "matching"}
    assert CITY in seen.areas("matching") and ("district", None) in seen.areas("matching")
    assert not any(a[0] == "office" for a in seen.areas("matching"))
    seen = services.audience(reporter)
    assert seen.yearly_report and set(seen.sections) == set(SECTIONS)
    assert ("office", world["b"]) in seen.areas("casework")
    assert reporter.is_staff  # staff password rules apply to the reports permission


def test_tag_barriers_replaces_tags_and_is_audited(world):
    worker = _user(["caseworker"], [world["a"]])
    consultation = db.session.scalars(
        select(Consultation).where(Consultation.office_id == world["a"]).order_by(Consultation.at)
    ).first()
    codes = services.tag_barriers(
        worker, consultation, ["kita_place", "recognition", "kita_place"], "  Kita voll  "
    )
    assert codes == ["kita_place", "recognition"]
    rows = services.barriers_of([consultation.id])[consultation.id]
    assert [(r.code, r.note) for r in rows] == [
        ("kita_place", "Kita voll"),
        ("recognition", "Kita voll"),
    ]
    services.tag_barriers(worker, consultation, ["housing_market"], "")
    assert [r.code for r in services.barriers_of([consultation.id])[consultation.id]] == [
        "housing_market"
    ]
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "tag_barriers").order_by(AuditEntry.id)
    ).all()[-1]
    assert entry.details["barriers"] == ["kita_place,recognition", "housing_market"]
    assert entry.office_id == world["a"]


def test_tag_barriers_refuses_unknown_codes_long_notes_and_other_offices(world):
    worker_b = _user(["caseworker"], [world["b"]])
    consultation = db.session.scalars(
        select(Consultation).where(Consultation.office_id == world["a"])
    ).first()
    with pytest.raises(NotFound):
        services.tag_barriers(worker_b, consultation, ["kita_place"], "")
    worker_a = _user(["caseworker"], [world["a"]])
    with pytest.raises(ValidationFailed) as refused:
        services.tag_barriers(worker_a, consultation, ["no_such_barrier"], "")
    assert "barriers" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        services.tag_barriers(worker_a, consultation, ["kita_place"], "x" * 301)
    assert "barrier_note" in refused.value.errors
    assert (
        db.session.scalar(
            select(ConsultationBarrier.id).where(
                ConsultationBarrier.consultation_id == consultation.id,
                ConsultationBarrier.code == "no_such_barrier",
            )
        )
        is None
    )


def test_snapshots_round_trip_and_serve_while_fresh(app, world, clock):
    from caseapp.people.models import Case, Person
    from caseapp.reports import snapshots
    from caseapp.reports.cube import ALL
    from caseapp.reports.periods import Period
    from caseapp.reports.services import Report, refresh

    live = Report(2026, stored=False).cube("registrations")
    assert snapshots.load(snapshots.dump(live)).measures == live.measures
    assert snapshots.load(snapshots.dump(live)).hidden == live.hidden

    done = refresh([2026])
    assert {key for key, _year, _s in done} >= {"registrations", "barriers", "cases_open"}
    # A registration after the refresh: the stored figure stays until it is refreshed ...
    person = Person(office_id=world["a"], given_name="Neu", family_name="Test")
    db.session.add(person)
    db.session.flush()
    db.session.add(Case(case_number="T-new", person_id=person.id, office_id=world["a"]))
    db.session.flush()
    stored = Report(2026)
    assert stored.cube("registrations").value(CITY, ALL, Period(2026)) == 5
    assert stored.as_of is not None
    # ... or too old (60 minutes): then the page computes live.
    clock.advance(minutes=61)
    later = Report(2026)
    assert later.cube("registrations").value(CITY, ALL, Period(2026)) == 6
    assert later.as_of is None


def test_refresh_command(app, world):
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reports", "refresh", "--year", "2026"])
    assert result.exit_code == 0, result.output
    assert "2026" in result.output
