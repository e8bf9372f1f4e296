"""The service directory and routing rules: managing them and searching the directory.

Routing reads them as facts through adapters.py; its decisions are put into words in wording.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, func, or_, select

from caseapp.audit import services as audit
from caseapp.auth import scope
from caseapp.core.clock import local_today, utcnow
from caseapp.core.errors import NotFound, StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.offices.models import District, Office
from caseapp.people.vocab import NEED_AREAS, RESIDENCE_STATUS
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
