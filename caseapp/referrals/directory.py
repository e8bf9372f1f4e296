"""The service directory and routing rules: managing them, searching them, routing with them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, func, or_, select

from caseapp.audit import services as audit
from caseapp.auth import scope
from caseapp.core.clock import local_today, utcnow
from caseapp.core.errors import NotFound, StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _, language_name
from caseapp.offices.models import District, Office
from caseapp.people.vocab import NEED_AREAS, RESIDENCE_STATUS
from caseapp.referrals import routing
from caseapp.referrals.models import RoutingRule, Service
from caseapp.referrals.vocab import AGE_GROUPS, CAPACITY


def today() -> date:
    return local_today()


# --- services ----------------------------------------------------------------------------


@dataclass
class ServiceData:
    office_id: int
    name_de: str
    name_ar: str = ""
    name_tr: str = ""
    description_de: str = ""
    description_ar: str = ""
    description_tr: str = ""
    need_areas: list[str] = field(default_factory=list)
    eligibility: str = ""
    district_ids: list[int] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    hours_text: str = ""
    how_to_reach: str = ""
    capacity: str = "accepting"
    response_days: int = 5
    active: bool = True


def _check_office(actor, office_id: int) -> None:
    scope.require_visible(actor, office_id)


def get_service(actor, service_id: int, *, manage: bool = False) -> Service:
    service = db.session.get(Service, service_id)
    if service is None:
        raise NotFound()
    if manage:
        _check_office(actor, service.office_id)
    return service


def _validate_service(actor, data: ServiceData) -> None:
    errors: dict[str, str] = {}
    if not scope.can_see(actor, data.office_id):
        errors["office"] = _("You can only offer services of your own offices.")
    elif db.session.get(Office, data.office_id) is None:
        errors["office"] = _("Choose one of the offered values.")
    if not data.need_areas:
        errors["need_areas"] = _("Choose at least one need area.")
    elif set(data.need_areas) - set(NEED_AREAS):
        errors["need_areas"] = _("Choose one of the offered values.")
    if data.capacity not in CAPACITY:
        errors["capacity"] = _("Choose one of the offered values.")
    if not 1 <= data.response_days <= 90:
        errors["response_days"] = _("Enter a number of days between 1 and 90.")
    if errors:
        raise ValidationFailed(errors)


def _snapshot(service: Service) -> dict:
    return {
        "office_id": service.office_id,
        "name_de": service.name_de,
        "needs": service.need_key,
        "languages": service.language_key,
        "districts": sorted(d.name for d in service.districts),
        "capacity": service.capacity,
        "response_days": service.response_days,
        "active": service.active,
    }


def _apply_service(service: Service, data: ServiceData, today: date) -> None:
    districts = list(
        db.session.scalars(select(District).where(District.id.in_(data.district_ids or [0])))
    )
    for name in (
        "office_id",
        "name_de",
        "name_ar",
        "name_tr",
        "description_de",
        "description_ar",
        "description_tr",
        "eligibility",
        "hours_text",
        "how_to_reach",
        "response_days",
        "active",
    ):
        setattr(service, name, getattr(data, name))
    service.need_areas = data.need_areas
    service.languages = data.languages
    if service.capacity != data.capacity or service.capacity_set_on is None:
        service.capacity_set_on = today
    service.capacity = data.capacity
    service.districts = districts


def create_service(actor, data: ServiceData, today: date) -> Service:
    _validate_service(actor, data)
    service = Service(office_id=data.office_id, name_de=data.name_de)
    db.session.add(service)
    _apply_service(service, data, today)
    db.session.flush()
    audit.record(actor, "create", "service", service.id, office_id=service.office_id)
    return service


def update_service(
    actor, service: Service, data: ServiceData, loaded_version: int | None, today: date
) -> Service:
    if loaded_version != service.version:
        raise StaleVersion(service)
    _check_office(actor, service.office_id)
    _validate_service(actor, data)
    before = _snapshot(service)
    _apply_service(service, data, today)
    service.updated_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "update",
        "service",
        service.id,
        office_id=service.office_id,
        details=audit.diff(before, _snapshot(service)),
    )
    return service


def service_list_query(
    *,
    q: str = "",
    need: str = "",
    district_id: int | None = None,
    language: str = "",
    office_ids=None,
    active_only: bool = True,
) -> Select:
    """Services for the directory and staff lists, filtered in the database."""
    stmt = select(Service).join(Office, Office.id == Service.office_id)
    if active_only:
        stmt = stmt.where(Service.active.is_(True), Office.active.is_(True))
    stmt = scope.within(stmt, Service.office_id, office_ids)
    if need:
        stmt = stmt.where(Service.need_key.like(f"%,{need},%"))
    if language:
        stmt = stmt.where(Service.language_key.like(f"%,{language},%"))
    if district_id:
        from caseapp.referrals.models import service_districts

        any_district = (
            ~select(service_districts.c.service_id)
            .where(service_districts.c.service_id == Service.id)
            .exists()
        )
        in_district = (
            select(service_districts.c.service_id)
            .where(
                service_districts.c.service_id == Service.id,
                service_districts.c.district_id == district_id,
            )
            .exists()
        )
        stmt = stmt.where(or_(any_district, in_district))
    q = (q or "").strip().lower()
    if q:
        like = f"%{q[:100]}%"
        stmt = stmt.where(
            or_(
                *(
                    func.lower(column).like(like)
                    for column in (
                        Service.name_de,
                        Service.name_ar,
                        Service.name_tr,
                        Service.description_de,
                        Service.description_ar,
                        Service.description_tr,
                        Service.eligibility,
                        Office.name,
                    )
                )
            )
        )
    return stmt.order_by(Service.name_de, Service.id)


# --- routing rules -----------------------------------------------------------------------


@dataclass
class RuleData:
    need: str
    service_id: int
    district_id: int | None = None
    language: str = ""
    age_group: str = ""
    residence_status: str = ""
    priority: int = 100
    active: bool = True


def validate_rule(data: RuleData) -> Service:
    errors: dict[str, str] = {}
    if data.need not in NEED_AREAS:
        errors["need"] = _("Choose one of the offered values.")
    if data.age_group and data.age_group not in AGE_GROUPS:
        errors["age_group"] = _("Choose one of the offered values.")
    if data.residence_status and data.residence_status not in RESIDENCE_STATUS:
        errors["residence_status"] = _("Choose one of the offered values.")
    if not 0 <= data.priority <= 1000:
        errors["priority"] = _("Enter a number between 0 and 1000.")
    service = db.session.get(Service, data.service_id)
    if service is None:
        errors["service"] = _("Choose one of the offered values.")
    elif data.need in NEED_AREAS and data.need not in service.need_areas:
        errors["service"] = _(
            "%(service)s does not offer help with %(need)s.",
            service=service.name_de,
            need=NEED_AREAS[data.need],
        )
    if errors:
        raise ValidationFailed(errors)
    return service


def save_rule(actor, rule: RoutingRule | None, data: RuleData, loaded_version=None) -> RoutingRule:
    validate_rule(data)
    if rule is None:
        rule = RoutingRule(need=data.need, service_id=data.service_id)
        db.session.add(rule)
        action = "create"
    else:
        if loaded_version != rule.version:
            raise StaleVersion(rule)
        action = "update"
    for name in (
        "need",
        "service_id",
        "district_id",
        "language",
        "age_group",
        "residence_status",
        "priority",
        "active",
    ):
        setattr(rule, name, getattr(data, name))
    rule.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, action, "routing_rule", rule.id, details={"need": [None, data.need]})
    return rule


# --- adapters and wording ----------------------------------------------------------------


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


def person_facts(person, today: date) -> routing.PersonFacts:
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
    return routing.PersonFacts(
        district_id=person.district_id,
        languages=frozenset(entry.get("code") for entry in person.languages or []),
        age=age,
        residence_status=person.residence_status or "",
    )


def explain(decision: routing.Decision) -> str:
    """The decision in words: "Wohnungsamt West: serves district Weststadt; speaks Arabic"."""
    if decision.service_id is None:
        return _("No service in the directory covers this need.")
    service = db.session.get(Service, decision.service_id)
    parts = [reason_text(r) for r in decision.reasons]
    return _(
        "%(service)s (%(office)s): %(reasons)s",
        service=service.name_de,
        office=service.office.name,
        reasons="; ".join(p for p in parts if p),
    )


def reason_text(reason: routing.Reason) -> str:
    code, value = reason.code, reason.value
    if code == "serves_district":
        district = db.session.get(District, value)
        return _("serves district %(district)s", district=district.name if district else "?")
    if code == "serves_city":
        return _("serves the whole city")
    if code == "offers_need":
        return _("offers help with %(need)s", need=NEED_AREAS.get(value, value))
    if code == "speaks":
        return _("speaks %(language)s", language=language_name(value))
    if code == "waiting_list":
        return _("has a waiting list")
    if code == "rule":
        return _("routing rule no. %(id)s", id=value)
    if code == "rule_fallback":
        return _("city-wide fallback rule no. %(id)s", id=value)
    if code == "age_group":
        return _("for %(group)s", group=AGE_GROUPS.get(value, value))
    if code == "residence_status":
        return _("for %(status)s", status=RESIDENCE_STATUS.get(value, value))
    if code == "directory":
        return _("found in the directory (no routing rule)")
    if code == "no_service":
        return _("no service covers %(need)s", need=NEED_AREAS.get(value, value))
    return code


def skipped_text(code: str) -> str:
    return {
        "not_accepting": _("not accepting referrals"),
        "service_inactive": _("not active"),
        "need_not_offered": _("does not offer this need area"),
    }.get(code, code)
