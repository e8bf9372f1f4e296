"""Trainings: scheduling, registration, attendance, and the certificate when training is done."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from caseapp.audit import services as audit
from caseapp.core.clock import utcnow
from caseapp.core.errors import StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.volunteers import notifications
from caseapp.volunteers.certificates import issue_certificate
from caseapp.volunteers.labels import ENGAGED, Status
from caseapp.volunteers.models import (
    Certificate,
    Programme,
    Training,
    TrainingRegistration,
    Volunteer,
    training_programmes,
)

REMINDER_AHEAD = timedelta(hours=48)


@dataclass
class TrainingData:
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str = ""
    capacity: int = 20
    notes: str = ""
    programme_ids: list[int] = field(default_factory=list)


def _snapshot(training: Training) -> dict:
    return {
        "title": training.title,
        "starts_at": training.starts_at.isoformat() if training.starts_at else None,
        "ends_at": training.ends_at.isoformat() if training.ends_at else None,
        "place": training.place,
        "capacity": training.capacity,
        "notes": training.notes,
        "programmes": sorted(p.id for p in training.programmes),
    }


def _validate(data: TrainingData, training: Training | None) -> list[Programme]:
    errors: dict[str, list[str]] = {}
    if data.ends_at <= data.starts_at:
        errors["ends"] = [_("The training must end after it starts.")]
    registered = len(training.registrations) if training else 0
    if not max(1, registered) <= data.capacity <= 500:
        errors["capacity"] = [
            _("Enter a number from %(min)d to %(max)d.", min=max(1, registered), max=500)
        ]
    programmes = list(
        db.session.scalars(select(Programme).where(Programme.id.in_(data.programme_ids or [0])))
    )
    if not programmes or len(programmes) != len(set(data.programme_ids)):
        errors["programmes"] = [_("Choose at least one programme.")]
    if errors:
        raise ValidationFailed(errors)
    return programmes


def _apply(training: Training, data: TrainingData, programmes: list[Programme]) -> None:
    for name in ("title", "starts_at", "ends_at", "place", "capacity", "notes"):
        setattr(training, name, getattr(data, name))
    training.programmes = programmes


def create_training(actor, data: TrainingData) -> Training:
    programmes = _validate(data, None)
    training = Training(title=data.title, starts_at=data.starts_at, ends_at=data.ends_at)
    db.session.add(training)
    _apply(training, data, programmes)
    db.session.flush()
    audit.record(
        actor, "create", "training", training.id, details=audit.diff({}, _snapshot(training))
    )
    return training


def update_training(actor, training: Training, data: TrainingData, loaded_version) -> None:
    if loaded_version != training.version:
        raise StaleVersion(training)
    programmes = _validate(data, training)
    before = _snapshot(training)
    _apply(training, data, programmes)
    changes = audit.diff(before, _snapshot(training))
    if changes:
        training.updated_at = utcnow()
        db.session.flush()
        audit.record(actor, "update", "training", training.id, details=changes)


def open_trainings_for(volunteer: Volunteer, now: datetime) -> list[Training]:
    """Future trainings of the volunteer's programmes (registered or not)."""
    programme_ids = [a.programme_id for a in volunteer.applications if a.status in ENGAGED]
    if not programme_ids:
        return []
    return list(
        db.session.scalars(
            select(Training)
            .join(training_programmes, training_programmes.c.training_id == Training.id)
            .where(
                training_programmes.c.programme_id.in_(programme_ids),
                Training.starts_at > now,
            )
            .distinct()
            .order_by(Training.starts_at)
        )
    )


def register(
    actor, volunteer: Volunteer, training: Training, now: datetime, *, walk_in: bool = False
) -> None:
    """Register for a future training; coordinators may add walk-ins to past ones (walk_in)."""
    if training.starts_at <= now and not walk_in:
        raise ValidationFailed({"training": _("This training has already taken place.")})
    if any(r.volunteer_id == volunteer.id for r in training.registrations):
        return
    engaged = {a.programme_id for a in volunteer.applications if a.status in ENGAGED}
    if not engaged & {p.id for p in training.programmes}:
        raise ValidationFailed(
            {"training": _("This training is for programmes you have not been approved for.")}
        )
    if training.places_left <= 0:
        raise ValidationFailed({"training": _("This training is fully booked.")})
    training.registrations.append(TrainingRegistration(volunteer_id=volunteer.id))
    db.session.flush()
    audit.record(
        actor, "register", "training", training.id, details={"volunteer": [None, volunteer.id]}
    )


def unregister(actor, volunteer: Volunteer, training: Training, now: datetime) -> None:
    if training.starts_at <= now:
        raise ValidationFailed({"training": _("This training has already taken place.")})
    for row in list(training.registrations):
        if row.volunteer_id == volunteer.id:
            training.registrations.remove(row)
            db.session.flush()
            audit.record(
                actor,
                "unregister",
                "training",
                training.id,
                details={"volunteer": [volunteer.id, None]},
            )


def record_attendance(
    actor, training: Training, attended_ids: set[int], now: datetime
) -> list[Certificate]:
    """Tick who attended; returns the certificates this completed."""
    if training.starts_at > now:
        raise ValidationFailed(
            {"attended": _("Attendance can be recorded once the training has started.")}
        )
    changed = {}
    for row in training.registrations:
        attended = row.volunteer_id in attended_ids
        if row.attended != attended:
            changed[str(row.volunteer_id)] = [row.attended, attended]
            row.attended = attended
    db.session.flush()
    if changed:
        audit.record(actor, "attendance", "training", training.id, details=changed)
    issued = []
    for row in training.registrations:
        if row.attended:
            issued.extend(check_completion(actor, row.volunteer))
    return issued


def attended_count(volunteer_id: int, programme_id: int) -> int:
    return db.session.scalar(
        select(func.count(TrainingRegistration.id))
        .join(Training, Training.id == TrainingRegistration.training_id)
        .join(training_programmes, training_programmes.c.training_id == Training.id)
        .where(
            TrainingRegistration.volunteer_id == volunteer_id,
            TrainingRegistration.attended.is_(True),
            training_programmes.c.programme_id == programme_id,
        )
    )


def attended_trainings(volunteer_id: int, programme_id: int | None = None) -> list[Training]:
    stmt = (
        select(Training)
        .join(TrainingRegistration, TrainingRegistration.training_id == Training.id)
        .where(
            TrainingRegistration.volunteer_id == volunteer_id,
            TrainingRegistration.attended.is_(True),
        )
        .order_by(Training.starts_at)
    )
    if programme_id is not None:
        stmt = stmt.join(
            training_programmes, training_programmes.c.training_id == Training.id
        ).where(training_programmes.c.programme_id == programme_id)
    return list(db.session.scalars(stmt))


def check_completion(actor, volunteer: Volunteer) -> list[Certificate]:
    """Approved volunteers who attended every required training become trained (+ certificate)."""
    issued = []
    for application in volunteer.applications:
        if application.status != Status.APPROVED:
            continue
        programme = application.programme
        if attended_count(volunteer.id, programme.id) < programme.required_trainings:
            continue
        application.status = Status.TRAINED
        application.status_changed_at = utcnow()
        db.session.flush()
        audit.record(
            actor,
            "trained",
            "volunteer_application",
            application.id,
            details={"status": [Status.APPROVED.value, Status.TRAINED.value]},
        )
        if programme.required_trainings > 0:
            certificate = issue_certificate(actor, volunteer, programme)
            if certificate is not None:
                issued.append(certificate)
                notifications.send(
                    volunteer.email,
                    "certificate_ready",
                    volunteer.language,
                    name=volunteer.name,
                    programme=programme.name(volunteer.language),
                    code=certificate.code,
                    verify_url=notifications.external_url(
                        "volunteers.verify_certificate", code=certificate.code
                    ),
                )
    return issued


def remind_trainings(now: datetime, ahead: timedelta = REMINDER_AHEAD) -> int:
    """Queue one reminder per registration for trainings starting within `ahead`."""
    rows = db.session.scalars(
        select(TrainingRegistration)
        .join(Training, Training.id == TrainingRegistration.training_id)
        .where(Training.starts_at > now, Training.starts_at <= now + ahead)
    ).all()
    queued = 0
    for row in rows:
        volunteer = row.volunteer
        if not volunteer.user.active:
            continue
        message = notifications.send(
            volunteer.email,
            "training_reminder",
            volunteer.language,
            dedupe_key=f"training-reminder:{row.training_id}:{row.volunteer_id}",
            name=volunteer.name,
            training=row.training,
        )
        queued += message is not None
    return queued
