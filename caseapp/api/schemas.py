"""Request and response bodies of the API (marshmallow; the OpenAPI document is made from them).

Responses carry the least data the role needs: identifiers and the fields a partner system
works with, never free-text notes of consultations, vulnerabilities or merge history.
"""

from __future__ import annotations

from datetime import UTC

import marshmallow as ma
from marshmallow import fields, validate

from caseapp.appointments.documents import DOCUMENTS
from caseapp.people.vocab import CONSULTATION_MODES, LANGUAGE_LEVELS, NEED_AREAS, SEX
from caseapp.referrals.vocab import CATEGORIES, URGENCY

ID = validate.Range(min=1, max=2**31 - 1)


def text(max_length: int, **kw):
    return fields.String(validate=validate.Length(max=max_length), **kw)


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


# --- paging -----------------------------------------------------------------------------


class PageArgs(Strict):
    cursor = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "next_cursor of the previous page"},
    )
    limit = fields.Integer(validate=validate.Range(min=1, max=200), load_default=50)


def page_of(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    return type(
        name,
        (ma.Schema,),
        {
            "items": fields.List(fields.Nested(item), required=True),
            "next_cursor": fields.String(allow_none=True, required=True),
        },
    )


# --- directory --------------------------------------------------------------------------


class OfficeSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    street = fields.String()
    postcode = fields.String()
    city = fields.String()
    phone = fields.String()
    email = fields.String()
    website = fields.String()
    languages = fields.List(fields.String())


class Trilingual(ma.Schema):
    de = fields.String(required=True)
    ar = fields.String(required=True)
    tr = fields.String(required=True)


class ServiceSchema(ma.Schema):
    id = fields.Integer(required=True)
    office_id = fields.Integer(required=True)
    name = fields.Nested(Trilingual, required=True)
    description = fields.Nested(Trilingual, required=True)
    need_areas = fields.List(fields.String(), required=True)
    capacity = fields.String(required=True)
    response_days = fields.Integer(required=True)


class ProgrammeSchema(ma.Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    name = fields.Nested(Trilingual, required=True)
    description = fields.Nested(Trilingual, required=True)
    min_commitment_months = fields.Integer(required=True)


# --- persons and cases ------------------------------------------------------------------


class LanguageSchema(Strict):
    code = fields.String(required=True, validate=validate.Length(max=8))
    level = fields.String(required=True, validate=validate.OneOf(LANGUAGE_LEVELS))


class PersonSearchArgs(Strict):
    q = fields.String(required=True, validate=validate.Length(min=1, max=500))


class PersonHitSchema(ma.Schema):
    id = fields.Integer(required=True)
    office_id = fields.Integer(required=True)
    case_number = fields.String(allow_none=True, required=True)
    given_name = fields.String(required=True)
    family_name = fields.String(required=True)
    birth_year = fields.Integer(allow_none=True, required=True)
    score = fields.Float(required=True)


class PersonHitsSchema(ma.Schema):
    items = fields.List(fields.Nested(PersonHitSchema), required=True)
    more = fields.Boolean(required=True, metadata={"description": "more matches than shown"})
    hint = fields.String(
        required=True, metadata={"description": "why nothing was searched (too short…)"}
    )


class PersonSchema(ma.Schema):
    id = fields.Integer(required=True)
    office_id = fields.Integer(required=True)
    case_id = fields.Integer(allow_none=True, required=True)
    case_number = fields.String(allow_none=True, required=True)
    given_name = fields.String(required=True)
    family_name = fields.String(required=True)
    original_name = fields.String(required=True)
    birth_date = fields.String(required=True, metadata={"description": "YYYY-MM-DD or YYYY"})
    birth_place = fields.String(required=True, metadata={"description": "as on the papers"})
    father_name = fields.String(required=True, metadata={"description": "as on the papers"})
    mother_name = fields.String(required=True, metadata={"description": "as on the papers"})
    azr_number = fields.String(
        required=True,
        metadata={
            "description": "number of the Central Register of Foreigners: 12 digits or empty"
        },
    )
    sex = fields.String(required=True)
    nationalities = fields.List(fields.String(), required=True)
    languages = fields.List(fields.Nested(LanguageSchema), required=True)
    interpreter_language = fields.String(required=True)
    phone = fields.String(required=True)
    email = fields.String(required=True)
    street = fields.String(required=True)
    postcode = fields.String(required=True)
    city = fields.String(required=True)
    district_id = fields.Integer(allow_none=True, required=True)
    residence_status = fields.String(required=True)
    residence_valid_until = fields.Date(allow_none=True, required=True)
    version = fields.Integer(required=True)


class PersonCreateSchema(Strict):
    given_name = text(120, required=True)
    family_name = text(120, required=True)
    original_name = text(240, load_default="")
    birth_date = text(10, load_default="", metadata={"description": "1990-05-17 or 1990"})
    birth_place = text(120, load_default="", metadata={"description": "as on the papers"})
    father_name = text(120, load_default="", metadata={"description": "as on the papers"})
    mother_name = text(120, load_default="", metadata={"description": "as on the papers"})
    azr_number = text(
        20,
        load_default="",
        metadata={
            "description": "number of the Central Register of Foreigners (AZR): 12 digits, "
            "spaces between them allowed; answered as digits only"
        },
    )
    sex = fields.String(validate=validate.OneOf(list(SEX)), load_default="")
    nationalities = fields.List(text(2), validate=validate.Length(max=5), load_default=list)
    languages = fields.List(
        fields.Nested(LanguageSchema), validate=validate.Length(max=10), load_default=list
    )
    interpreter_language = text(8, load_default="")
    phone = text(40, load_default="")
    email = text(254, load_default="")
    street = text(160, load_default="")
    postcode = text(10, load_default="")
    city = text(80, load_default="")
    residence_status = text(40, load_default="")
    confirm_new = fields.Boolean(
        load_default=False,
        metadata={"description": "Register although possible duplicates were found (409)."},
    )


class CaseSchema(ma.Schema):
    id = fields.Integer(required=True)
    case_number = fields.String(required=True)
    person_id = fields.Integer(required=True)
    office_id = fields.Integer(required=True)
    caseworker_id = fields.Integer(allow_none=True, required=True)
    status = fields.String(required=True)
    needs = fields.List(fields.String(), required=True)
    version = fields.Integer(required=True)


class ConsultationCreateSchema(Strict):
    at = fields.AwareDateTime(required=True, default_timezone=UTC)
    duration_minutes = fields.Integer(
        required=True, validate=validate.Range(min=-(2**31), max=2**31 - 1)
    )
    mode = fields.String(required=True, validate=validate.OneOf(list(CONSULTATION_MODES)))
    interpreter_language = text(8, load_default="")
    need_areas = fields.List(
        fields.String(validate=validate.OneOf(list(NEED_AREAS))),
        validate=validate.Length(max=len(NEED_AREAS)),
        load_default=list,
    )
    notes = text(10_000, load_default="")


class ConsultationSchema(ma.Schema):
    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    office_id = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    duration_minutes = fields.Integer(required=True)
    mode = fields.String(required=True)
    need_areas = fields.List(fields.String(), required=True)


# --- appointments -----------------------------------------------------------------------


class AppointmentListArgs(PageArgs):
    starts_from = fields.AwareDateTime(default_timezone=UTC)
    starts_before = fields.AwareDateTime(default_timezone=UTC)


class AppointmentSchema(ma.Schema):
    id = fields.Integer(required=True)
    person_id = fields.Integer(required=True)
    office_id = fields.Integer(required=True)
    room_id = fields.Integer(allow_none=True, required=True)
    caseworker_id = fields.Integer(allow_none=True, required=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    status = fields.String(required=True)
    need_area = fields.String(required=True)
    purpose = fields.String(required=True)
    version = fields.Integer(required=True)


class AppointmentCreateSchema(Strict):
    person_id = fields.Integer(required=True, validate=ID)
    starts_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    duration_minutes = fields.Integer(required=True, validate=validate.Range(min=5, max=480))
    room_id = fields.Integer(allow_none=True, validate=ID, load_default=None)
    caseworker_id = fields.Integer(allow_none=True, validate=ID, load_default=None)
    need_area = fields.String(validate=validate.OneOf(["", *NEED_AREAS]), load_default="")
    purpose = text(200, load_default="")
    interpreter_language = text(8, load_default="")
    notes_for_newcomer = text(2000, load_default="")
    # Codes of the documents to bring (caseapp/appointments/documents.py), shown to the
    # newcomer in their language; notes_for_newcomer is for anything else.
    documents_to_bring = fields.List(
        fields.String(validate=validate.OneOf(list(DOCUMENTS))), load_default=list
    )
    confirm_person_overlap = fields.Boolean(load_default=False)


class ReasonSchema(Strict):
    reason = text(300, required=True)


# --- referrals --------------------------------------------------------------------------


class ReferralListArgs(PageArgs):
    box = fields.String(validate=validate.OneOf(["outgoing", "incoming"]), load_default="outgoing")


class ReferralSchema(ma.Schema):
    id = fields.Integer(required=True)
    person_id = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "Only for the sending office; the receiver sees `shared`."},
    )
    from_office_id = fields.Integer(required=True)
    to_office_id = fields.Integer(required=True)
    service_id = fields.Integer(required=True)
    need = fields.String(required=True)
    urgency = fields.String(required=True)
    status = fields.String(required=True)
    categories = fields.List(fields.String(), required=True)
    shared = fields.Dict(
        allow_none=True,
        required=True,
        metadata={"description": "The consented snapshot, while the consent lasts."},
    )
    sent_at = fields.DateTime(allow_none=True, required=True)
    respond_by = fields.DateTime(allow_none=True, required=True)
    decline_reason = fields.String(required=True)
    outcome = fields.String(required=True)
    version = fields.Integer(required=True)


class ReferralCreateSchema(Strict):
    person_id = fields.Integer(required=True, validate=ID)
    service_id = fields.Integer(required=True, validate=ID)
    need = fields.String(required=True, validate=validate.OneOf(list(NEED_AREAS)))
    urgency = fields.String(validate=validate.OneOf(list(URGENCY)), load_default="normal")
    message = text(4000, load_default="")
    categories = fields.List(
        fields.String(validate=validate.OneOf(list(CATEGORIES))),
        validate=validate.Length(max=len(CATEGORIES)),
        load_default=list,
    )
    consultation_ids = fields.List(
        fields.Integer(validate=ID), validate=validate.Length(max=50), load_default=list
    )
    send = fields.Boolean(
        load_default=True, metadata={"description": "false keeps a draft that shares nothing"}
    )


class NoteSchema(Strict):
    note = text(4000, load_default="")


# --- matches ----------------------------------------------------------------------------


class MatchSchema(ma.Schema):
    id = fields.Integer(required=True)
    programme_id = fields.Integer(required=True)
    person_id = fields.Integer(required=True)
    volunteer_id = fields.Integer(required=True)
    status = fields.String(required=True)
    started_on = fields.Date(required=True)
    planned_end_on = fields.Date(required=True)
    ended_on = fields.Date(allow_none=True, required=True)
    version = fields.Integer(required=True)


class MatchListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(["open", "all"]), load_default="open")
