"""Programmes, public sign-up, profiles, applications, good conduct and hours.

Services take the acting user explicitly, raise ValidationFailed with reasons per field,
write audit rows in the caller's transaction and only flush; views commit once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from caseapp.audit import services as audit
from caseapp.auth.models import User, UserRole
from caseapp.auth.normalise import normalise_email
from caseapp.auth.passwords import hash_password, password_problems
from caseapp.auth.roles import Role
from caseapp.core.clock import local_today, utcnow
from caseapp.core.errors import DomainError, StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import LANGUAGES, _
from caseapp.offices.models import District
from caseapp.volunteers import notifications
from caseapp.volunteers.labels import (
    CONSENT_VERSION,
    ENGAGED,
    GENDERS,
    LEVELS,
    MAX_CAPACITY,
    MIN_AGE,
    MIN_CAPACITY,
    SLOTS,
    ProgrammeKind,
    Status,
)
from caseapp.volunteers.models import (
    Application,
    Certificate,
    HoursEntry,
    Programme,
    PublicAttempt,
    Volunteer,
)

CONFIRM_SALT = "volunteer-confirm-email"
CONFIRM_MAX_AGE = timedelta(days=3)


class Throttled(DomainError):
    """Too many attempts from this address; the visitor should wait."""


class InvalidLink(DomainError):
    """A confirmation link that is broken or expired."""


# --- programmes -----------------------------------------------------------------------------


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


# --- profiles and sign-up -------------------------------------------------------------------


@dataclass
class ProfileData:
    name: str
    phone: str = ""
    district_id: int | None = None
    # [(ISO 639-1 code, level)]
    languages: list[tuple[str, str]] = field(default_factory=list)
    skills: str = ""
    profession: str = ""
    interests: str = ""
    availability: list[str] = field(default_factory=list)
    capacity: int | None = 1
    gender: str = "none"
    birth_year: int | None = None
    programme_ids: list[int] = field(default_factory=list)


@dataclass
class SignupData(ProfileData):
    email: str = ""
    password: str = ""
    language: str = "de"
    consent: bool = False


def _validate_profile(
    data: ProfileData, today: date, *, known_languages, already_applied=frozenset()
) -> dict:
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors["name"] = [_("This field is required.")]
    if data.district_id is not None and db.session.get(District, data.district_id) is None:
        errors["district"] = [_("Choose one of the offered districts.")]
    seen = set()
    for code, level in data.languages:
        if code not in known_languages or level not in LEVELS:
            errors["languages"] = [_("Choose a language and a level from the lists.")]
        if code in seen:
            errors["languages"] = [_("Each language only once, please.")]
        seen.add(code)
    if not data.languages and "languages" not in errors:
        errors["languages"] = [_("Name at least one language you speak.")]
    if not data.availability:
        errors["availability"] = [_("Tick at least one time when you are available.")]
    elif not set(data.availability) <= set(SLOTS):
        errors["availability"] = [_("Choose times from the weekly grid only.")]
    if data.capacity is None or not MIN_CAPACITY <= data.capacity <= MAX_CAPACITY:
        errors["capacity"] = [
            _(
                "You can take between %(min)d and %(max)d newcomers.",
                min=MIN_CAPACITY,
                max=MAX_CAPACITY,
            )
        ]
    if data.gender not in GENDERS:
        errors["gender"] = [_("Choose one of the offered answers.")]
    if data.birth_year is not None and not (
        today.year - 100 <= data.birth_year <= today.year - MIN_AGE
    ):
        errors["birth_year"] = [
            _("Volunteers are at least %(age)d years old. Check the year of birth.", age=MIN_AGE)
        ]
    # Programmes applied to earlier stay allowed even when no longer offered.
    active_ids = {p.id for p in offered_programmes()} | set(already_applied)
    if not data.programme_ids:
        errors["programmes"] = [_("Choose at least one programme.")]
    elif not set(data.programme_ids) <= active_ids:
        errors["programmes"] = [_("Choose one of the offered programmes.")]
    return errors


def _apply_profile(volunteer: Volunteer, data: ProfileData) -> None:
    volunteer.user.display_name = data.name.strip()
    volunteer.phone = data.phone.strip()
    volunteer.district_id = data.district_id
    volunteer.languages = [{"code": c, "level": lvl} for c, lvl in data.languages]
    volunteer.language_codes = " ".join(sorted(c for c, _lvl in data.languages))
    volunteer.skills = data.skills
    volunteer.profession = data.profession
    volunteer.interests = data.interests
    volunteer.availability = [s for s in SLOTS if s in set(data.availability)]
    volunteer.capacity = data.capacity
    volunteer.gender = data.gender
    volunteer.birth_year = data.birth_year
    applied = {a.programme_id for a in volunteer.applications}
    for programme_id in sorted(set(data.programme_ids) - applied):
        volunteer.applications.append(Application(programme_id=programme_id, status=Status.APPLIED))


def _profile_snapshot(volunteer: Volunteer) -> dict:
    return {
        "name": volunteer.user.display_name,
        "phone": volunteer.phone,
        "district_id": volunteer.district_id,
        "languages": [f"{x['code']}:{x['level']}" for x in volunteer.languages or []],
        "skills": volunteer.skills,
        "profession": volunteer.profession,
        "interests": volunteer.interests,
        "availability": list(volunteer.availability or []),
        "capacity": volunteer.capacity,
        "gender": volunteer.gender,
        "birth_year": volunteer.birth_year,
        "programmes": sorted(a.programme_id for a in volunteer.applications),
    }


def check_public_attempts(kind: str, ip_address: str, limit: int, now: datetime) -> None:
    """Count this attempt; raise Throttled when the address made too many in the last hour."""
    recent = db.session.scalar(
        select(func.count(PublicAttempt.id)).where(
            PublicAttempt.kind == kind,
            PublicAttempt.ip_address == ip_address,
            PublicAttempt.at >= now - timedelta(hours=1),
        )
    )
    if recent >= limit:
        raise Throttled(_("Too many attempts from your connection. Please try again in an hour."))
    db.session.add(PublicAttempt(kind=kind, ip_address=ip_address, at=now))


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=CONFIRM_SALT)


def confirmation_token(volunteer: Volunteer, secret: str) -> str:
    return _serializer(secret).dumps({"v": volunteer.id, "e": volunteer.user.email})


def _send_confirmation(volunteer: Volunteer, secret: str) -> None:
    token = confirmation_token(volunteer, secret)
    notifications.send(
        volunteer.user.email,
        "confirm",
        volunteer.language,
        name=volunteer.name,
        confirm_url=notifications.external_url("volunteers.confirm", token=token),
        days=CONFIRM_MAX_AGE.days,
    )


def signup(data: SignupData, *, secret: str, today: date | None = None) -> Volunteer | None:
    """Register a new volunteer (not active until the e-mail address is confirmed).

    With an address that already has an account nothing new is created: the existing
    address gets a notice (or, for an unconfirmed sign-up, the link again). The caller shows
    the same page either way, so the form does not reveal who has an account.
    """
    today = today or local_today()
    errors = _validate_profile(data, today, known_languages=_language_codes())
    if data.language not in LANGUAGES:
        errors["language"] = [_("Choose one of the offered languages.")]
    email = normalise_email(data.email)
    problems = password_problems(
        data.password, staff=False, context=(email, email.split("@")[0], data.name)
    )
    if problems:
        errors["password"] = problems
    if not data.consent:
        errors["consent"] = [_("Please agree so that we may store your details.")]
    if errors:
        raise ValidationFailed(errors)

    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None:
        profile = db.session.scalar(select(Volunteer).where(Volunteer.user_id == existing.id))
        if profile is not None and profile.email_confirmed_at is None:
            _send_confirmation(profile, secret)
        else:
            notifications.send(
                existing.email,
                "duplicate_signup",
                existing.preferred_language or data.language,
                name=existing.display_name,
                login_url=notifications.external_url("auth.login"),
            )
        return None

    user = User(
        email=email,
        display_name=data.name.strip(),
        preferred_language=data.language,
        active=False,  # until the address is confirmed
        password_hash=hash_password(data.password),
        password_changed_at=utcnow(),
    )
    user.roles.append(UserRole(role=Role.VOLUNTEER.value))
    db.session.add(user)
    volunteer = Volunteer(user=user, consent_version=CONSENT_VERSION, consent_at=utcnow())
    db.session.add(volunteer)
    _apply_profile(volunteer, data)
    db.session.flush()
    # The visitor is not signed in: the public sign-up has no actor.
    audit.record(
        None,
        "signup",
        "volunteer",
        volunteer.id,
        details={"consent_version": [None, CONSENT_VERSION]},
    )
    _send_confirmation(volunteer, secret)
    return volunteer


def confirm_email(token: str, *, secret: str) -> Volunteer:
    """Activate the account behind a confirmation link (idempotent)."""
    try:
        payload = _serializer(secret).loads(token, max_age=int(CONFIRM_MAX_AGE.total_seconds()))
    except SignatureExpired as error:
        raise InvalidLink(_("This link has expired. Please sign up again.")) from error
    except BadSignature as error:
        raise InvalidLink(_("This link is not valid.")) from error
    volunteer = db.session.get(Volunteer, payload.get("v"))
    if volunteer is None or volunteer.user.email != payload.get("e"):
        raise InvalidLink(_("This link is not valid."))
    if volunteer.email_confirmed_at is None:
        volunteer.email_confirmed_at = utcnow()
        volunteer.user.active = True
        db.session.flush()
        audit.record(volunteer.user, "confirm_email", "volunteer", volunteer.id)
    return volunteer


def purge_unconfirmed(now: datetime) -> int:
    """Delete sign-ups whose address was never confirmed and whose link has expired."""
    stale = db.session.scalars(
        select(Volunteer).where(
            Volunteer.email_confirmed_at.is_(None),
            Volunteer.created_at < now - CONFIRM_MAX_AGE,
        )
    ).all()
    for volunteer in stale:
        user = volunteer.user
        db.session.delete(volunteer)
        if not user.active and user.role_set == {Role.VOLUNTEER}:
            db.session.delete(user)
    db.session.flush()
    return len(stale)


def _language_codes() -> set[str]:
    from babel import Locale

    return {c for c in Locale.parse("en").languages if len(c) == 2 and c.isalpha()}


def profile_for(user) -> Volunteer | None:
    return db.session.scalar(select(Volunteer).where(Volunteer.user_id == user.id))


def update_profile(actor, volunteer: Volunteer, data: ProfileData, loaded_version) -> None:
    """The volunteer (or a coordinator) changes the profile; new programmes become applications."""
    if loaded_version != volunteer.version:
        raise StaleVersion(volunteer)
    errors = _validate_profile(
        data,
        local_today(),
        known_languages=_language_codes(),
        already_applied={a.programme_id for a in volunteer.applications},
    )
    if errors:
        raise ValidationFailed(errors)
    before = _profile_snapshot(volunteer)
    _apply_profile(volunteer, data)
    changes = audit.diff(before, _profile_snapshot(volunteer))
    if changes:
        volunteer.updated_at = utcnow()
        db.session.flush()
        audit.record(actor, "update", "volunteer", volunteer.id, details=changes)


def create_profile(actor: User, data: ProfileData) -> Volunteer:
    """A volunteer account made by an administrator gets its profile on first save."""
    errors = _validate_profile(data, local_today(), known_languages=_language_codes())
    if errors:
        raise ValidationFailed(errors)
    volunteer = Volunteer(
        user=actor,
        consent_version=CONSENT_VERSION,
        consent_at=utcnow(),
        email_confirmed_at=utcnow(),
    )
    db.session.add(volunteer)
    _apply_profile(volunteer, data)
    db.session.flush()
    audit.record(actor, "create", "volunteer", volunteer.id)
    return volunteer


# --- applications ---------------------------------------------------------------------------


def good_conduct_problem(volunteer: Volunteer, today: date) -> str | None:
    """Why the certificate of good conduct does not count today (None: it does)."""
    if volunteer.good_conduct_valid_until is None:
        return _("No certificate of good conduct has been recorded yet.")
    if volunteer.good_conduct_valid_until < today:
        return _(
            "The certificate of good conduct expired on %(date)s. Record a current one first.",
            date=_format_date(volunteer.good_conduct_valid_until),
        )
    return None


def _format_date(value: date) -> str:
    from flask_babel import format_date

    return format_date(value, "medium")


def _change_status(actor, application: Application, status: Status, action: str, **details):
    before = application.status
    application.status = status
    application.status_changed_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        action,
        "volunteer_application",
        application.id,
        details={"status": [before, status.value], **details},
    )


def approve(actor, application: Application, today: date | None = None) -> None:
    today = today or local_today()
    volunteer = application.volunteer
    if application.status not in (Status.APPLIED, Status.DECLINED):
        raise ValidationFailed({"decision": _("This application has already been decided.")})
    if volunteer.email_confirmed_at is None:
        raise ValidationFailed({"decision": _("The e-mail address has not been confirmed yet.")})
    if application.programme.good_conduct_required:
        problem = good_conduct_problem(volunteer, today)
        if problem:
            raise ValidationFailed({"good_conduct": problem})
    application.decided_at = utcnow()
    application.decided_by_id = getattr(actor, "id", None)
    application.decline_reason = ""
    _change_status(actor, application, Status.APPROVED, "approve")
    notifications.send(
        volunteer.email,
        "approved",
        volunteer.language,
        name=volunteer.name,
        programme=application.programme.name(volunteer.language),
        required=application.programme.required_trainings,
    )
    from caseapp.volunteers.trainings import check_completion

    check_completion(actor, volunteer)


def decline(actor, application: Application, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Give a reason; the volunteer will read it.")})
    if application.status not in (Status.APPLIED, Status.APPROVED):
        raise ValidationFailed({"decision": _("This application has already been decided.")})
    volunteer = application.volunteer
    application.decided_at = utcnow()
    application.decided_by_id = getattr(actor, "id", None)
    application.decline_reason = reason
    _change_status(actor, application, Status.DECLINED, "decline")
    notifications.send(
        volunteer.email,
        "declined",
        volunteer.language,
        name=volunteer.name,
        programme=application.programme.name(volunteer.language),
        reason=reason,
    )


# Who may move an application where: action -> (allowed from, to).
TRANSITIONS = {
    "pause": ({Status.APPROVED, Status.TRAINED, Status.ACTIVE}, Status.PAUSED),
    "resume": ({Status.PAUSED}, None),  # back to trained or approved
    "end": (
        {Status.APPLIED, Status.APPROVED, Status.TRAINED, Status.ACTIVE, Status.PAUSED},
        Status.ENDED,
    ),
    "activate": ({Status.TRAINED}, Status.ACTIVE),
}
VOLUNTEER_ACTIONS = frozenset({"pause", "resume", "end"})


def change_engagement(actor, application: Application, action: str) -> Status:
    allowed_from, target = TRANSITIONS.get(action, (set(), None))
    if application.status not in allowed_from:
        raise ValidationFailed({"status": _("This change is not possible in the current status.")})
    if target is None:
        has_certificate = db.session.scalar(
            select(Certificate.id).where(
                Certificate.volunteer_id == application.volunteer_id,
                Certificate.programme_id == application.programme_id,
            )
        )
        trained = has_certificate or application.programme.required_trainings == 0
        target = Status.TRAINED if trained else Status.APPROVED
    _change_status(actor, application, target, action)
    if target in (Status.PAUSED, Status.ENDED):
        # Matches in this programme follow the volunteer: paused with them, or ended (the
        # newcomers go back on the waiting list and both sides are told).
        from caseapp.matches.services import follow_volunteer

        follow_volunteer(actor, application.volunteer_id, application.programme_id, target)
    return target


def record_good_conduct(
    actor, volunteer: Volunteer, seen_on: date | None, valid_until: date | None, today: date
) -> None:
    errors: dict[str, list[str]] = {}
    if seen_on is None:
        errors["seen_on"] = [_("Enter a date.")]
    elif seen_on > today:
        errors["seen_on"] = [_("This date lies in the future.")]
    if valid_until is None:
        errors["valid_until"] = [_("Enter a date.")]
    elif valid_until < today:
        errors["valid_until"] = [
            _("This record has already expired. Ask the volunteer for a current certificate.")
        ]
    elif seen_on and valid_until <= seen_on:
        errors["valid_until"] = [_("The renewal date must be after the date it was seen.")]
    if errors:
        raise ValidationFailed(errors)
    before = {
        "seen_on": str(volunteer.good_conduct_seen_on or ""),
        "valid_until": str(volunteer.good_conduct_valid_until or ""),
    }
    volunteer.good_conduct_seen_on = seen_on
    volunteer.good_conduct_valid_until = valid_until
    volunteer.good_conduct_seen_by_id = getattr(actor, "id", None)
    volunteer.updated_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "good_conduct_seen",
        "volunteer",
        volunteer.id,
        details=audit.diff(before, {"seen_on": str(seen_on), "valid_until": str(valid_until)}),
    )


# --- hours ----------------------------------------------------------------------------------

MAX_MINUTES = 16 * 60


def log_hours(
    actor,
    volunteer: Volunteer,
    programme_id: int | None,
    day,
    minutes,
    activity: str,
    today: date,
    match_id: int | None = None,
) -> HoursEntry:
    errors: dict[str, list[str]] = {}
    engaged = {a.programme_id for a in volunteer.applications if a.status in ENGAGED}
    if match_id:
        from caseapp.matches.models import Match

        match = db.session.get(Match, match_id)
        if match is None or match.volunteer_id != volunteer.id:
            errors["match"] = [_("Choose one of your matches.")]
        else:
            # A check-in counts for the match's programme.
            programme_id = match.programme_id
            engaged.add(programme_id)
    if programme_id not in engaged:
        errors["programme"] = [_("Choose one of your programmes.")]
    if day is None:
        errors["day"] = [_("Enter a date.")]
    elif day > today:
        errors["day"] = [_("This date lies in the future.")]
    elif day < today - timedelta(days=366):
        errors["day"] = [_("Only the last twelve months can be logged.")]
    if minutes is None or not 5 <= minutes <= MAX_MINUTES:
        errors["minutes"] = [
            _("Enter between %(min)d and %(max)d minutes.", min=5, max=MAX_MINUTES)
        ]
    if not (activity or "").strip():
        errors["activity"] = [_("Write in a few words what you did.")]
    if errors:
        raise ValidationFailed(errors)
    entry = HoursEntry(
        volunteer_id=volunteer.id,
        programme_id=programme_id,
        match_id=match_id or None,
        day=day,
        minutes=minutes,
        activity=activity.strip(),
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        actor, "log_hours", "volunteer", volunteer.id, details={"minutes": [None, minutes]}
    )
    return entry


def minutes_logged(volunteer_id: int, programme_id: int | None = None) -> int:
    stmt = select(func.coalesce(func.sum(HoursEntry.minutes), 0)).where(
        HoursEntry.volunteer_id == volunteer_id
    )
    if programme_id is not None:
        stmt = stmt.where(HoursEntry.programme_id == programme_id)
    return int(db.session.scalar(stmt) or 0)


# --- thanks page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeFigures:
    programme: Programme
    volunteers: int
    minutes: int
    newcomers: int = 0  # people accompanied in a match at some point of the year


def yearly_figures(year: int) -> tuple[int, int, list[ProgrammeFigures]]:
    """(minutes given this year, volunteers who gave them, per programme figures)."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    in_year = (HoursEntry.day >= start, HoursEntry.day < end)
    total = db.session.scalar(
        select(func.coalesce(func.sum(HoursEntry.minutes), 0)).where(*in_year)
    )
    people = db.session.scalar(
        select(func.count(func.distinct(HoursEntry.volunteer_id))).where(*in_year)
    )
    minutes = dict(
        db.session.execute(
            select(HoursEntry.programme_id, func.sum(HoursEntry.minutes))
            .where(*in_year)
            .group_by(HoursEntry.programme_id)
        ).all()
    )
    counts = dict(
        db.session.execute(
            select(Application.programme_id, func.count(Application.id))
            .where(Application.status.in_([Status.TRAINED, Status.ACTIVE]))
            .group_by(Application.programme_id)
        ).all()
    )
    from caseapp.matches.models import Match

    accompanied = dict(
        db.session.execute(
            select(Match.programme_id, func.count(func.distinct(Match.person_id)))
            .where(Match.started_on < end)
            .where((Match.ended_on.is_(None)) | (Match.ended_on >= start))
            .group_by(Match.programme_id)
        ).all()
    )
    rows = [
        ProgrammeFigures(
            p,
            int(counts.get(p.id, 0)),
            int(minutes.get(p.id, 0) or 0),
            int(accompanied.get(p.id, 0)),
        )
        for p in db.session.scalars(select(Programme).order_by(Programme.id))
    ]
    return int(total or 0), int(people or 0), rows
