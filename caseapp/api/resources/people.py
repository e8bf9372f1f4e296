"""Persons and cases: search, read (audited), register with the duplicate check, consultations."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from caseapp.api import schemas
from caseapp.api.core import CASEWORK, actor, api_v1, with_etag
from caseapp.api.problems import Problem
from caseapp.core.clock import local_today
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.people import casework, services
from caseapp.people.models import Case, Person
from caseapp.people.services import finder
from caseapp.people.validation import PersonData, format_birth, parse_birth, validate_person


def person_json(person: Person) -> dict:
    case = person.case
    return {
        "id": person.id,
        "office_id": person.office_id,
        "case_id": case.id if case else None,
        "case_number": case.case_number if case else None,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "original_name": person.original_name or "",
        "birth_date": format_birth(person.birth_year, person.birth_month, person.birth_day),
        "birth_place": person.birth_place or "",
        "father_name": person.father_name or "",
        "mother_name": person.mother_name or "",
        "azr_number": person.azr_number or "",
        "sex": person.sex or "",
        "nationalities": list(person.nationalities or []),
        "languages": [
            {"code": e.get("code", ""), "level": e.get("level", "")} for e in person.languages or []
        ],
        "interpreter_language": person.interpreter_language or "",
        "phone": person.phone or "",
        "email": person.email or "",
        "street": person.street or "",
        "postcode": person.postcode or "",
        "city": person.city or "",
        "district_id": person.district_id,
        "residence_status": person.residence_status or "",
        "residence_valid_until": person.residence_valid_until,
        "version": person.version,
    }


def case_json(case: Case) -> dict:
    return {
        "id": case.id,
        "case_number": case.case_number,
        "person_id": case.person_id,
        "office_id": case.office_id,
        "caseworker_id": case.caseworker_id,
        "status": case.status,
        "needs": sorted(r.need for r in case.need_rows),
        "version": case.version,
    }


@api_v1.route("/persons/search", methods=["GET"], roles=CASEWORK, tags=["persons"])
@api_v1.arguments(schemas.PersonSearchArgs, location="query")
@api_v1.response(200, schemas.PersonHitsSchema)
def search_persons(args):
    """Search as the search box does: any word of the names in any script, case number,
    phone number or birth date; the token's office only, best first."""
    result = services.find_people(actor(), args["q"], limit=finder.RESULTS)
    return {
        "items": [
            {
                "id": hit.person.id,
                "office_id": hit.person.office_id,
                "case_number": hit.person.case.case_number if hit.person.case else None,
                "given_name": hit.person.given_name,
                "family_name": hit.person.family_name,
                "birth_year": hit.person.birth_year,
                "score": round(hit.score, 3),
            }
            for hit in result.hits
        ],
        "more": result.more,
        "hint": str(result.hint or ""),
    }


@api_v1.route(
    "/persons/<id:person_id>", methods=["GET"], roles=CASEWORK, tags=["persons"], errors=(404,)
)
@api_v1.response(200, schemas.PersonSchema)
def get_person(person_id: int):
    """One person with their case number; the read is audited as the case file's is."""
    person = services.get_person(actor(), person_id)
    answer = person_json(person), 200, with_etag("person", person)
    db.session.commit()  # the audit entry of the read (after reading: a commit expires rows)
    return answer


def _person_data(body: dict) -> PersonData:
    try:
        year, month, day = parse_birth(body["birth_date"])
    except ValueError:
        raise ValidationFailed(
            {"birth_date": _("Write the date as 1990-05-17, 17.05.1990 or only the year 1990.")}
        ) from None
    return PersonData(
        given_name=body["given_name"],
        family_name=body["family_name"],
        original_name=body["original_name"],
        birth_year=year,
        birth_month=month,
        birth_day=day,
        sex=body["sex"],
        nationalities=list(body["nationalities"]),
        languages=[dict(e) for e in body["languages"]],
        interpreter_language=body["interpreter_language"],
        phone=body["phone"],
        email=body["email"].lower(),
        street=body["street"],
        postcode=body["postcode"],
        city=body["city"],
        residence_status=body["residence_status"],
        birth_place=body["birth_place"],
        father_name=body["father_name"],
        mother_name=body["mother_name"],
        azr_number=body["azr_number"],
    )


@api_v1.route("/persons", methods=["POST"], roles=CASEWORK, tags=["persons"], errors=(400, 409))
@api_v1.arguments(schemas.PersonCreateSchema)
@api_v1.response(201, schemas.PersonSchema)
def register_person(body):
    """Register a person and open their case (unassigned) at the token's office, with the
    duplicate check of the registration form: possible duplicates answer 409 with the
    candidates unless `confirm_new` is true."""
    who = actor()
    data = _person_data(body)
    validate_person(data, local_today())
    found = services.duplicate_candidates(who, services.facts_from_data(data))
    if found and not body["confirm_new"]:
        raise Problem(
            409,
            _(
                "Lotse found persons who may be the same. Open one of them, or confirm that this is a new person."
            ),
            errors={"candidates": [str(p.id) for p, _c in found]},
        )
    person = services.register_person(
        who,
        data,
        office_id=who.office_id,
        caseworker_id=None,  # unassigned: the office's team takes it on, not the token
        today=local_today(),
    )
    headers = {
        **with_etag("person", person),
        "Location": url_for("api_v1.get_person", person_id=person.id),
    }
    body = person_json(person)
    db.session.commit()
    return body, 201, headers


def _case(case_id: int) -> tuple[Case, Person]:
    """The case if its person is visible to the token (the read audited as the person's)."""
    person_id = db.session.scalar(select(Case.person_id).where(Case.id == case_id))
    if person_id is None:
        raise NotFound()
    person = services.get_person(actor(), person_id)
    return person.case, person


@api_v1.route("/cases/<id:case_id>", methods=["GET"], roles=CASEWORK, tags=["cases"], errors=(404,))
@api_v1.response(200, schemas.CaseSchema)
def get_case(case_id: int):
    """A case: number, status, caseworker and needs."""
    case, _person = _case(case_id)
    answer = case_json(case), 200, with_etag("case", case)
    db.session.commit()
    return answer


@api_v1.route(
    "/cases/<id:case_id>/consultations",
    methods=["POST"],
    roles=CASEWORK,
    tags=["cases"],
    errors=(400, 404),
)
@api_v1.arguments(schemas.ConsultationCreateSchema)
@api_v1.response(201, schemas.ConsultationSchema)
def log_consultation(body, case_id: int):
    """Log a consultation as the consultation form does (same checks, same audit entry)."""
    person_id = db.session.scalar(select(Case.person_id).where(Case.id == case_id))
    if person_id is None:
        raise NotFound()
    person = services.get_person(actor(), person_id, audit_read=False)
    case = person.case
    consultation = casework.log_consultation(
        actor(),
        case,
        casework.ConsultationData(
            at=body["at"],
            duration_minutes=body["duration_minutes"],
            mode=body["mode"],
            interpreter_language=body["interpreter_language"],
            need_areas=list(body["need_areas"]),
            notes=body["notes"],
        ),
        office_id=case.office_id,
    )
    body = {
        "id": consultation.id,
        "case_id": case.id,
        "office_id": consultation.office_id,
        "at": consultation.at,
        "duration_minutes": consultation.duration_minutes,
        "mode": consultation.mode,
        "need_areas": list(consultation.need_areas or []),
    }
    db.session.commit()
    return body, 201
