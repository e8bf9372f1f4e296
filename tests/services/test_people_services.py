"""Case records against a real database: registration, isolation, audit, aid, households, merge."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.core.clock import utcnow
from caseapp.core.errors import NotFound, StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.people import casework, merging, services
from caseapp.people.models import AidEntry, AidKind, Consultation, Person
from tests.factories.people import (
    TODAY,
    _data,
    _user,
    register,
)


def test_register_creates_case_with_unguessable_number(cw_a, world):
    first = register(cw_a, world["office_a"])
    second = register(cw_a, world["office_a"], given_name="Fatima", sex="f")
    assert re.fullmatch(r"L\d{2}-[A-HJ-NP-Z2-9]{6}", first.case.case_number)
    assert first.case.case_number != second.case.case_number
    assert first.case.status == "open" and first.case.caseworker_id == cw_a.id


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"birth_year": 2030, "birth_month": None, "birth_day": None}, "birth_date"),
        ({"given_name": "   "}, "given_name"),
        ({"family_name": "الحسن"}, "family_name"),
        ({"nationalities": ["XX"]}, "nationalities"),
        ({"languages": [{"code": "zz", "level": "A1"}]}, "languages"),
        ({"email": "no-at-sign"}, "email"),
        ({"arrived_germany_on": date(2030, 1, 1)}, "arrived_germany_on"),
    ],
)
def test_bad_input_is_refused_per_field(cw_a, world, overrides, field):
    with pytest.raises(ValidationFailed) as info:
        services.register_person(
            cw_a, _data(**overrides), office_id=world["office_a"], caseworker_id=None, today=TODAY
        )
    assert field in info.value.errors


def test_cannot_register_for_another_office(cw_a, world):
    with pytest.raises(ValidationFailed):
        services.register_person(
            cw_a, _data(), office_id=world["office_b"], caseworker_id=None, today=TODAY
        )


def test_office_isolation_and_audit_per_read(cw_a, cw_b, world):
    person = register(cw_a, world["office_a"])
    with pytest.raises(NotFound):
        services.get_person(cw_b, person.id)
    before = db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "view"))
    services.get_person(cw_a, person.id)
    db.session.commit()
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "view").order_by(AuditEntry.id.desc())
    ).first()
    assert (
        db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "view"))
        == before + 1
    )
    assert (entry.actor_id, entry.record_type, entry.record_id, entry.office_id) == (
        cw_a.id,
        "person",
        person.id,
        world["office_a"],
    )
    # Lists and searches are scoped too.
    assert services.name_search(cw_b, "Mohammed Al-Hassan") == []
    assert db.session.scalars(services.case_list_query(cw_b)).all() == []


def test_transliteration_tolerant_candidates(cw_a, world):
    register(cw_a, world["office_a"], original_name="محمد الحسن")
    from caseapp.people.namematch import PersonFacts

    found = services.duplicate_candidates(
        cw_a, PersonFacts(id=0, given_name="Muhammad", family_name="Alhasan", birth_year=1988)
    )
    assert [p.given_name for p, _c in found] == ["Mohammed"]
    assert (
        services.duplicate_candidates(
            cw_a, PersonFacts(id=0, given_name="Muhammad", family_name="Alhasan", birth_year=1988)
        )[0][1].score
        > 0.5
    )


def test_search_by_case_number_phone_and_birth_date(cw_a, world):
    person = register(cw_a, world["office_a"], phone="+49 171 2345678")
    register(
        cw_a,
        world["office_a"],
        given_name="Ayşe",
        family_name="Yılmaz",
        birth_year=1990,
        sex="f",
        birth_month=None,
        birth_day=None,
        nationalities=["TR"],
    )

    def names(q):
        return [p.given_name for p in db.session.scalars(services.case_list_query(cw_a, q=q))]

    assert names(person.case.case_number.lower()) == ["Mohammed"]
    assert names("0171 2345678") == ["Mohammed"]
    assert names("1988-03-14") == ["Mohammed"]
    assert names("14.03.1988") == ["Mohammed"]
    assert names("Aysche Yilmaz") == ["Ayşe"]
    assert names("yilmaz") == ["Ayşe"]  # one word: family name prefix


def test_case_status_and_stale_version(cw_a, world):
    case = register(cw_a, world["office_a"]).case
    version = case.version
    casework.update_case(
        cw_a,
        case,
        status="closed",
        closed_reason="moved_away",
        caseworker_id=cw_a.id,
        needs=["housing"],
        vulnerabilities=["disability"],
        loaded_version=version,
    )
    db.session.commit()
    assert case.need_areas == ["housing"] and case.vulnerabilities == ["disability"]
    with pytest.raises(StaleVersion):
        casework.update_case(
            cw_a,
            case,
            status="open",
            closed_reason="",
            caseworker_id=None,
            needs=[],
            vulnerabilities=[],
            loaded_version=version,
        )
    with pytest.raises(ValidationFailed):
        casework.update_case(
            cw_a,
            case,
            status="closed",
            closed_reason="",
            caseworker_id=None,
            needs=[],
            vulnerabilities=[],
            loaded_version=case.version,
        )


def test_consultation_with_next_steps_appears_as_due(cw_a, world):
    case = register(cw_a, world["office_a"]).case
    casework.log_consultation(
        cw_a,
        case,
        casework.ConsultationData(
            at=utcnow() - timedelta(hours=1),
            duration_minutes=30,
            mode="phone",
            need_areas=["work"],
            notes="x",
            steps=[casework.StepData("Lebenslauf mitbringen", TODAY - timedelta(days=2), cw_a.id)],
        ),
        office_id=case.office_id,
    )
    db.session.commit()
    assert case.status == "active"
    assert [s.description for s in casework.due_next_steps(cw_a, TODAY)] == [
        "Lebenslauf mitbringen"
    ]
    with pytest.raises(ValidationFailed) as info:
        casework.log_consultation(
            cw_a,
            case,
            casework.ConsultationData(
                at=utcnow(),
                duration_minutes=0,
                mode="telepathy",
                notes="x" * 10_000,
            ),
            office_id=case.office_id,
        )
    assert {"duration_minutes", "mode", "notes"} <= set(info.value.errors)


def test_repeated_aid_to_household_from_any_office_warns(cw_a, world, make_user):
    head = register(cw_a, world["office_a"])
    wife = register(cw_a, world["office_a"], given_name="Fatima", sex="f")
    casework.link_household(cw_a, wife, head, role="spouse", other_role="head")
    kind = AidKind(name_de="Möbelgutschein", min_interval_days=365)
    db.session.add(kind)
    db.session.commit()
    # Another office (e.g. after a referral) records the first grant for the head of household.
    casework.record_aid(
        None,
        head.case,
        kind_id=kind.id,
        given_on=TODAY - timedelta(days=30),
        value_cents=5000,
        note="",
        override_reason="",
        office_id=world["office_b"],
        today=TODAY,
    )
    db.session.commit()
    with pytest.raises(casework.RepeatedAid) as info:
        casework.record_aid(
            cw_a,
            wife.case,
            kind_id=kind.id,
            given_on=TODAY,
            value_cents=5000,
            note="",
            override_reason="",
            office_id=world["office_a"],
            today=TODAY,
        )
    assert info.value.earlier[0].office_id == world["office_b"]
    entry = casework.record_aid(
        cw_a,
        wife.case,
        kind_id=kind.id,
        given_on=TODAY,
        value_cents=5000,
        note="",
        override_reason="Wohnungsbrand",
        office_id=world["office_a"],
        today=TODAY,
    )
    assert entry.override_reason == "Wohnungsbrand"


def test_merge_moves_everything_and_keeps_original_values(cw_a, world, ctx):
    admin = _user(world["admin"])
    a = register(cw_a, world["office_a"])
    b = register(
        cw_a, world["office_a"], given_name="Muhammad", family_name="Alhasan", phone="0171 1"
    )
    casework.log_consultation(
        cw_a,
        b.case,
        casework.ConsultationData(at=utcnow(), duration_minutes=20, mode="phone"),
        office_id=b.office_id,
    )
    kind = AidKind(name_de="Fahrkarte", min_interval_days=0)
    db.session.add(kind)
    db.session.flush()
    casework.record_aid(
        cw_a,
        b.case,
        kind_id=kind.id,
        given_on=TODAY,
        value_cents=100,
        note="",
        override_reason="",
        office_id=b.office_id,
        today=TODAY,
    )
    casework.record_consent(
        cw_a,
        b.case,
        purpose="reminders",
        receiving_office_id=None,
        scope="",
        given_on=TODAY,
        form="written",
        today=TODAY,
    )
    from caseapp.appointments.models import Appointment

    start = datetime(2026, 12, 1, 9, tzinfo=UTC)
    db.session.add(
        Appointment(
            person_id=b.id,
            office_id=b.office_id,
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
        )
    )
    db.session.commit()
    merging.merge_people(admin, a, b, {"phone": "b"})
    db.session.commit()
    assert a.phone == "0171 1" and a.given_name == "Mohammed"
    assert b.merged_into_id == a.id
    assert (
        db.session.scalar(
            select(func.count(Consultation.id)).where(Consultation.case_id == a.case.id)
        )
        == 1
    )
    assert db.session.scalar(select(func.count(AidEntry.id)).where(AidEntry.person_id == a.id)) == 1
    assert db.session.scalar(select(Appointment.person_id)) == a.id
    with pytest.raises(NotFound):
        services.get_person(cw_a, b.id)  # merged records disappear
    from caseapp.people.models import PersonMerge

    record = db.session.scalar(select(PersonMerge))
    assert record.removed_values["given_name"] == "Muhammad" and record.merged_by_id == admin.id


CSV = (
    "\ufeffexternal_id;given_name;family_name;birth_date;sex;nationality;languages;district;phone;email\n"
    "E-1;Ahmad;Rahimi;1991-02-03;m;AF;fa;;;\n"
    'E-2;Zahra;Rahimi;1993;f;AF;"fa;ps";;;\n'
    "E-3;;Noori;1990;m;AF;fa;;;\n"
    "E-4;Omar;Haddad;2031;m;SY;ar;;;\n"
    'E-5;Olena;Kovalenko;1985-07-09;f;UA;"uk;ru";;;olena@example.org\n'
    "E-6;Too;Many;1990;m;SY;ar;;;;;extra\n"
)


def test_csv_import_reports_bad_rows_and_is_idempotent(cw_a, world):
    from caseapp.people.importing import import_people

    raw = CSV.encode("utf-8")
    report = import_people(None, raw, office_id=world["office_a"], today=TODAY)
    db.session.commit()
    assert report.created == 3, report.errors
    assert [row for row, _reason in report.errors] == [
        4,
        5,
        7,
    ]  # empty name, future birth, extra cells
    again = import_people(None, raw, office_id=world["office_a"], today=TODAY)
    db.session.commit()
    assert again.created == 0 and again.unchanged == 3
    assert db.session.scalar(select(func.count(Person.id))) == 3
    zahra = db.session.scalar(select(Person).where(Person.external_id == "E-2"))
    assert [entry["code"] for entry in zahra.languages] == [
        "fa",
        "ps",
    ] and zahra.birth_month is None


def test_csv_import_refuses_wrong_encoding_and_missing_columns(ctx, world):
    from caseapp.people.importing import import_people

    assert import_people(
        None,
        "external_id,given_name\nä".encode("latin-1"),
        office_id=world["office_a"],
        today=TODAY,
    ).fatal
    report = import_people(
        None, b"external_id,given_name\n1,Ali\n", office_id=world["office_a"], today=TODAY
    )
    assert "family_name" in report.fatal
