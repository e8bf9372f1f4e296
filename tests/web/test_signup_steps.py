"""The volunteer sign-up in steps on a phone (issue 12 §4): programme, about you, languages and
times, account; one step at a time without JavaScript, "Back" loses nothing, every mistake at
once in a summary at the top that links to its field, nothing chosen for the person."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from caseapp.auth.models import User
from caseapp.extensions import db
from tests.factories.volunteers import _programme, _signup_form
from tests.factories.web import Actions

STEP = re.compile(r'<section class="signup-step" id="step-(\d)"[^>]*?( hidden)?>')


def _shown(page: str) -> list[int]:
    return [int(number) for number, hidden in STEP.findall(page) if not hidden]


def _summary_links(page: str) -> list[str]:
    match = re.search(r'<div class="alert alert-danger error-summary".*?</div>', page, re.S)
    assert match, "no error summary"
    return re.findall(r'href="#([^"]+)"', match.group())


def test_first_step_shows_the_programmes_and_nothing_chosen(app):
    programme_id = _programme(app)
    page = Actions(app.test_client()).client.get("/volunteer/signup?lang=en").get_data(True)
    assert "Step 1 of 4" in page
    assert _shown(page) == [1]
    assert f'id="programme-{programme_id}"' in page
    # Every other field is in the form (hidden), so its answer travels with each step.
    assert 'id="name"' in page and 'id="email"' in page
    gender = re.search(r'<select[^>]*id="gender".*?</select>', page, re.S).group()
    assert "selected" not in gender  # no gender preselected: the browser shows "—"
    assert 'name="go" value="2"' in page and 'name="go" value="0"' not in page
    # The languages are pairs of language and level, each with a visible label.
    assert '<label class="form-label small mb-0" for="language_0">Language 1</label>' in page
    assert '<label class="form-label small mb-0" for="level_0">Level of language 1</label>' in page


def test_next_checks_only_this_step_and_back_keeps_everything(app):
    programme_id = _programme(app)
    visitor = Actions(app.test_client())
    url = "/volunteer/signup?lang=en"
    empty = {"step": "1", "go": "2", "capacity": "1"}
    response = visitor.post(url, empty)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert _shown(page) == [1]
    assert _summary_links(page) == [f"programme-{programme_id}"]
    assert "Choose at least one programme." in page
    assert "This field is required." not in page  # the name belongs to the next step

    answers = _signup_form(programme_id, password="", confirm="")
    response = visitor.post(url, {**answers, "step": "1", "go": "2"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _shown(page) == [2] and "Step 2 of 4" in page
    response = visitor.post(url, {**answers, "name": "", "step": "2", "go": "3"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and _shown(page) == [2]
    assert _summary_links(page) == ["name"]
    response = visitor.post(url, {**answers, "step": "2", "go": "3"})
    page = response.get_data(as_text=True)
    assert _shown(page) == [3] and "Step 3 of 4" in page
    response = visitor.post(url, {**answers, "step": "3", "go": "4"})
    page = response.get_data(as_text=True)
    assert _shown(page) == [4] and "Send sign-up" in page
    # Back from the account step: nothing checked, every answer still there.
    response = visitor.post(url, {**answers, "email": "", "step": "4", "go": "3"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _shown(page) == [3]
    assert 'value="Leyla Demir"' in page and 'id="slot-1-afternoon" checked' in page.replace(
        "\n", " "
    ).replace('"          ', '" ')
    assert "Gärtnern, Kochen" in page
    assert "error-summary" not in page


def test_sending_shows_every_mistake_at_once_with_links_to_the_fields(app):
    programme_id = _programme(app)
    visitor = Actions(app.test_client())
    response = visitor.post(
        "/volunteer/signup?lang=en",
        _signup_form(
            programme_id,
            programmes=[],
            name="",
            availability=[],
            confirm="something else",
            skills="x" * 2001,
        ),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    # In the order of the form: programme, about you, languages and times, account.
    assert _summary_links(page) == [
        f"programme-{programme_id}",
        "name",
        "skills",
        "slot-0-morning",
        "confirm",
    ]
    # Each step with a mistake is open, so every link leads to a visible field.
    assert _shown(page) == [1, 2, 3, 4]
    assert "autofocus" in page.split("error-summary", 1)[1][:200]
    assert "Mein Garten" not in page  # passwords are never sent back
    assert "x" * 2001 in page  # too long: kept and explained, not cut
    assert "Field cannot be longer than 2000 characters." in page
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_text_areas_count_characters_instead_of_cutting(app):
    _programme(app)
    page = app.test_client().get("/volunteer/signup?lang=en").get_data(as_text=True)
    skills = re.search(r"<textarea[^>]*id=\"skills\"[^>]*>", page).group()
    assert "maxlength" not in skills.replace("data-maxlength", "")
    assert 'data-maxlength="2000"' in skills
    assert 'aria-describedby="skills-count"' in skills
    assert "Up to 2,000 characters" in page
    assert "js/forms.js" in page


def test_stepped_sign_up_ends_with_the_account(app):
    programme_id = _programme(app)
    visitor = Actions(app.test_client())
    response = visitor.post(
        "/volunteer/signup?lang=en", {**_signup_form(programme_id), "step": "4"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/signup/sent")
