"""The routing proposal for a new referral: the service the rules choose for the person's
need, and the services that may be chosen instead."""

from __future__ import annotations

from datetime import date

from caseapp.extensions import db
from caseapp.people.models import Person
from caseapp.referrals import adapters, routing
from caseapp.referrals.models import Service


def propose(person: Person, need: str, today: date, exclude=frozenset()) -> routing.Decision:
    return routing.route(
        need,
        adapters.referred_person(person, today),
        adapters.active_rule_facts(need),
        adapters.all_service_facts(need),
        exclude=frozenset(exclude),
    )


def choosable_services(person: Person, need: str, today: date) -> list[Service]:
    facts = routing.candidates(
        need, adapters.referred_person(person, today), adapters.all_service_facts(need)
    )
    return [db.session.get(Service, f.id) for f in facts]
