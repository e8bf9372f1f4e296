"""Volunteer services against the real database: sign-up, decisions, trainings, hours."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.auth.models import User
from caseapp.core.clock import utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.extensions import db
from caseapp.outbox.models import OutboxMessage
from caseapp.volunteers import certificates, public_limits, services, trainings
from caseapp.volunteers.models import Certificate, TrainingRegistration, Volunteer
from tests.factories.volunteers import add_training, make_profile, make_programme

SECRET = "s" * 40
TODAY = date(2026, 11, 22)


def _signup(programme_id, **kw) -> services.SignupData:
    data = {
        "name": "Hamid Rahimi",
        "email": "hamid@example.org",
        "password": "Tee mit Kardamom am Abend",
        "language": "ar",
        "consent": True,
        "languages": [("fa", "native"), ("de", "good")],
        "availability": ["0-evening"],
        "capacity": 1,
        "programme_ids": [programme_id],
    }
    data.update(kw)
    return services.SignupData(**data)


def _errors(call) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value.errors


def test_signup_creates_an_inactive_account_and_queues_the_confirmation(app, ctx):
    programme_id = make_programme()
    volunteer = services.signup(_signup(programme_id), secret=SECRET, today=TODAY)
    assert volunteer.user.active is False
    assert volunteer.user.role_set == {"volunteer"}
    assert volunteer.applications[0].status == "applied"
    assert volunteer.consent_version and volunteer.consent_at
    [mail] = db.session.scalars(select(OutboxMessage)).all()
    assert mail.language == "ar" and "/volunteer/confirm?token=" in mail.body_text

    token = services.confirmation_token(volunteer, SECRET)
    confirmed = services.confirm_email(token, secret=SECRET)
    assert confirmed.user.active and confirmed.email_confirmed_at
    services.confirm_email(token, secret=SECRET)  # idempotent


def test_tampered_or_foreign_token_is_refused(app, ctx):
    volunteer = services.signup(_signup(make_programme()), secret=SECRET, today=TODAY)
    token = services.confirmation_token(volunteer, SECRET)
    with pytest.raises(services.InvalidLink):
        services.confirm_email(token + "x", secret=SECRET)
    with pytest.raises(services.InvalidLink):
        services.confirm_email(token, secret="another-secret-" * 3)


def test_duplicate_email_creates_nothing_and_notifies_the_existing_address(app, ctx, make_user):
    email = make_user("coordinator", email="Hamid@Example.org")
    programme_id = make_programme()
    result = services.signup(_signup(programme_id, email="HAMID@example.org"), secret=SECRET)
    assert result is None
    assert db.session.scalar(select(func.count(Volunteer.id))) == 0
    [notice] = db.session.scalars(select(OutboxMessage)).all()
    assert notice.recipient == email.lower()
    assert "/login" in notice.body_text and "confirm" not in notice.body_text


def test_unconfirmed_duplicate_gets_a_new_link(app, ctx):
    programme_id = make_programme()
    services.signup(_signup(programme_id), secret=SECRET)
    assert services.signup(_signup(programme_id), secret=SECRET) is None
    mails = db.session.scalars(select(OutboxMessage)).all()
    assert len(mails) == 2 and all("/volunteer/confirm?token=" in m.body_text for m in mails)
    assert db.session.scalar(select(func.count(User.id))) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"capacity": 100}, "capacity"),
        ({"capacity": None}, "capacity"),
        ({"availability": []}, "availability"),
        ({"availability": ["7-morning"]}, "availability"),
        ({"availability": ["0-night"]}, "availability"),
        ({"languages": []}, "languages"),
        ({"languages": [("xx", "native")]}, "languages"),
        ({"languages": [("ar", "perfect")]}, "languages"),
        ({"birth_year": 2020}, "birth_year"),
        ({"programme_ids": []}, "programmes"),
        ({"programme_ids": [999]}, "programmes"),
        ({"consent": False}, "consent"),
        ({"password": "12345678"}, "password"),
        ({"gender": "robot"}, "gender"),
        ({"district_id": 999}, "district"),
    ],
)
def test_bad_signup_input_is_refused_per_field(app, ctx, overrides, field):
    programme_id = make_programme()
    errors = _errors(lambda: services.signup(_signup(programme_id, **overrides), secret=SECRET))
    assert field in errors and all(errors[field])
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_public_attempts_are_throttled_per_address(app, ctx):
    now = utcnow()
    for _ in range(3):
        public_limits.check_public_attempts("signup", "203.0.113.9", 3, now)
    with pytest.raises(public_limits.Throttled):
        public_limits.check_public_attempts("signup", "203.0.113.9", 3, now)
    public_limits.check_public_attempts("signup", "203.0.113.10", 3, now)  # another address
    public_limits.check_public_attempts("signup", "203.0.113.9", 3, now + timedelta(hours=2))


def _approved(app, make_user, **programme):
    email = make_user("volunteer")
    user = db.session.scalar(select(User).where(User.email == email))
    programme_id = make_programme(**programme)
    volunteer = make_profile(user, [programme_id])
    return user, volunteer, volunteer.applications[0]


def test_expired_good_conduct_blocks_approval(app, ctx, make_user):
    coordinator = None  # a script or job; views pass the signed-in coordinator
    _user, volunteer, application = _approved(app, make_user, good_conduct_required=True)
    errors = _errors(lambda: services.approve(coordinator, application, TODAY))
    assert "good_conduct" in errors
    volunteer.good_conduct_seen_on = date(2019, 1, 1)
    volunteer.good_conduct_valid_until = date(2024, 1, 1)
    errors = _errors(lambda: services.approve(coordinator, application, TODAY))
    assert "2024" in errors["good_conduct"][0]
    errors = _errors(
        lambda: services.record_good_conduct(
            coordinator, volunteer, date(2020, 1, 1), date(2025, 1, 1), TODAY
        )
    )
    assert "valid_until" in errors
    errors = _errors(
        lambda: services.record_good_conduct(
            coordinator, volunteer, TODAY + timedelta(days=1), TODAY + timedelta(days=900), TODAY
        )
    )
    assert "seen_on" in errors
    services.record_good_conduct(coordinator, volunteer, TODAY, date(2031, 11, 22), TODAY)
    services.approve(coordinator, application, TODAY)
    assert application.status == "approved"
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"good_conduct_seen", "approve"} <= actions


def test_decline_needs_a_reason_and_tells_the_volunteer(app, ctx, make_user):
    _user, _volunteer, application = _approved(app, make_user)
    assert "reason" in _errors(lambda: services.decline(None, application, "  "))
    services.decline(None, application, "Das Programm ist im Moment voll.")
    assert application.status == "declined"
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert "Das Programm ist im Moment voll." in mail.body_text


def test_training_flow_issues_one_certificate_with_a_random_code(app, ctx, make_user):
    user, volunteer, application = _approved(app, make_user, required_trainings=2)
    services.approve(None, application, TODAY)
    programme_id = application.programme_id
    now = utcnow()
    first = add_training([programme_id], now + timedelta(days=1))
    second = add_training([programme_id], now + timedelta(days=2), title="Recht und Behörden")
    trainings.register(user, volunteer, first, now)
    trainings.register(user, volunteer, second, now)
    trainings.register(user, volunteer, second, now)  # twice: still one registration
    assert len(second.registrations) == 1
    later = now + timedelta(days=3)
    assert trainings.record_attendance(None, first, {volunteer.id}, later) == []
    assert application.status == "approved"
    [certificate] = trainings.record_attendance(None, second, {volunteer.id}, later)
    assert application.status == "trained"
    assert trainings.record_attendance(None, second, {volunteer.id}, later) == []
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    assert certificates.find_by_code(certificate.code.lower().replace("-", " ")) is certificate
    assert certificates.find_by_code("AAAA-AAAA-AAAA") is None
    assert certificates.find_by_code("'; drop table x") is None


def test_codes_are_random_not_sequential():
    codes = {certificates.new_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(certificates.normalise_code(c) == c for c in codes)


def test_registration_rules(app, ctx, make_user):
    user, volunteer, application = _approved(app, make_user)
    now = utcnow()
    training = add_training([application.programme_id], now + timedelta(days=1), capacity=1)
    # Not approved yet: no registration.
    assert "training" in _errors(lambda: trainings.register(user, volunteer, training, now))
    services.approve(None, application, TODAY)
    trainings.register(user, volunteer, training, now)
    other_user, other, other_application = _approved(app, make_user, name_de="Sprachpaten")
    services.approve(None, other_application, TODAY)
    training.programmes.append(other_application.programme)
    assert "training" in _errors(lambda: trainings.register(other_user, other, training, now))
    past = add_training([application.programme_id], now - timedelta(days=1))
    assert "training" in _errors(lambda: trainings.register(user, volunteer, past, now))
    assert "attended" in _errors(
        lambda: trainings.record_attendance(None, training, {volunteer.id}, now)
    )


def test_reminders_are_queued_once_per_registration(app, ctx, make_user):
    _user, volunteer, application = _approved(app, make_user)
    services.approve(None, application, TODAY)
    now = utcnow()
    soon = add_training([application.programme_id], now + timedelta(hours=20))
    later = add_training([application.programme_id], now + timedelta(days=10))
    for training in (soon, later):
        training.registrations.append(TrainingRegistration(volunteer_id=volunteer.id))
    db.session.flush()
    assert trainings.remind_trainings(now) == 1
    assert trainings.remind_trainings(now) == 0
    reminder = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedupe_key.is_not(None))
    ).one()
    assert soon.title in reminder.body_text


def test_hours_rules_and_engagement_changes(app, ctx, make_user):
    user, volunteer, application = _approved(app, make_user, required_trainings=0)
    programme_id = application.programme_id
    assert "programme" in _errors(
        lambda: services.log_hours(user, volunteer, programme_id, TODAY, 60, "x", TODAY)
    )
    services.approve(None, application, TODAY)
    assert application.status == "trained"  # no training required
    bad = _errors(
        lambda: services.log_hours(
            user, volunteer, programme_id, TODAY + timedelta(days=1), 2, " ", TODAY
        )
    )
    assert {"day", "minutes", "activity"} <= set(bad)
    services.log_hours(user, volunteer, programme_id, TODAY, 45, "Deutsch geübt", TODAY)
    assert services.minutes_logged(volunteer.id) == 45

    assert services.change_engagement(user, application, "pause") == "paused"
    assert "programme" in _errors(
        lambda: services.log_hours(user, volunteer, programme_id, TODAY, 60, "x", TODAY)
    )
    assert services.change_engagement(user, application, "resume") == "trained"
    assert services.change_engagement(None, application, "activate") == "active"
    assert services.change_engagement(user, application, "end") == "ended"
    assert "status" in _errors(lambda: services.change_engagement(user, application, "resume"))

    total, people, _rows = services.yearly_figures(TODAY.year)
    assert total == 45 and people == 1


def test_reminder_cli_renders_in_the_volunteers_language_without_a_request(app, make_user):
    email = make_user("volunteer", language="ar", name="Karim")
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == email))
        programme_id = make_programme()
        volunteer = make_profile(user, [programme_id])
        services.approve(None, volunteer.applications[0], TODAY)
        soon = add_training([programme_id], utcnow() + timedelta(hours=5))
        soon.registrations.append(TrainingRegistration(volunteer_id=volunteer.id))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["volunteers", "remind-trainings", "--no-send"])
    assert result.exit_code == 0, result.output
    assert "queued 1 reminders" in result.output
    with app.app_context():
        reminder = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.dedupe_key.is_not(None))
        ).one()
        assert reminder.language == "ar"
        assert "مرحبًا، \u2068Karim\u2069" in reminder.body_text  # the name isolated in Arabic
        assert "/volunteer/me" in reminder.body_text


def test_unconfirmed_signups_are_purged_after_the_link_expired(app, ctx, make_user):
    programme_id = make_programme()
    services.signup(_signup(programme_id), secret=SECRET)
    kept = services.signup(_signup(programme_id, email="kept@example.org"), secret=SECRET)
    services.confirm_email(services.confirmation_token(kept, SECRET), secret=SECRET)
    db.session.commit()
    assert services.purge_unconfirmed(utcnow()) == 0
    assert services.purge_unconfirmed(utcnow() + timedelta(days=4)) == 1
    db.session.commit()
    emails = set(db.session.scalars(select(User.email)))
    assert emails == {"kept@example.org"}


def test_coordinator_can_add_a_walk_in_to_a_past_training(app, ctx, make_user):
    user, volunteer, application = _approved(app, make_user)
    services.approve(None, application, TODAY)
    now = utcnow()
    past = add_training([application.programme_id], now - timedelta(hours=2))
    assert "training" in _errors(lambda: trainings.register(user, volunteer, past, now))
    trainings.register(None, volunteer, past, now, walk_in=True)
    [certificate] = trainings.record_attendance(None, past, {volunteer.id}, now)
    assert certificate.volunteer_id == volunteer.id
