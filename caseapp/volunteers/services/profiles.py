"""A volunteer's profile: languages, skills, availability and the programmes applied for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from caseapp.audit import services as audit
from caseapp.auth.models import User
from caseapp.core.clock import local_today, utcnow
from caseapp.core.errors import StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.i18n import _
from caseapp.offices.models import District
from caseapp.volunteers.labels import (
    CONSENT_VERSION,
    GENDERS,
    LEVELS,
    MAX_CAPACITY,
    MIN_AGE,
    MIN_CAPACITY,
    SLOTS,
    Status,
)
from caseapp.volunteers.models import Application, Volunteer
from caseapp.volunteers.services.programmes import offered_programmes


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
