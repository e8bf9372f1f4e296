"""Every table that ties rows to a person is covered by the export, retention and
anonymisation: a new table with a person_id/case_id column (or a key to persons, cases or
households) fails here until its package declares a privacy holding for it."""

from __future__ import annotations

from caseapp.extensions import db
from caseapp.privacy import registry
from caseapp.privacy.retention.rules import RULES


def test_every_person_reference_is_covered_by_a_holding(app):
    with app.app_context():
        assert registry.uncovered(db.metadata) == []


def test_the_scan_finds_a_new_table(app):
    from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

    metadata = MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(metadata)
    Table(
        "forgotten_notes",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("case_id", ForeignKey("cases.id")),
    )
    with app.app_context():
        assert registry.uncovered(metadata) == ["forgotten_notes.case_id"]


def test_every_holding_names_a_rule_and_what_anonymisation_does(app):
    with app.app_context():
        for h in registry.holdings():
            assert h.retention in RULES, h.kind
            assert h.on_anonymise in registry.ANONYMISE, h.kind
            columns = set(h.sa_table.c.keys())
            assert set(h.free_text) <= columns, h.kind
            assert set(h.hidden) <= columns, h.kind
            if h.on_anonymise == "clear":
                assert h.free_text, f"{h.kind}: 'clear' without free text to clear"
