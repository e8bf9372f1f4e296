"""Routing decisions and reason codes → plain sentences in the viewer's language."""

from __future__ import annotations

from caseapp.extensions import db
from caseapp.i18n import _, language_name
from caseapp.offices.models import District
from caseapp.people.vocab import NEED_AREAS, RESIDENCE_STATUS
from caseapp.referrals import routing
from caseapp.referrals.models import Service
from caseapp.referrals.vocab import AGE_GROUPS


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
