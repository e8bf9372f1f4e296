"""Database rows → the pure routing's inputs (caseapp.referrals.routing): services, rules and
the person to route, as frozen facts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseapp.extensions import db
from caseapp.referrals import routing
from caseapp.referrals.directory import RuleData
from caseapp.referrals.models import RoutingRule, Service


def service_facts(service: Service) -> routing.ServiceFacts:
    return routing.ServiceFacts(
        id=service.id,
        office_id=service.office_id,
        name=service.name_de,
        needs=frozenset(service.need_areas),
        district_ids=frozenset(d.id for d in service.districts),
        languages=frozenset(service.languages),
        capacity=service.capacity,
        active=service.active and service.office.active,
    )


def rule_facts(rule: RoutingRule | RuleData, rule_id: int = 0) -> routing.RuleFacts:
    return routing.RuleFacts(
        id=getattr(rule, "id", rule_id) or rule_id,
        need=rule.need,
        service_id=rule.service_id,
        priority=rule.priority,
        district_id=rule.district_id,
        language=rule.language,
        age_group=rule.age_group,
        residence_status=rule.residence_status,
    )


def all_service_facts(need: str | None = None) -> list[routing.ServiceFacts]:
    stmt = select(Service).where(Service.active.is_(True))
    if need:
        stmt = stmt.where(Service.need_key.like(f"%,{need},%"))
    return [service_facts(s) for s in db.session.scalars(stmt)]


def active_rule_facts(need: str | None = None) -> list[routing.RuleFacts]:
    stmt = select(RoutingRule).where(RoutingRule.active.is_(True))
    if need:
        stmt = stmt.where(RoutingRule.need == need)
    return [rule_facts(r) for r in db.session.scalars(stmt)]


def referred_person(person, today: date) -> routing.ReferredPerson:
    age = None
    if person.birth_year:
        age = today.year - person.birth_year
        if (
            person.birth_month
            and person.birth_day
            and (today.month, today.day)
            < (
                person.birth_month,
                person.birth_day,
            )
        ):
            age -= 1
    return routing.ReferredPerson(
        district_id=person.district_id,
        languages=frozenset(entry.get("code") for entry in person.languages or []),
        age=age,
        residence_status=person.residence_status or "",
    )
