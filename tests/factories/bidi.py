"""Builders shared by several test modules."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

from caseapp.auth.models import User
from caseapp.core.clock import local_today, utcnow
from caseapp.extensions import db
from tests.factories.appointments import book, next_day_at, setup_office

LATIN_NAME = ("Rania", "Khalil")


OTHER_NAME = ("Omar", "Haddad")  # names are in Latin letters as in the passport


ROOM = "Beratungsraum 2.14"


ARABIC_ROOM = "قاعة الاستشارة"  # free text typed in Arabic sits in German lists too


STEP = "Mietvertrag mitbringen"


ARABIC_STEP = "إحضار عقد الإيجار"


def seed_office(app, make_user) -> dict:
    """An office with two newcomers, an appointment each today (rooms named in German and in
    Arabic), next steps due (one typed in Arabic), and a referral sent to another office that
    answered."""
    from caseapp.appointments.models import Room
    from caseapp.people import casework
    from caseapp.people import services as people
    from caseapp.people.models import Person
    from caseapp.people.validation import PersonData
    from caseapp.referrals.models import Referral, ReferralEvent, Service

    setup = setup_office(app, make_user, name="Integrationszentrum Mitte")
    with app.test_request_context():
        db.session.get(Room, setup["rooms"][0]).name = ROOM
        db.session.get(Room, setup["rooms"][1]).name = ARABIC_ROOM
        worker = db.session.get(User, setup["worker_ids"][0])
        ids = []
        for (given, family), step in ((LATIN_NAME, STEP), (OTHER_NAME, ARABIC_STEP)):
            person = people.register_person(
                worker,
                PersonData(
                    given_name=given,
                    family_name=family,
                    birth_year=1991,
                    phone="+49 171 5550199",
                    street="Lennestraße 12",
                    postcode="58762",
                    city="Altena",
                ),
                office_id=setup["office"],
                caseworker_id=worker.id,
                today=local_today(),
            )
            casework.log_consultation(
                worker,
                person.case,
                casework.ConsultationData(
                    at=utcnow() - timedelta(days=2),
                    duration_minutes=30,
                    mode="in_person",
                    steps=[casework.StepData(step, local_today() - timedelta(days=1), worker.id)],
                ),
                office_id=setup["office"],
            )
            ids.append(person.id)
        other = setup_office(app, make_user, name="Jobcenter Altena")
        service = Service(office_id=other["office"], name_de="Arbeitsvermittlung", response_days=3)
        db.session.add(service)
        db.session.flush()
        person = db.session.get(Person, ids[0])
        referral = Referral(
            person_id=person.id,
            case_id=person.case.id,
            from_office_id=setup["office"],
            to_office_id=other["office"],
            service_id=service.id,
            need="work",
            status="accepted",
            sent_at=utcnow() - timedelta(days=1),
            respond_by=utcnow() + timedelta(days=2),
            created_by_id=worker.id,
        )
        db.session.add(referral)
        db.session.flush()
        db.session.add(
            ReferralEvent(
                referral_id=referral.id,
                at=utcnow() - timedelta(hours=3),
                office_id=other["office"],
                from_status="sent",
                to_status="accepted",
            )
        )
        db.session.commit()
        setup["people"] = ids
        setup["referral"] = referral.id
        setup["case_numbers"] = [db.session.get(Person, i).case.case_number for i in ids]
    book(app, setup, next_day_at(14, days=0), person=ids[0], room=0)
    book(app, setup, next_day_at(15, days=0), person=ids[1], room=1)
    return setup


class IsolateMap(HTMLParser):
    """The text of <main>, each piece with the text of the innermost isolate around it
    (<bdi>, or an element with a dir attribute), or None outside any isolate."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, isolates)
        self.in_main = 0
        self.pieces: list[tuple[str, int | None]] = []  # (text, isolate index)
        self.isolate_text: dict[int, list[str]] = {}
        self.open_isolates: list[int] = []
        self.counter = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        names = dict(attrs)
        if tag == "main":
            self.in_main += 1
        isolates = bool(self.in_main) and (tag == "bdi" or "dir" in names)
        if isolates:
            self.counter += 1
            self.open_isolates.append(self.counter)
            self.isolate_text[self.counter] = []
        self.stack.append((tag, isolates))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.stack:
            open_tag, isolates = self.stack.pop()
            if isolates:
                self.open_isolates.pop()
            if open_tag == "main":
                self.in_main -= 1
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self.in_main or any(t in ("script", "style", "select") for t, _i in self.stack):
            return
        for index in self.open_isolates:
            self.isolate_text[index].append(data)
        self.pieces.append((data, self.open_isolates[-1] if self.open_isolates else None))

    def isolate_of(self, value: str) -> list[str | None]:
        """For every occurrence of `value` in the page's text: the text of its isolate."""
        found = []
        for text, index in self.pieces:
            for _match in re.finditer(re.escape(value), text):
                found.append(None if index is None else "".join(self.isolate_text[index]).strip())
        return found


def assert_isolated(html: str, values: list[str], wholes: list[str] = ()) -> None:
    """Every value occurs and sits in an isolate of its own: the isolate's text is the value
    itself, or one of `wholes` (a date and time shown as one unit, "30/11/2026، 09:30")."""
    parsed = IsolateMap()
    parsed.feed(html)
    allowed = set(values) | set(wholes)
    for value in values:
        isolates = parsed.isolate_of(value)
        assert isolates, f"{value!r} is not on the page"
        for text in isolates:
            assert text is not None, f"{value!r} is not isolated"
            assert text in allowed and value in text, f"{value!r} shares its isolate: {text!r}"
