"""Volunteers through the browser's eyes: sign-up, confirmation, approval, training,
certificate, public check and hours — and who may see what."""

from __future__ import annotations

import os
import re
import statistics
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from caseapp.auth.models import User
from caseapp.core.clock import local_today, utcnow
from caseapp.extensions import db
from caseapp.outbox.models import OutboxMessage
from caseapp.volunteers.models import (
    Application,
    Certificate,
    HoursEntry,
    Programme,
    Training,
    Volunteer,
)
from tests.factories.volunteers import (
    _programme,
    _signup_form,
    add_training,
    make_profile,
    volunteer_records,
)
from tests.factories.web import Actions

LINK = re.compile(r"https?://\S+")


# --- the whole journey ------------------------------------------------------------------------


def _outbox(app, recipient: str | None = None) -> list[OutboxMessage]:
    with app.app_context():
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        if recipient:
            stmt = stmt.where(OutboxMessage.recipient == recipient)
        rows = db.session.scalars(stmt).all()
        db.session.expunge_all()
        return rows


def _link(message: OutboxMessage, path: str) -> str:
    for url in LINK.findall(message.body_text):
        if path in url:
            return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])
    raise AssertionError(f"no {path} link in {message.body_text}")


def test_public_signup_confirm_approve_train_certify_verify_and_log_hours(app, world):
    programme_id = _programme(app, required_trainings=1, good_conduct_required=True)
    visitor = Actions(app.test_client())
    page = visitor.client.get("/volunteer/signup?lang=tr").get_data(as_text=True)
    assert '<html lang="tr"' in page and "Hoş geldin elçileri" in page

    response = visitor.post("/volunteer/signup?lang=tr", _signup_form(programme_id))
    assert response.status_code == 302 and response.headers["Location"].endswith("/signup/sent")
    [mail] = _outbox(app, "leyla.demir@example.org")
    assert mail.language == "tr"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "leyla.demir@example.org"))
        assert user.active is False  # nothing happens before the address is confirmed

    # Unconfirmed: no sign-in, invisible to coordinators.
    refused = visitor.login("leyla.demir@example.org", "Mein Garten blüht im Mai")
    assert refused.status_code == 200 and "Location" not in refused.headers
    coordinator = Actions(app.test_client())
    coordinator.login(world["coordinator"])
    assert "Leyla Demir" not in coordinator.client.get("/coordination/volunteers").get_data(
        as_text=True
    )

    confirm_url = _link(mail, "/volunteer/confirm")
    page = visitor.client.get(confirm_url).get_data(as_text=True)
    assert "<form" in page  # GET only shows a button
    token = confirm_url.split("token=", 1)[1]
    response = visitor.post("/volunteer/confirm", {"token": token})
    assert response.status_code == 302

    # The coordinator sees the application, cannot approve without good conduct on record.
    listing = coordinator.client.get("/coordination/volunteers?status=applied").get_data(
        as_text=True
    )
    assert "Leyla Demir" in listing
    with app.app_context():
        volunteer = db.session.scalar(
            select(Volunteer)
            .join(User, User.id == Volunteer.user_id)
            .where(User.email == "leyla.demir@example.org")
        )
        volunteer_id = volunteer.id
        application_id = volunteer.applications[0].id
    response = coordinator.post(f"/coordination/applications/{application_id}/approve?lang=en", {})
    assert response.status_code == 400
    assert "No certificate of good conduct has been recorded yet." in response.get_data(
        as_text=True
    )

    # An expired record is refused with a clear message, the typed dates stay.
    response = coordinator.post(
        f"/coordination/volunteers/{volunteer_id}/good-conduct?lang=en",
        {"seen_on": "2020-01-10", "valid_until": "2023-01-10"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This record has already expired" in page and 'value="2023-01-10"' in page

    today = local_today()
    response = coordinator.post(
        f"/coordination/volunteers/{volunteer_id}/good-conduct",
        {
            "seen_on": today.isoformat(),
            "valid_until": (today + timedelta(days=5 * 365)).isoformat(),
        },
    )
    assert response.status_code == 302
    response = coordinator.post(f"/coordination/applications/{application_id}/approve", {})
    assert response.status_code == 302
    approval = _outbox(app, "leyla.demir@example.org")[-1]
    assert approval.language == "tr" and "Hoş geldin elçileri" in approval.body_text

    # A training: scheduled, the volunteer registers, attends, and gets the certificate.
    start = utcnow() + timedelta(days=7)
    response = coordinator.post(
        "/coordination/trainings/new",
        {
            "title": "Grundkurs Begleitung",
            "day": start.date().isoformat(),
            "starts": "10:00",
            "ends": "13:00",
            "place": "Kirchstraße 7",
            "capacity": "12",
            "programmes": [str(programme_id)],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        training_id = db.session.scalar(select(Training.id))

    volunteer_client = Actions(app.test_client())
    assert (
        volunteer_client.login("leyla.demir@example.org", "Mein Garten blüht im Mai").status_code
        == 302
    )
    me = volunteer_client.client.get("/volunteer/me?lang=en").get_data(as_text=True)
    assert "Grundkurs Begleitung" in me and "approved" in me
    # ?lang= is a saved choice: switch back to Turkish, the language the mails go out in.
    volunteer_client.client.get("/volunteer/me?lang=tr")
    assert (
        volunteer_client.post(f"/volunteer/trainings/{training_id}/register", {}).status_code == 302
    )

    # The training has taken place (moved into the past), attendance is recorded.
    with app.app_context():
        training = db.session.get(Training, training_id)
        training.starts_at = utcnow() - timedelta(hours=4)
        training.ends_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    response = coordinator.post(
        f"/coordination/trainings/{training_id}/attendance", {"attended": [str(volunteer_id)]}
    )
    assert response.status_code == 302
    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        code, certificate_id = certificate.code, certificate.id
        assert db.session.get(Application, application_id).status == "trained"
    ready = _outbox(app, "leyla.demir@example.org")[-1]
    assert code in ready.body_text and ready.language == "tr"

    pdf = volunteer_client.client.get(f"/volunteer/certificates/{certificate_id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")

    # Anyone can check the code; the page shows name, programme and date only.
    check = Actions(app.test_client()).client.get(
        f"/certificates/verify?code={code.lower()}&lang=en"
    )
    page = check.get_data(as_text=True)
    assert check.status_code == 200 and "This certificate is valid." in page
    assert "Leyla Demir" in page and "Willkommensbotschafter" in page
    assert "leyla.demir@example.org" not in page and "Erzieherin" not in page
    assert "+49 170" not in page

    # Hours: logged once even when the form is sent twice.
    form = {
        "programme": str(programme_id),
        "day": today.isoformat(),
        "minutes": "90",
        "activity": "Mit Familie A. zur Ausländerbehörde gegangen",
        "submission_id": "6f1c2d7e-0000-4000-8000-000000000001",
    }
    assert volunteer_client.post("/volunteer/hours", form).status_code == 302
    assert volunteer_client.post("/volunteer/hours", form).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(HoursEntry.id))) == 1
    assert "1:30" in volunteer_client.client.get("/volunteer/me").get_data(as_text=True)
    thanks = coordinator.client.get("/coordination/volunteers/thanks?lang=en").get_data(
        as_text=True
    )
    assert "1 resident is trained or active in Willkommensbotschafter." in thanks


# --- bad input on the public form -----------------------------------------------------------


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def test_signup_bad_input_keeps_typing_and_explains_each_field(app):
    programme_id = _programme(app)
    visitor = Actions(app.test_client())
    response = visitor.post(
        "/volunteer/signup?lang=en",
        _signup_form(
            programme_id,
            capacity="0",
            availability=["9-morning"],
            skills="Ich kann gut zuhören & übersetzen",
            confirm="something else",
        ),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "You can take between 1 and 10 newcomers." in page
    assert "Choose times from the weekly grid only." in page
    assert "The passwords do not match." in page
    assert "Ich kann gut zuhören &amp; übersetzen" in page  # typed text kept (escaped)
    assert 'value="leyla.demir@example.org"' in page
    assert "Mein Garten" not in page  # passwords are never sent back
    assert _count(app, User) == 0

    response = visitor.post("/volunteer/signup?lang=en", _signup_form(programme_id, capacity="100"))
    assert response.status_code == 400
    assert "You can take between 1 and 10 newcomers." in response.get_data(as_text=True)

    response = visitor.post(
        "/volunteer/signup?lang=en", _signup_form(programme_id, availability=[])
    )
    assert "Tick at least one time when you are available." in response.get_data(as_text=True)


def test_signup_messages_are_translated(app):
    programme_id = _programme(app)
    visitor = Actions(app.test_client())
    response = visitor.post("/volunteer/signup?lang=ar", _signup_form(programme_id, email=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<html lang="ar" dir="rtl">' in page
    assert "هذا الحقل مطلوب" in page  # WTForms' own message in Arabic


def test_duplicate_signup_looks_the_same_and_mails_the_existing_address(app, world):
    programme_id = _programme(app)
    visitor = Actions(app.test_client())
    response = visitor.post(
        "/volunteer/signup", _signup_form(programme_id, email=world["caseworker_a"].upper())
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/signup/sent")
    [notice] = _outbox(app)
    assert notice.recipient == world["caseworker_a"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Volunteer.id))) == 0
        caseworker = db.session.scalar(select(User).where(User.email == world["caseworker_a"]))
        assert caseworker.role_set == {"caseworker"}  # no role was added


def test_honeypot_pretends_success_and_stores_nothing(app):
    programme_id = _programme(app)
    visitor = Actions(app.test_client())
    response = visitor.post(
        "/volunteer/signup", _signup_form(programme_id, website="http://spam.example")
    )
    assert response.status_code == 302
    assert _count(app, User) == 0 and _outbox(app) == []


def test_signups_are_rate_limited_per_address(app):
    programme_id = _programme(app)
    visitor = Actions(app.test_client())
    limit = app.config["VOLUNTEER_SIGNUPS_PER_IP_PER_HOUR"]
    for n in range(limit):
        assert (
            visitor.post(
                "/volunteer/signup", _signup_form(programme_id, email=f"v{n}@example.org")
            ).status_code
            == 302
        )
    response = visitor.post(
        "/volunteer/signup?lang=en", _signup_form(programme_id, email="x@example.org")
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_confirm_link_is_a_button_and_bad_tokens_are_refused(app):
    visitor = Actions(app.test_client())
    page = visitor.client.get("/volunteer/confirm?token=abc&lang=en").get_data(as_text=True)
    assert "Confirm my e-mail address" in page
    response = visitor.post("/volunteer/confirm?lang=en", {"token": "abc"})
    assert response.status_code == 400
    assert "This link is not valid." in response.get_data(as_text=True)
    # Without the CSRF token nothing happens.
    assert app.test_client().post("/volunteer/confirm", data={"token": "abc"}).status_code == 400


def test_verify_unknown_code_and_throttling(app):
    client = app.test_client()
    response = client.get("/certificates/verify?code=AAAA-BBBB-CCCC&lang=en")
    assert response.status_code == 404
    assert "No certificate has this code." in response.get_data(as_text=True)
    assert client.get("/certificates/verify").status_code == 200  # the empty form
    limit = app.config["CERTIFICATE_CHECKS_PER_IP_PER_HOUR"]
    for _ in range(limit):
        client.get("/certificates/verify?code=AAAA-BBBB-CCCD")
    assert client.get("/certificates/verify?code=AAAA-BBBB-CCCE").status_code == 429


# --- access ---------------------------------------------------------------------------------


def test_volunteers_see_only_their_own_certificates_and_programmes(app, world, make_user):
    ids = volunteer_records(app, world["volunteer"])
    other = make_user("volunteer", email="other@test.example")
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == other))
        make_profile(user, [ids["programme_id"]])
        db.session.commit()
    actions = Actions(app.test_client())
    actions.login(other)
    certificate = f"/volunteer/certificates/{ids['certificate_id']}.pdf"
    assert actions.client.get(certificate).status_code == 404
    url = f"/volunteer/programmes/{ids['application_id']}/end"
    assert actions.client.get(url).status_code == 404
    assert actions.post(url, {}).status_code == 404
    with app.app_context():
        assert db.session.get(Application, ids["application_id"]).status == "trained"
    # Coordination pages and case files are closed to volunteers.
    for url in (
        "/coordination/volunteers",
        f"/coordination/volunteers/{ids['volunteer_profile_id']}",
    ):
        assert actions.client.get(url).status_code == 403


def test_caseworkers_see_nothing_of_volunteers(app, world):
    ids = volunteer_records(app, world["volunteer"])
    actions = Actions(app.test_client())
    actions.login(world["caseworker_a"])
    for url in (
        "/coordination/volunteers",
        f"/coordination/volunteers/{ids['volunteer_profile_id']}",
        f"/volunteer/certificates/{ids['certificate_id']}.pdf",
        "/coordination/trainings",
        "/volunteer/me",
    ):
        assert actions.client.get(url).status_code == 403, url


def test_profile_posts_ignore_mass_assignment(app, world):
    ids = volunteer_records(app, world["volunteer"])
    actions = Actions(app.test_client())
    actions.login(world["volunteer"])
    with app.app_context():
        version = db.session.get(Volunteer, ids["volunteer_profile_id"]).version
    form = _signup_form(ids["programme_id"])
    for key in ("email", "password", "confirm", "consent", "website", "programmes"):
        form.pop(key)
    form.update(
        version=str(version),
        user_id="1",
        role="admin",
        roles="coordinator",
        good_conduct_valid_until="2099-01-01",
        status="active",
        capacity="3",
    )
    response = actions.post("/volunteer/profile", form)
    assert response.status_code == 302
    with app.app_context():
        volunteer = db.session.get(Volunteer, ids["volunteer_profile_id"])
        assert volunteer.capacity == 3 and volunteer.good_conduct_valid_until is None
        assert volunteer.user.email == world["volunteer"]
        assert volunteer.user.role_set == {"volunteer"}
        assert volunteer.applications[0].status == "trained"


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)> سكربت Şükrü'


def test_xss_in_every_text_field_renders_inert(app, world):
    ids = volunteer_records(app, world["volunteer"])
    actions = Actions(app.test_client())
    actions.login(world["volunteer"])
    with app.app_context():
        version = db.session.get(Volunteer, ids["volunteer_profile_id"]).version
    form = _signup_form(
        ids["programme_id"], name=XSS, profession=XSS[:100], skills=XSS, interests=XSS
    )
    for key in ("email", "password", "confirm", "consent", "website", "programmes"):
        form.pop(key)
    form["version"] = str(version)
    assert actions.post("/volunteer/profile", form).status_code == 302
    hours = {
        "programme": str(ids["programme_id"]),
        "day": local_today().isoformat(),
        "minutes": "30",
        "activity": XSS,
    }
    assert actions.post("/volunteer/hours", hours).status_code == 302
    coordinator = Actions(app.test_client())
    coordinator.login(world["coordinator"])
    pages = [
        actions.client.get("/volunteer/me"),
        actions.client.get("/volunteer/hours"),
        actions.client.get("/home"),
        coordinator.client.get("/coordination/volunteers"),
        coordinator.client.get(f"/coordination/volunteers/{ids['volunteer_profile_id']}"),
        coordinator.client.get(f"/coordination/trainings/{ids['training_id']}"),
    ]
    for response in pages:
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "<script>alert" not in page and "<img src=x" not in page
        # ... and the text is there, shown as text (escaped), not dropped.
        assert "&lt;script&gt;alert(" in page, response.request.path
        assert "&lt;img src=x onerror=alert(1)&gt;" in page, response.request.path


def test_coordinator_filters_sorts_and_pages_the_list(app, world, make_user):
    ids = volunteer_records(app, world["volunteer"])
    for n in range(3):
        email = make_user("volunteer", email=f"v{n}@test.example", name=f"Zeynep {n}")
        with app.test_request_context():
            user = db.session.scalar(select(User).where(User.email == email))
            make_profile(user, [ids["programme_id"]], languages=[("tr", "native")])
            db.session.commit()
    coordinator = Actions(app.test_client())
    coordinator.login(world["coordinator"])
    page = coordinator.client.get("/coordination/volunteers?language=tr&sort=-name").get_data(
        as_text=True
    )
    assert page.index("Zeynep 2") < page.index("Zeynep 0")
    assert f'/coordination/volunteers/{ids["volunteer_profile_id"]}"' not in page
    response = coordinator.client.get(
        f"/coordination/volunteers?status=trained&programme={ids['programme_id']}"
    )
    assert response.status_code == 200  # both filters on one application
    page = response.get_data(as_text=True)
    assert "Zeynep" not in page
    assert f'/coordination/volunteers/{ids["volunteer_profile_id"]}"' in page
    page = coordinator.client.get("/coordination/volunteers?renewal=1").get_data(as_text=True)
    assert "No volunteer matches these filters." in page or "Zeynep" not in page
    app.config["ITEMS_PER_PAGE"] = 2
    try:
        page = coordinator.client.get("/coordination/volunteers?page=2").get_data(as_text=True)
    finally:
        app.config["ITEMS_PER_PAGE"] = 25
    assert "pagination" in page


def test_coordinator_manages_programmes_and_trainings_through_the_ui(app, world):
    coordinator = Actions(app.test_client())
    coordinator.login(world["coordinator"])
    form = {
        "kind": "mentor",
        "name_de": "Mentoring Beruf",
        "name_ar": "إرشاد مهني",
        "name_tr": "Meslek mentorluğu",
        "description_de": "Begleitung in Ausbildung und Beruf.",
        "min_commitment_months": "6",
        "required_trainings": "2",
        "max_newcomers": "2",
        "good_conduct_required": "y",
        "active": "y",
    }
    assert coordinator.post("/coordination/programmes/new", form).status_code == 302
    response = coordinator.post("/coordination/programmes/new?lang=en", form)
    assert response.status_code == 400
    assert "A programme with this name already exists." in response.get_data(as_text=True)
    response = coordinator.post(
        "/coordination/programmes/new?lang=en",
        {**form, "name_de": "Neu", "max_newcomers": "0", "min_commitment_months": "x"},
    )
    assert response.status_code == 400
    with app.app_context():
        programme = db.session.scalar(select(Programme))
        programme_id, version = programme.id, programme.version
    page = app.test_client().get("/volunteer/signup?lang=ar").get_data(as_text=True)
    assert "إرشاد مهني" in page
    response = coordinator.post(
        f"/coordination/programmes/{programme_id}/edit",
        {**form, "required_trainings": "1", "version": str(version)},
    )
    assert response.status_code == 302
    # A stale version is not saved over the newer one: both versions side by side.
    response = coordinator.post(
        f"/coordination/programmes/{programme_id}/edit?lang=en",
        {**form, "required_trainings": "5", "version": str(version)},
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "<bdi>1</bdi></td><td><bdi>5</bdi>" in page
    assert f'href="/coordination/programmes/{programme_id}/edit"' in page
    with app.app_context():
        assert db.session.get(Programme, programme_id).required_trainings == 1

    bad = coordinator.post(
        "/coordination/trainings/new?lang=en",
        {
            "title": "Kurs",
            "day": "2030-01-10",
            "starts": "14:00",
            "ends": "12:00",
            "capacity": "5",
            "programmes": [str(programme_id)],
        },
    )
    assert bad.status_code == 400
    assert "The training must end after it starts." in bad.get_data(as_text=True)
    assert _count(app, Training) == 0


def test_stale_training_edit_shows_both_versions_and_saves_nothing(app, world):
    programme_id = _programme(app)
    with app.test_request_context():
        training = add_training([programme_id], utcnow() + timedelta(days=10), title="Grundkurs")
        db.session.commit()
        training_id, version = training.id, training.version
    coordinator = Actions(app.test_client())
    coordinator.login(world["coordinator"])
    url = f"/coordination/trainings/{training_id}/edit"
    form = {
        "title": "Grundkurs Ankommen",
        "day": (local_today() + timedelta(days=10)).isoformat(),
        "starts": "17:00",
        "ends": "20:00",
        "place": "Kirchstraße 7",
        "capacity": "12",
        "programmes": [str(programme_id)],
        "version": str(version),
    }
    assert coordinator.post(url, form).status_code == 302
    response = coordinator.post(f"{url}?lang=en", {**form, "title": "Grundkurs Begleitung"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "<bdi>Grundkurs Ankommen</bdi></td><td><bdi>Grundkurs Begleitung</bdi>" in page
    assert f'href="{url}"' in page
    with app.app_context():
        assert db.session.get(Training, training_id).title == "Grundkurs Ankommen"


def test_double_click_on_signup_creates_one_account_and_one_mail(app):
    programme_id = _programme(app)
    visitor = Actions(app.test_client())
    form = _signup_form(programme_id, submission_id="0b7a2f0e-1111-4222-8333-444455556666")
    assert visitor.post("/volunteer/signup", form).status_code == 302
    assert visitor.post("/volunteer/signup", form).status_code == 302
    assert _count(app, User) == 1 and len(_outbox(app)) == 1


def test_volunteer_sees_and_saves_own_profile(app, world):
    ids = volunteer_records(app, world["volunteer"])
    actions = Actions(app.test_client())
    actions.login(world["volunteer"])
    page = actions.client.get("/volunteer/profile?lang=en").get_data(as_text=True)
    assert 'id="slot-0-morning" checked' in page.replace("\n", " ").replace('"          ', '" ')
    assert 'value="2"' in page  # capacity
    assert "Apply for more programmes" not in page  # the only programme is applied for
    with app.app_context():
        version = db.session.get(Volunteer, ids["volunteer_profile_id"]).version
    form = _signup_form(ids["programme_id"], capacity="5", version=str(version))
    for key in ("email", "password", "confirm", "consent", "website", "programmes"):
        form.pop(key)
    assert actions.post("/volunteer/profile", form).status_code == 302
    # Sent again with the old version: refused with both versions side by side, nothing
    # overwritten.
    form["capacity"] = "7"
    response = actions.post("/volunteer/profile?lang=en", form)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "<bdi>5</bdi></td><td><bdi>7</bdi>" in page
    assert 'href="/volunteer/profile"' in page
    with app.app_context():
        assert db.session.get(Volunteer, ids["volunteer_profile_id"]).capacity == 5


def test_withdrawn_certificate_no_longer_verifies(app, world):
    ids = volunteer_records(app, world["volunteer"])
    with app.app_context():
        code = db.session.get(Certificate, ids["certificate_id"]).code
    coordinator = Actions(app.test_client())
    coordinator.login(world["coordinator"])
    response = coordinator.post(f"/coordination/certificates/{ids['certificate_id']}/revoke", {})
    assert response.status_code == 302
    page = app.test_client().get(f"/certificates/verify?code={code}&lang=en").get_data(as_text=True)
    assert "withdrawn and is no longer valid" in page
    assert "This certificate is valid." not in page


# --- the same work for a known and a new address (issue 11, security 6) -----------------------


def _signup_work(app, programme_id: int, email: str) -> tuple[int, int, float]:
    """Password hashes, messages queued and seconds for one public sign-up with `email`."""
    from argon2 import PasswordHasher

    visitor = Actions(app.test_client())
    visitor.token()
    queued_before = len(_outbox(app))
    hashes = []
    original = PasswordHasher.hash

    def counting(self, *args, **kw):
        hashes.append(1)
        return original(self, *args, **kw)

    PasswordHasher.hash = counting
    try:
        started = time.perf_counter()
        response = visitor.post("/volunteer/signup", _signup_form(programme_id, email=email))
        seconds = time.perf_counter() - started
    finally:
        PasswordHasher.hash = original
    assert response.status_code == 302 and response.headers["Location"].endswith("/signup/sent")
    return len(hashes), len(_outbox(app)) - queued_before, seconds


def test_signup_does_the_same_work_for_known_and_new_addresses(app, world):
    """Found: 15-45 ms for an address with an account, 160-530 ms for a new one (argon2)."""
    programme_id = _programme(app)
    new = _signup_work(app, programme_id, "neu.hier@example.org")[:2]
    staff = _signup_work(app, programme_id, world["caseworker_a"])[:2]
    unconfirmed = _signup_work(app, programme_id, "neu.hier@example.org")[:2]  # link again
    assert new == staff == unconfirmed == (1, 1)  # one hash and one queued message each
    [notice] = _outbox(app, world["caseworker_a"])
    assert "/login" in notice.body_text


@pytest.mark.skipif(
    not os.environ.get("LOTSE_TIMING_TESTS"),
    reason="timing on a shared machine; run with LOTSE_TIMING_TESTS=1 (not in CI)",
)
def test_signup_takes_as_long_for_known_and_new_addresses(app, world, monkeypatch):
    from argon2 import PasswordHasher

    from caseapp.auth import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher())  # production cost
    programme_id = _programme(app)
    known, fresh = [], []
    for n in range(7):
        known.append(_signup_work(app, programme_id, world["caseworker_a"])[2])
        fresh.append(_signup_work(app, programme_id, f"neu{n}@example.org")[2])
    known_median, fresh_median = statistics.median(known), statistics.median(fresh)
    assert abs(known_median - fresh_median) < 0.5 * max(known_median, fresh_median)
