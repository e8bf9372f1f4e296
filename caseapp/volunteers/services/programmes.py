"""Programmes: create, change, and the ones open for sign-up."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from caseapp.audit import services as audit
from caseapp.core.errors import StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.volunteers.labels import MAX_CAPACITY, ProgrammeKind
from caseapp.volunteers.models import Programme


@dataclass
class ProgrammeData:
    kind: str
    name_de: str
    name_ar: str = ""
    name_tr: str = ""
    description_de: str = ""
    description_ar: str = ""
    description_tr: str = ""
    min_commitment_months: int = 6
    required_trainings: int = 1
    good_conduct_required: bool = False
    max_newcomers: int = 1
    active: bool = True


PROGRAMME_FIELDS = tuple(ProgrammeData.__dataclass_fields__)


def _programme_snapshot(programme: Programme) -> dict:
    return {name: getattr(programme, name) for name in PROGRAMME_FIELDS}


def _validate_programme(data: ProgrammeData, programme_id: int | None) -> None:
    errors: dict[str, list[str]] = {}
    if data.kind not in set(ProgrammeKind):
        errors["kind"] = [_("Choose one of the offered kinds.")]
    if not 0 <= data.min_commitment_months <= 60:
        errors["min_commitment_months"] = [
            _("Enter a number from %(min)d to %(max)d.", min=0, max=60)
        ]
    if not 0 <= data.required_trainings <= 20:
        errors["required_trainings"] = [_("Enter a number from %(min)d to %(max)d.", min=0, max=20)]
    if not 1 <= data.max_newcomers <= MAX_CAPACITY:
        errors["max_newcomers"] = [
            _("Enter a number from %(min)d to %(max)d.", min=1, max=MAX_CAPACITY)
        ]
    clash = db.session.scalar(
        select(Programme.id).where(
            func.lower(Programme.name_de) == data.name_de.lower(),
            Programme.id != (programme_id or 0),
        )
    )
    if clash:
        errors["name_de"] = [_("A programme with this name already exists.")]
    if errors:
        raise ValidationFailed(errors)


def create_programme(actor, data: ProgrammeData) -> Programme:
    _validate_programme(data, None)
    programme = Programme(**{name: getattr(data, name) for name in PROGRAMME_FIELDS})
    db.session.add(programme)
    db.session.flush()
    audit.record(
        actor,
        "create",
        "volunteer_programme",
        programme.id,
        details=audit.diff({}, _programme_snapshot(programme)),
    )
    return programme


def update_programme(actor, programme: Programme, data: ProgrammeData, loaded_version) -> None:
    if loaded_version != programme.version:
        raise StaleVersion(programme)
    _validate_programme(data, programme.id)
    before = _programme_snapshot(programme)
    for name in PROGRAMME_FIELDS:
        setattr(programme, name, getattr(data, name))
    changes = audit.diff(before, _programme_snapshot(programme))
    if changes:
        db.session.flush()
        audit.record(actor, "update", "volunteer_programme", programme.id, details=changes)


def offered_programmes() -> list[Programme]:
    return list(
        db.session.scalars(
            select(Programme).where(Programme.active.is_(True)).order_by(Programme.id)
        )
    )
