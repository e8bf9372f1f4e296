"""Every indicator on the small world of reports_world.py, counted by hand (2026).

The cubes' raw values are the SQL aggregates before suppression; `shown` is what leaves.
Quantiles are read from a report with a suppression limit of 2, so that four values show.
"""

from __future__ import annotations

import pytest

from caseapp.reports.cube import ALL, CITY
from caseapp.reports.periods import MONTH, QUARTER, Period
from caseapp.reports.services import Report
from tests.factories import reports_world

Y = Period(2026)
Q1, Q2, Q3, Q4 = (Period(2026, QUARTER, q) for q in range(1, 5))


def M(n):
    return Period(2026, MONTH, n)


@pytest.fixture
def world(app, ctx):
    return reports_world.build()


@pytest.fixture
def report(world):
    return Report(2026)


def city(cube, category=ALL, period=Y, measure="count"):
    return cube.value(CITY, category, period, measure)


def test_new_registrations_by_period_area_sex_age_nationality_language(world, report):
    cube = report.cube("registrations")
    assert city(cube) == 5  # the 2025 registration and the merged record are not counted
    assert [city(cube, period=M(m)) for m in range(1, 8)] == [1, 2, 0, 1, 0, 0, 1]
    assert city(cube, period=Q3) == 1  # 00:30 on 1 July in Berlin is July
    assert cube.value(("office", world["a"]), ALL, Y) == 3
    assert cube.value(("office", world["b"]), ALL, Y) == 2
    assert cube.value(("district", world["north"]), ALL, Y) == 2
    assert cube.value(("district", None), ALL, Y) == 1
    assert [city(cube, ("sex", s)) for s in ("f", "m", "x", "none")] == [2, 2, 0, 1]
    ages = [city(cube, ("age", a)) for a in ("0-17", "18-26", "27-44", "45-64", "65+", "unknown")]
    assert ages == [1, 0, 2, 0, 1, 1]
    nationality = {n: city(cube, ("nationality", n)) for n in ("SY", "AF", "UA", "other", "none")}
    assert nationality == {"SY": 1, "AF": 1, "UA": 1, "other": 1, "none": 1}
    assert city(cube, ("language", "none")) == 2
    assert city(cube, ("language", "ar")) == 1


def test_open_cases_at_the_end_of_each_quarter_by_status(world):
    report = Report(2026, periods=(Q1, Q2, Q3, Y))
    cube = report.cube("cases_open")
    status = lambda p: [city(cube, ("status", s), p) for s in ("open", "active", "on_hold")]  # noqa: E731
    assert status(Q1) == [1, 2, 1]  # the 2025 case open, two active, one on hold
    assert status(Q2) == [1, 1, 1]  # two closed in Q2; the July registration not yet there
    assert status(Q3) == [2, 2, 1]  # one reopened, one new
    assert status(Y) == [2, 2, 1]  # the running year: today
    assert city(cube, period=Q1) == 4
    assert cube.value(("office", world["b"]), ALL, Q3) == 2


def test_closed_cases_by_reason(world, report):
    cube = report.cube("cases_closed")
    assert city(cube) == 2
    assert city(cube, ("reason", "goals_reached"), M(5)) == 1
    assert city(cube, ("reason", "moved_away"), Q2) == 1
    assert city(cube, period=Q3) == 0


def test_persons_consulted_count_each_person_once_per_period(world, report):
    cube = report.cube("persons_consulted")
    assert city(cube) == 5
    assert city(cube, period=Q1) == 4  # P1 twice in Q1, still one person
    assert city(cube, period=M(1)) == 2
    assert city(cube, period=Q2) == 1 and city(cube, period=Q3) == 1
    assert cube.value(("office", world["a"]), ALL, Y) == 4


def test_days_to_first_consultation_median_and_p90(world):
    cube = Report(2026, limit=2).cube("first_consultation_days")
    # 2, 5, 7 and 13 days; the person first consulted in 2025 does not count.
    assert cube.value(CITY, ALL, Y, "n") == 4
    assert cube.value(CITY, ALL, Y, "median") == 5
    assert cube.value(CITY, ALL, Y, "p90") == 13
    assert cube.value(CITY, ALL, Q1, "median") == 5  # 2, 5, 13
    assert cube.value(("office", world["b"]), ALL, Y, "n") == 1
    assert cube.shown(("office", world["b"]), ALL, Y, "median") is None


def test_consultations_by_mode_and_need_area(world, report):
    cube = report.cube("consultations")
    assert city(cube) == 7
    modes = [city(cube, ("mode", m)) for m in ("in_person", "phone", "video", "home_visit")]
    assert modes == [3, 2, 1, 1]
    needs = {n: city(cube, ("need", n)) for n in ("housing", "work", "education", "legal")}
    assert needs == {"housing": 3, "work": 3, "education": 1, "legal": 1}
    assert [city(cube, period=M(m)) for m in (1, 2, 3, 4, 8)] == [2, 1, 2, 1, 1]
    assert cube.value(("office", world["b"]), ALL, Y) == 2


def test_next_steps_on_time_late_overdue(world, report):
    cube = report.cube("next_steps")
    states = [city(cube, ("state", s)) for s in ("on_time", "late", "overdue", "not_due")]
    # Done at 00:30 on 11 March (Berlin) for 10 March is late although UTC says 10 March;
    # done at 23:30 on 30 June (Berlin) is on time although UTC says 30 June 21:30.
    assert states == [2, 1, 1, 1]
    assert city(cube, ("state", "late"), M(3)) == 1


def test_aid_by_kind_and_value_and_repeated_aid(world, report):
    cube = report.cube("aid")
    assert city(cube) == 4
    assert city(cube, ("kind", world["furniture"])) == 3
    assert city(cube, ("kind", world["furniture"]), measure="value") == 30000
    assert city(cube, ("kind", world["ticket"]), measure="value") == 4990
    repeated = report.cube("repeated_aid")
    assert city(repeated) == 1 and city(repeated, ("kind", world["furniture"]), M(3)) == 1


def test_referrals_status_need_answer_and_turnaround(world, report):
    cube = report.cube("referrals")
    assert city(cube) == 4  # the draft never left
    assert [city(cube, ("status", s)) for s in ("sent", "completed", "declined")] == [2, 1, 1]
    answers = [city(cube, ("answer", a)) for a in ("in_time", "late", "overdue", "open")]
    assert answers == [1, 1, 1, 1]
    assert cube.value(("from", world["a"]), ALL, Y) == 2
    assert cube.value(("to", world["a"]), ALL, Y) == 2
    assert cube.value(("to", world["b"]), ("answer", "late"), Y) == 1
    turnaround = Report(2026, limit=1).cube("referral_turnaround")
    assert turnaround.value(CITY, ("step", "accept"), M(2), "median") == 2
    assert turnaround.value(CITY, ("step", "complete"), M(3), "median") == 30
    assert turnaround.value(("to", world["b"]), ("step", "complete"), Y, "median") == 30


def test_appointments_outcome_no_show_and_requests(world, report):
    cube = report.cube("appointments")
    assert city(cube) == 6
    outcome = [
        city(cube, ("status", s))
        for s in ("attended", "no_show", "scheduled", "cancelled", "cancelled_by_newcomer")
    ]
    assert outcome == [2, 1, 1, 1, 1]
    assert city(cube, ("need", "housing")) == 2 and city(cube, ("need", "none")) == 3
    requests = report.cube("reschedule_requests")
    assert [city(requests, ("state", s)) for s in ("open", "handled")] == [1, 1]


def test_volunteers_signups_decisions_trained_active_hours(world, report):
    assert city(report.cube("volunteer_signups")) == 3
    decisions = report.cube("volunteer_decisions")
    assert [city(decisions, ("decision", x)) for x in ("approved", "declined")] == [2, 1]
    assert city(decisions, ("programme", world["mentoring"])) == 2
    trained = report.cube("volunteers_trained")
    assert city(trained) == 2 and city(trained, period=M(1)) == 1
    hours = report.cube("volunteer_hours")
    assert city(hours, measure="minutes") == 300
    assert city(hours, measure="volunteers") == 3
    assert city(hours, ("programme", world["language"]), measure="volunteers") == 2
    assert city(hours, period=Q1, measure="volunteers") == 2
    assert city(hours, period=Q1, measure="minutes") == 270
    assert hours.value(("district", world["north"]), ALL, Y, "minutes") == 150


def test_matches_made_running_ended_six_months_waiting(world):
    report = Report(2026, periods=(Q1, Q2, Y), limit=2)
    assert city(report.cube("matches_started")) == 3
    active = report.cube("matches_active")
    assert [city(active, period=p) for p in (Q1, Q2, Y)] == [4, 3, 2]
    ended = report.cube("matches_ended")
    assert [city(ended, ("reason", r)) for r in ("moved_away", "completed")] == [1, 1]
    six = report.cube("matches_six_months")
    assert [city(six, period=M(m)) for m in (3, 7, 9)] == [1, 1, 1]
    waiting = report.cube("match_waiting_days")
    assert waiting.value(CITY, ALL, Y, "median") == 36  # 28, 36 and 50 days
    assert waiting.value(CITY, ALL, Y, "p90") is None  # too few for a 90th percentile


def test_barriers_roll_up_per_field_of_action(world, report):
    cube = report.cube("barriers")
    assert city(cube) == 4  # the 2025 tag does not count
    assert city(cube, ("field", "housing")) == 2
    assert city(cube, ("field", "work")) == 1
    assert city(cube, ("barrier", "housing_market"), Q1) == 2
    assert cube.value(("office", world["b"]), ("field", "family"), Y) == 1


def test_what_leaves_is_suppressed(world, report):
    """With the default limit of 5 the world is too small: the city's year of registrations
    (5) shows, the offices (3 and 2) do not."""
    cube = report.cube("registrations")
    assert cube.shown(CITY, ALL, Y) == 5
    assert cube.shown(("office", world["a"]), ALL, Y) is None
    assert cube.shown(("office", world["b"]), ALL, Y) is None
