"""Referrals: the sending office's and the receiving office's view, send, and the answers.

The referral services decide everything: who is sender or receiver (`side`), the consent
check and the frozen snapshot on sending, the order of steps, the reasons required, the
audit entries and the closed loop (the sender is told).
"""

from __future__ import annotations

from flask import url_for

from caseapp.api import schemas
from caseapp.api.core import CASEWORK, actor, api_v1, loaded_version, page, with_etag
from caseapp.extensions import db
from caseapp.people import services as people
from caseapp.referrals import services
from caseapp.referrals.models import Referral

ReferralPage = schemas.page_of(schemas.ReferralSchema, "ReferralPage")


def referral_json(who, referral: Referral, *, detail: bool = True) -> dict:
    """The referral; the receiver's snapshot only in the (audited) detail, not in lists."""
    sender = services.side(who, referral) == "sender"
    return {
        "id": referral.id,
        "person_id": referral.person_id if sender else None,
        "from_office_id": referral.from_office_id,
        "to_office_id": referral.to_office_id,
        "service_id": referral.service_id,
        "need": referral.need,
        "urgency": referral.urgency,
        "status": referral.status,
        "categories": list(referral.categories or []),
        "shared": None if sender or not detail else services.shared_data(referral),
        "sent_at": referral.sent_at,
        "respond_by": referral.respond_by,
        "decline_reason": referral.decline_reason or "",
        "outcome": referral.outcome or "",
        "version": referral.version,
    }


@api_v1.route("/referrals", methods=["GET"], roles=CASEWORK, tags=["referrals"])
@api_v1.arguments(schemas.ReferralListArgs, location="query")
@api_v1.response(200, ReferralPage)
def list_referrals(args):
    """Referrals the office sent (`box=outgoing`) or received (`box=incoming`); the shared
    data is in each referral's own (audited) answer only."""
    who = actor()
    result = page(services.visible_query(who, args["box"]), Referral.id, args)
    result["items"] = [referral_json(who, r, detail=False) for r in result["items"]]
    return result


@api_v1.route(
    "/referrals/<id:referral_id>",
    methods=["GET"],
    roles=CASEWORK,
    tags=["referrals"],
    errors=(404,),
)
@api_v1.response(200, schemas.ReferralSchema)
def get_referral(referral_id: int):
    """One referral (audited); the receiver sees the consented snapshot only."""
    who = actor()
    referral = services.get_referral(who, referral_id)
    answer = referral_json(who, referral), 200, with_etag("referral", referral)
    db.session.commit()
    return answer


@api_v1.route(
    "/referrals",
    methods=["POST"],
    roles=CASEWORK,
    tags=["referrals"],
    errors=(400, 404),
)
@api_v1.arguments(schemas.ReferralCreateSchema)
@api_v1.response(201, schemas.ReferralSchema)
def send_referral(body):
    """Refer a person of the token's office to a service: the consent must cover the chosen
    categories, as in the referral form. `send: false` keeps a draft."""
    who = actor()
    person = people.get_person(who, body["person_id"], purpose="referral", audit_read=False)
    referral = services.create_referral(
        who,
        person,
        services.ReferralData(
            need=body["need"],
            service_id=body["service_id"],
            urgency=body["urgency"],
            message=body["message"],
            categories=list(body["categories"]),
            consultation_ids=list(body["consultation_ids"]),
        ),
    )
    if body["send"]:
        services.send_referral(who, referral)
    db.session.flush()
    headers = {
        **with_etag("referral", referral),
        "Location": url_for("api_v1.get_referral", referral_id=referral.id),
    }
    body = referral_json(who, referral)
    db.session.commit()
    return body, 201, headers


def _step(referral_id: int, to_status: str, note: str):
    who = actor()
    referral = services.get_referral(who, referral_id, audit_read=False)
    loaded_version("referral", referral)
    referral = services.change_status(who, referral, to_status, note=note)
    answer = referral_json(who, referral), 200, with_etag("referral", referral)
    db.session.commit()
    return answer


STEP_ERRORS = (400, 404, 412, 428)


@api_v1.route(
    "/referrals/<id:referral_id>/accept",
    methods=["POST"],
    roles=CASEWORK,
    tags=["referrals"],
    errors=STEP_ERRORS,
)
@api_v1.arguments(schemas.NoteSchema)
@api_v1.response(200, schemas.ReferralSchema)
def accept_referral(body, referral_id: int):
    """The receiving office accepts (If-Match: the referral's ETag)."""
    return _step(referral_id, "accepted", body["note"])


@api_v1.route(
    "/referrals/<id:referral_id>/decline",
    methods=["POST"],
    roles=CASEWORK,
    tags=["referrals"],
    errors=STEP_ERRORS,
)
@api_v1.arguments(schemas.NoteSchema)
@api_v1.response(200, schemas.ReferralSchema)
def decline_referral(body, referral_id: int):
    """The receiving office declines; `note` is the reason (required)."""
    return _step(referral_id, "declined", body["note"])


@api_v1.route(
    "/referrals/<id:referral_id>/complete",
    methods=["POST"],
    roles=CASEWORK,
    tags=["referrals"],
    errors=STEP_ERRORS,
)
@api_v1.arguments(schemas.NoteSchema)
@api_v1.response(200, schemas.ReferralSchema)
def complete_referral(body, referral_id: int):
    """The receiving office reports the outcome; `note` describes it (required)."""
    return _step(referral_id, "completed", body["note"])
