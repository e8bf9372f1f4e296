"""The audit log names the records it lists (issue 12 §5): a person as the case list writes
them, an account and an office by name, each linking to the record; a record without a
registered name (or one that is gone) keeps its number."""

from __future__ import annotations

from sqlalchemy import select

from caseapp.audit import services as audit
from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.offices.models import Office
from caseapp.people.models import Case, Person


def test_records_are_named_and_linked(app, world, registered):
    actions, person_id = registered
    with app.test_request_context():
        admin = db.session.scalar(select(User).where(User.email == world["admin"]))
        person = db.session.get(Person, person_id)
        case = db.session.scalar(select(Case).where(Case.person_id == person_id))
        office = db.session.get(Office, case.office_id)
        expected = {
            "person": f"{person.family_name}, {person.given_name} · {case.case_number}",
            "user": admin.display_name,
            "office": office.name,
        }
        ids = {"person": person_id, "user": admin.id, "office": office.id}
        audit.record(admin, "update", "user", admin.id)
        audit.record(admin, "update", "office", office.id)
        audit.record(admin, "update", "room", 424242)
        audit.record(admin, "update", "person", 999_999)
        db.session.commit()
    admin_actions = type(actions)(app.test_client())
    assert admin_actions.login(world["admin"]).status_code == 302
    page = admin_actions.client.get("/admin/audit/?lang=en").get_data(as_text=True)
    for kind, name in expected.items():
        assert f"<bdi>{name}</bdi>" in page, kind
    assert f'href="/people/{ids["person"]}"><bdi>{expected["person"]}</bdi></a>' in page
    # a room has no registered name, a person that does not exist has none either
    assert "#424242" in page and "#999999" in page
