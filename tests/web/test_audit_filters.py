"""The audit log filters by who acted, by record and by a range of days (issue 12 §5): days
typed as the language writes them, in the office's time zone; a day that does not exist gets
a translated message and stays in the field as typed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select, text

from caseapp.audit import services as audit
from caseapp.auth.models import User
from caseapp.core.clock import frozen
from caseapp.extensions import db

ENTRIES = [
    # (UTC instant, actor key, record type, record id, marker)
    (datetime(2026, 11, 1, 10, 0, tzinfo=UTC), "admin", "person", 7, "MARKER-NOV01"),
    # 23:30 UTC is 00:30 on 4 November in Berlin: it belongs to the 4th.
    (datetime(2026, 11, 3, 23, 30, tzinfo=UTC), "caseworker_a", "person", 8, "MARKER-NOV04"),
    (datetime(2026, 11, 10, 9, 0, tzinfo=UTC), "caseworker_a", "office", 1, "MARKER-NOV10"),
]
MARKERS = {entry[-1] for entry in ENTRIES}


@pytest.fixture
def log(app, world):
    ids = {}
    with app.test_request_context():
        for at, who, record_type, record_id, marker in ENTRIES:
            user = db.session.scalar(select(User).where(User.email == world[who]))
            ids[who] = user.id
            with frozen(at):
                audit.record(
                    user, "update", record_type, record_id, details={"reason": [None, marker]}
                )
                db.session.commit()
    return ids


@pytest.fixture
def admin(actions, world):
    assert actions.login(world["admin"]).status_code == 302
    return actions


def _shown(admin, query: str) -> tuple[str, set[str]]:
    response = admin.client.get(f"/admin/audit/?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page, {m for m in MARKERS if m in page}


def test_without_filters_every_entry_is_listed(admin, log):
    assert _shown(admin, "lang=en")[1] == MARKERS


@pytest.mark.parametrize(
    "query",
    [
        "lang=de&date_from=04.11.2026&date_to=04.11.2026",
        "lang=tr&date_from=04.11.2026&date_to=04.11.2026",
        "lang=ar&date_from=04/11/2026&date_to=04/11/2026",
        "lang=ar&date_from=٠٤/١١/٢٠٢٦&date_to=٠٤/١١/٢٠٢٦",  # Arabic-Indic digits
        "lang=en&date_from=2026-11-04&date_to=2026-11-04",  # ISO, as a link sends it
    ],
)
def test_a_range_of_days_in_the_offices_time_zone(admin, log, query):
    page, shown = _shown(admin, query)
    assert shown == {"MARKER-NOV04"}
    assert "is-invalid" not in page


def test_open_ended_ranges(admin, log):
    assert _shown(admin, "lang=de&date_from=04.11.2026")[1] == {"MARKER-NOV04", "MARKER-NOV10"}
    assert _shown(admin, "lang=de&date_to=03.11.2026")[1] == {"MARKER-NOV01"}


def test_filter_by_who_acted_offers_the_people_in_the_log(admin, log):
    page, _ = _shown(admin, "lang=en")
    assert '<select class="form-select" id="actor" name="actor">' in page
    assert f'<option value="{log["caseworker_a"]}" dir="auto">' in page
    assert f'<option value="{log["admin"]}" dir="auto">' in page
    page, shown = _shown(admin, f"lang=en&actor={log['caseworker_a']}")
    assert shown == {"MARKER-NOV04", "MARKER-NOV10"}
    assert f'<option value="{log["caseworker_a"]}" selected dir="auto">' in page


def test_filter_by_record_and_combined_with_days(admin, log):
    assert _shown(admin, "lang=en&record_type=person&record_id=7")[1] == {"MARKER-NOV01"}
    assert _shown(admin, "lang=en&record_type=person")[1] == {"MARKER-NOV01", "MARKER-NOV04"}
    both = f"lang=en&actor={log['caseworker_a']}&date_to=2026-11-05"
    assert _shown(admin, both)[1] == {"MARKER-NOV04"}


def test_a_day_that_does_not_exist_is_named_and_kept_as_typed(admin, log):
    page, shown = _shown(admin, "lang=en&date_from=31.02.2026&date_to=2026-11-04")
    assert "Enter a date that exists" in page
    assert 'value="31.02.2026"' in page
    assert "This field is required" not in page
    # The unreadable day is left out; the other one still filters.
    assert shown == {"MARKER-NOV01", "MARKER-NOV04"}
    german, _ = _shown(admin, "lang=de&date_from=31.02.2026")
    assert 'value="31.02.2026"' in german and "Enter a date that exists" not in german
    assert "is-invalid" in german


def test_last_day_before_first_day_is_refused_with_a_message(admin, log):
    page, shown = _shown(admin, "lang=en&date_from=10.11.2026&date_to=01.11.2026")
    assert "The last day cannot be before the first day." in page
    assert 'value="10.11.2026"' in page and 'value="01.11.2026"' in page
    assert shown == {"MARKER-NOV10"}


def test_record_type_choices_are_the_types_in_the_log_without_reading_it_all(app, admin, log):
    """The record filter offers exactly the types the log holds, found by one index probe per
    type (a long log is not read entry by entry to list them)."""
    with app.app_context():
        in_log = set(db.session.scalars(select(audit.AuditEntry.record_type).distinct()))
        listed = audit.record_types()
        assert listed == sorted(in_log) and {"person", "office"} <= in_log
        if db.engine.dialect.name == "sqlite":
            # The same statement the page runs, through SQLite's planner: index searches only.
            db.session.execute(text("ANALYZE"))
            statements = []

            def remember(conn, cursor, statement, parameters, context, executemany):
                statements.append((statement, parameters))

            event.listen(db.engine, "before_cursor_execute", remember)
            try:
                audit.record_types()
            finally:
                event.remove(db.engine, "before_cursor_execute", remember)
            sql, params = statements[-1]
            rows = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(row[-1] for row in rows)
            assert "SCAN audit_entries" not in plan.replace("USING COVERING INDEX", ""), plan
    page = admin.client.get("/admin/audit/").get_data(as_text=True)
    assert 'value="office"' in page and 'value="person"' in page
