"""The directory: offices and their services (public facts, any token may read them)."""

from __future__ import annotations

from sqlalchemy import select

from caseapp.api import schemas
from caseapp.api.core import ANY_TOKEN, api_v1, page
from caseapp.offices.models import Office
from caseapp.referrals.directory import service_list_query
from caseapp.referrals.models import Service

OfficePage = schemas.page_of(schemas.OfficeSchema, "OfficePage")
ServicePage = schemas.page_of(schemas.ServiceSchema, "ServicePage")


def trilingual(record, name: str) -> dict:
    return {lang: getattr(record, f"{name}_{lang}") or "" for lang in ("de", "ar", "tr")}


def service_json(service: Service) -> dict:
    return {
        "id": service.id,
        "office_id": service.office_id,
        "name": trilingual(service, "name"),
        "description": trilingual(service, "description"),
        "need_areas": list(service.need_areas),
        "capacity": service.capacity,
        "response_days": service.response_days,
    }


@api_v1.route("/offices", methods=["GET"], roles=ANY_TOKEN, tags=["directory"])
@api_v1.arguments(schemas.PageArgs, location="query")
@api_v1.response(200, OfficePage)
def offices(args):
    """Active offices."""
    return page(select(Office).where(Office.active.is_(True)), Office.id, args)


@api_v1.route("/services", methods=["GET"], roles=ANY_TOKEN, tags=["directory"])
@api_v1.arguments(schemas.PageArgs, location="query")
@api_v1.response(200, ServicePage)
def services(args):
    """Active services of active offices: the public directory."""
    result = page(service_list_query(), Service.id, args)
    result["items"] = [service_json(s) for s in result["items"]]
    return result
