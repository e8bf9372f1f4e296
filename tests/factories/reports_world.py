"""A small world with hand-counted figures for the report tests (rows written directly, with
the instants and dates the figures depend on).

Year 2026, the clock frozen at 2026-11-30 09:30 Berlin. Offices A and B, districts Nord and
Süd. The expected figures are written next to the rows in tests/services/test_reports.py.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from caseapp.appointments.models import Appointment, RescheduleRequest
from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.matches.models import Match, MatchRequest
from caseapp.offices.models import District, Office
from caseapp.people.models import (
    AidEntry,
    AidKind,
    Case,
    CaseStatusChange,
    Consultation,
    NextStep,
    Person,
)
from caseapp.referrals.models import Referral, ReferralEvent, Service
from caseapp.reports.models import ConsultationBarrier
from caseapp.volunteers.models import Application, Certificate, HoursEntry, Programme, Volunteer

BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str) -> datetime:
    """'2026-01-15 10:00' Berlin wall time as an aware instant."""
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def d(text: str) -> date:
    return date.fromisoformat(text)


def build() -> dict:
    s = db.session
    a = Office(name="Integrationszentrum A", kind="integration_centre")
    b = Office(name="Sozialamt B", kind="social_welfare_office")
    north, south = District(name="Nord"), District(name="Süd")
    s.add_all([a, b, north, south])
    s.flush()

    def person(n, office, district, sex, birth, nats, langs, created, merged_into=None):
        p = Person(
            office_id=office.id,
            given_name=f"P{n}",
            family_name="Test",
            district_id=district.id if district else None,
            sex=sex,
            birth_year=birth,
            nationalities=nats,
            languages=[{"code": c, "level": "native"} for c in langs],
            merged_into_id=merged_into,
            created_at=created,
            updated_at=created,
        )
        s.add(p)
        s.flush()
        c = Case(
            case_number=f"T-{n}",
            person_id=p.id,
            office_id=office.id,
            status="open",
            created_at=created,
            updated_at=created,
        )
        s.add(c)
        s.flush()
        s.add(CaseStatusChange(case_id=c.id, to_status="open", at=created))
        return p, c

    p1, c1 = person(1, a, north, "f", 1990, ["SY"], ["ar"], at("2026-01-15 10:00"))
    p2, c2 = person(2, a, north, "m", 2010, ["AF"], ["fa"], at("2026-02-10 10:00"))
    p3, c3 = person(3, a, south, "f", 1960, ["UA"], ["uk"], at("2026-02-20 10:00"))
    p4, c4 = person(4, b, south, "m", 1985, ["XX"], [], at("2026-04-03 10:00"))
    # Just after midnight in Berlin on 1 July: still 30 June in UTC, but July here.
    p5, c5 = person(5, b, None, "", None, [], [], at("2026-07-01 00:30"))
    p6, c6 = person(6, a, north, "f", 1995, ["SY"], ["ar"], at("2025-12-31 23:30"))
    _p7, _c7 = person(7, a, north, "f", 1991, ["SY"], ["ar"], at("2026-03-01 10:00"), p1.id)

    def change(case, to, when, reason="", frm=""):
        s.add(
            CaseStatusChange(
                case_id=case.id, from_status=frm, to_status=to, reason=reason, at=at(when)
            )
        )

    change(c1, "active", "2026-01-20 10:00")
    change(c1, "closed", "2026-05-10 10:00", "goals_reached")
    c1.status, c1.closed_reason = "closed", "goals_reached"
    change(c2, "active", "2026-02-12 10:00")
    change(c2, "on_hold", "2026-03-15 10:00")
    c2.status = "on_hold"
    change(c3, "active", "2026-03-05 10:00")
    c3.status = "active"
    change(c4, "active", "2026-04-10 10:00")
    change(c4, "closed", "2026-06-01 10:00", "moved_away")
    change(c4, "active", "2026-08-01 10:00")
    c4.status = "active"

    def consult(case, office, when, mode, needs):
        row = Consultation(
            case_id=case.id,
            office_id=office.id,
            at=at(when),
            duration_minutes=30,
            mode=mode,
            need_areas=needs,
        )
        s.add(row)
        s.flush()
        return row

    k1 = consult(c1, a, "2026-01-20 10:00", "in_person", ["housing", "work"])
    k2 = consult(c1, a, "2026-03-03 10:00", "in_person", ["housing"])
    consult(c2, a, "2026-02-12 10:00", "phone", ["education"])
    consult(c3, a, "2026-03-05 10:00", "video", [])
    k5 = consult(c4, b, "2026-04-10 10:00", "in_person", ["work"])
    consult(c4, b, "2026-08-05 10:00", "phone", ["work", "legal"])
    k7 = consult(c6, a, "2025-12-20 10:00", "in_person", ["housing"])
    consult(c6, a, "2026-01-10 10:00", "home_visit", ["housing"])

    def step(case, due, done=None):
        s.add(
            NextStep(
                case_id=case.id,
                description="Schritt",
                due_on=d(due),
                done_at=at(done) if done else None,
            )
        )

    step(c1, "2026-01-25", "2026-01-24 12:00")  # on time
    step(c1, "2026-03-10", "2026-03-11 00:30")  # late (still 10 March in UTC)
    step(c2, "2026-11-20")  # overdue
    step(c4, "2026-12-05")  # not yet due
    step(c3, "2026-06-30", "2026-06-30 23:30")  # on time (1 July in UTC)

    furniture = AidKind(name_de="Möbelgutschein", min_interval_days=180)
    ticket = AidKind(name_de="Fahrkarte")
    s.add_all([furniture, ticket])
    s.flush()

    def aid(p, case, kind, office, given, cents, override=""):
        s.add(
            AidEntry(
                case_id=case.id,
                person_id=p.id,
                aid_kind_id=kind.id,
                office_id=office.id,
                given_on=d(given),
                value_cents=cents,
                override_reason=override,
            )
        )

    aid(p1, c1, furniture, a, "2026-01-20", 15000)
    aid(p2, c2, furniture, a, "2026-02-15", 10000)
    aid(p1, c1, furniture, a, "2026-03-01", 5000, "Wasserschaden")
    aid(p4, c4, ticket, b, "2026-04-12", 4990)
    aid(p3, c3, ticket, a, "2025-11-01", 2000)

    service_b = Service(office_id=b.id, name_de="Beratung B")
    service_a = Service(office_id=a.id, name_de="Beratung A")
    s.add_all([service_a, service_b])
    s.flush()

    def referral(p, case, frm, to, service, need, sent, respond_by, status, events=()):
        r = Referral(
            person_id=p.id,
            case_id=case.id,
            from_office_id=frm.id,
            to_office_id=to.id,
            service_id=service.id,
            need=need,
            status=status,
            sent_at=at(sent) if sent else None,
            respond_by=at(respond_by) if respond_by else None,
        )
        s.add(r)
        s.flush()
        for to_status, when in (("sent", sent), *events) if sent else ():
            s.add(ReferralEvent(referral_id=r.id, to_status=to_status, at=at(when)))
        return r

    referral(
        p1,
        c1,
        a,
        b,
        service_b,
        "work",
        "2026-02-01 10:00",
        "2026-02-06 10:00",
        "completed",
        [
            ("accepted", "2026-02-03 10:00"),
            ("in_progress", "2026-02-04 10:00"),
            ("completed", "2026-03-03 10:00"),
        ],
    )
    referral(
        p2,
        c2,
        a,
        b,
        service_b,
        "education",
        "2026-03-01 10:00",
        "2026-03-06 10:00",
        "declined",
        [("declined", "2026-03-09 10:00")],
    )
    referral(p4, c4, b, a, service_a, "housing", "2026-11-20 10:00", "2026-11-25 10:00", "sent")
    referral(p3, c3, a, b, service_b, "health", None, None, "draft")
    referral(p5, c5, b, a, service_a, "health", "2026-11-28 10:00", "2026-12-03 10:00", "sent")

    def appointment(p, office, start, status, need=""):
        row = Appointment(
            person_id=p.id,
            office_id=office.id,
            starts_at=at(start),
            ends_at=at(start.replace("10:00", "10:30")),
            status=status,
            need_area=need,
        )
        s.add(row)
        s.flush()
        return row

    appointment(p1, a, "2026-01-22 10:00", "attended", "housing")
    appointment(p1, a, "2026-02-22 10:00", "no_show", "housing")
    ap3 = appointment(p2, a, "2026-03-01 10:00", "attended", "education")
    appointment(p4, b, "2026-04-15 10:00", "cancelled")
    ap5 = appointment(p3, a, "2026-12-10 10:00", "scheduled")
    appointment(p2, a, "2026-05-05 10:00", "cancelled_by_newcomer")
    s.add_all(
        [
            RescheduleRequest(appointment_id=ap5.id, requested_at=at("2026-11-25 10:00")),
            RescheduleRequest(
                appointment_id=ap3.id,
                requested_at=at("2026-02-25 10:00"),
                handled_at=at("2026-02-26 10:00"),
            ),
        ]
    )

    mentoring = Programme(kind="mentor", name_de="Mentoring")
    language = Programme(kind="language_partner", name_de="Sprachpatenschaft")
    s.add_all([mentoring, language])
    s.flush()

    def volunteer(n, district, created):
        user = User(email=f"v{n}@world.example", display_name=f"V{n}")
        s.add(user)
        s.flush()
        v = Volunteer(
            user_id=user.id,
            district_id=district.id if district else None,
            created_at=at(created),
            updated_at=at(created),
        )
        s.add(v)
        s.flush()
        return v

    v1 = volunteer(1, north, "2026-01-05 10:00")
    v2 = volunteer(2, south, "2026-03-05 10:00")
    v3 = volunteer(3, None, "2025-10-01 10:00")
    v4 = volunteer(4, north, "2026-06-01 10:00")

    def application(v, programme, status, decided=None):
        s.add(
            Application(
                volunteer_id=v.id,
                programme_id=programme.id,
                status=status,
                decided_at=at(decided) if decided else None,
            )
        )

    application(v1, mentoring, "trained", "2026-01-10 10:00")
    application(v2, mentoring, "declined", "2026-03-10 10:00")
    application(v2, language, "approved", "2026-03-12 10:00")
    application(v3, language, "active", "2025-10-05 10:00")
    application(v4, mentoring, "applied")
    s.add_all(
        [
            Certificate(
                volunteer_id=v1.id,
                programme_id=mentoring.id,
                code="C-1",
                issued_at=at("2026-02-01 10:00"),
            ),
            Certificate(
                volunteer_id=v3.id,
                programme_id=language.id,
                code="C-3",
                issued_at=at("2026-01-15 10:00"),
            ),
        ]
    )

    def hours(v, programme, day, minutes):
        s.add(HoursEntry(volunteer_id=v.id, programme_id=programme.id, day=d(day), minutes=minutes))

    hours(v1, mentoring, "2026-02-10", 90)
    hours(v1, mentoring, "2026-02-20", 60)
    hours(v3, language, "2026-03-01", 120)
    hours(v2, language, "2026-05-01", 30)

    def match(programme, p, v, waiting, started, ended=None, reason=""):
        request = MatchRequest(
            programme_id=programme.id, person_id=p.id, waiting_since=d(waiting), status="matched"
        )
        s.add(request)
        s.flush()
        s.add(
            Match(
                request_id=request.id,
                programme_id=programme.id,
                person_id=p.id,
                volunteer_id=v.id,
                status="ended" if ended else "active",
                started_on=d(started),
                planned_end_on=d("2027-01-01"),
                ended_on=d(ended) if ended else None,
                end_reason=reason,
            )
        )

    match(mentoring, p1, v1, "2025-12-01", "2026-01-20")
    match(language, p2, v3, "2026-01-10", "2026-02-15", "2026-04-01", "moved_away")
    match(language, p3, v3, "2026-02-01", "2026-03-01", "2026-10-15", "completed")
    match(mentoring, p4, v1, "2025-06-01", "2025-09-01")

    s.add_all(
        [
            ConsultationBarrier(consultation_id=k1.id, code="housing_market"),
            ConsultationBarrier(consultation_id=k1.id, code="recognition"),
            ConsultationBarrier(consultation_id=k2.id, code="housing_market"),
            ConsultationBarrier(consultation_id=k5.id, code="kita_place"),
            ConsultationBarrier(consultation_id=k7.id, code="housing_market"),
        ]
    )
    s.commit()
    return {
        "a": a.id,
        "b": b.id,
        "north": north.id,
        "south": south.id,
        "furniture": str(furniture.id),
        "ticket": str(ticket.id),
        "mentoring": str(mentoring.id),
        "language": str(language.id),
        "persons": [p.id for p in (p1, p2, p3, p4, p5, p6)],
    }
