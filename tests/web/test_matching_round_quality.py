"""The round page says how close the round is to the best possible total score."""

from __future__ import annotations

import re

from sqlalchemy import select

from caseapp.extensions import db
from caseapp.matches.models import MatchRound
from tests.factories.matching import build


def _start_round(actions, programme_id: int, submission: str) -> str:
    response = actions.post(
        f"/matching/programmes/{programme_id}/run", {"submission_id": submission}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    if "/jobs/" in location:  # a large round: its job's result is the round
        location = actions.client.get(location + "/result").headers["Location"]
    return location


def test_a_pruned_round_shows_its_proven_gap(app, world, make_user, actions, monkeypatch):
    from caseapp.matches.services import rounds

    ids = build(app, world, make_user)
    assert actions.login(world["coordinator"]).status_code == 302
    # Every round is large here: it runs as a job and keeps each person's single best pair.
    monkeypatch.setitem(app.config, "MATCHING_INLINE_PAIRS", 0)
    monkeypatch.setattr(rounds, "PRUNE_ABOVE_PAIRS", 0)
    monkeypatch.setattr(rounds, "PRUNED_CANDIDATES", 1)
    url = _start_round(actions, ids["programme_id"], "0b6c1b7e-9a51-4d0e-8a7e-1f3f2b7d1c01")
    page = actions.client.get(url + "?lang=en").get_data(as_text=True)
    with app.app_context():
        stats = db.session.scalars(select(MatchRound)).one().stats
    assert stats["pruned"] and stats["upper_bound"] >= stats["total_score"] > 0
    shown = re.search(r"Within ([0-9.,]+)\s?% of the best possible total score", page)
    assert shown, page
    assert float(shown.group(1).replace(",", "")) == round(100 * stats["gap"], 3)
    assert "Exact: the best possible total score." not in page


def test_an_exact_round_says_so(app, world, make_user, actions):
    ids = build(app, world, make_user)
    assert actions.login(world["coordinator"]).status_code == 302
    url = _start_round(actions, ids["programme_id"], "0b6c1b7e-9a51-4d0e-8a7e-1f3f2b7d1c02")
    page = actions.client.get(url + "?lang=en").get_data(as_text=True)
    assert "Exact: the best possible total score." in page
    assert "Within" not in page
