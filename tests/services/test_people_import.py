"""`people import` of long files: short transactions, resumable, refused as a whole when too long.

Found under load: a 60,000-row import held SQLite's write lock for 31 s, so caseworkers' saves
failed with "database is locked"; a 1,000,000-row file was silently imported up to row 199,999
("1 rejected", exit 0); a 1.5 MB cell ended the CLI with a raw traceback.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from caseapp.extensions import db
from caseapp.people import import_runs, importing
from caseapp.people.import_runs import ImportBusy, ImportRun, ImportStopped, run_import
from caseapp.people.models import Person
from tests.factories.people import TODAY

HEADER = (
    "external_id;given_name;family_name;birth_date;sex;nationality;languages;district;phone;email\n"
)


def _csv(count: int, *, start: int = 1, extra: str = "") -> bytes:
    rows = "".join(f"R-{n};Rania;Khalil{n};1990;f;SY;ar;;;\n" for n in range(start, start + count))
    return (HEADER + rows + extra).encode()


def _persons() -> int:
    return db.session.scalar(select(func.count(Person.id)))


def _from_another_connection() -> int:
    """Write (taking SQLite's write lock) and count persons on a second connection, or fail
    within half a second if the importer still holds the database."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if db.engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA busy_timeout=500")
            cursor.execute("BEGIN IMMEDIATE")
        else:
            cursor.execute("SET lock_timeout = '500ms'")
        cursor.execute("UPDATE offices SET name = name")
        cursor.execute("SELECT count(*) FROM persons")
        count = cursor.fetchone()[0]
        raw.commit() if db.engine.dialect.name != "sqlite" else cursor.execute("COMMIT")
        return count
    finally:
        if db.engine.dialect.name == "sqlite":
            raw.cursor().execute("PRAGMA busy_timeout=15000")
        raw.close()


def test_each_batch_is_committed_and_others_can_write_in_between(cw_a, world):
    seen = []

    def progress(done, total):
        seen.append((done, total, _from_another_connection()))

    report = run_import(
        None, _csv(7), office_id=world["office_a"], today=TODAY, batch_rows=2, progress=progress
    )
    assert report.created == 7 and report.errors == []
    # After every batch another connection could write and saw the persons committed so far.
    assert seen == [(2, 7, 2), (4, 7, 4), (6, 7, 6), (7, 7, 7)]
    run = db.session.scalar(select(ImportRun))
    assert (run.status, run.rows_done, run.rows_total, run.created) == ("done", 7, 7, 7)


def test_a_batch_waits_for_a_colleague_holding_the_database(cw_a, world):
    """On SQLite the importer asks for the write lock every few milliseconds and waits;
    on PostgreSQL it waits for the run's row. Either way the import goes on."""
    import threading
    import time

    held = threading.Event()
    engine = db.engine
    sqlite = engine.dialect.name == "sqlite"

    def hold_for_a_moment():
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            if sqlite:
                cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("UPDATE people_import_runs SET updated_at = updated_at")
            held.set()
            time.sleep(0.4)
            raw.commit() if not sqlite else cursor.execute("COMMIT")
        finally:
            raw.close()

    threads = []

    def progress(done, total):
        if done == 2:
            threads.append(threading.Thread(target=hold_for_a_moment))
            threads[0].start()
            held.wait(5)

    started = time.monotonic()
    report = run_import(
        None, _csv(5), office_id=world["office_a"], today=TODAY, batch_rows=2, progress=progress
    )
    threads[0].join()
    assert report.created == 5 and _persons() == 5
    assert time.monotonic() - started >= 0.4  # it did wait


def test_batches_adapt_to_the_target_time(cw_a, world, monkeypatch):
    sizes = []
    original = import_runs.apply_rows

    def apply(actor, rows, **kw):
        sizes.append(len(rows))
        return original(actor, rows, **kw)

    monkeypatch.setattr(import_runs, "apply_rows", apply)
    monkeypatch.setattr(import_runs, "FIRST_BATCH", 10)
    monkeypatch.setattr(import_runs, "MIN_BATCH", 2)
    monkeypatch.setattr(import_runs, "TARGET_SECONDS", 1e-6)  # every batch takes too long
    run_import(None, _csv(30), office_id=world["office_a"], today=TODAY, pause=0)
    assert sizes[:4] == [10, 5, 2, 2] and sum(sizes) == 30
    sizes.clear()
    monkeypatch.setattr(import_runs, "MAX_BATCH", 25)
    monkeypatch.setattr(import_runs, "TARGET_SECONDS", 1e6)  # every batch is quick
    run_import(None, _csv(60, start=100), office_id=world["office_a"], today=TODAY, pause=0)
    assert sizes == [10, 20, 25, 5]


def test_an_interrupted_import_resumes_without_duplicates(cw_a, world):
    raw = _csv(7, extra="R-9;;Noori;1990;m;AF;fa;;;\n")  # row 9 is refused (no given name)
    batches = []

    def killed_after_two_batches(done, total):
        batches.append(done)
        if len(batches) == 2:
            raise KeyboardInterrupt  # as if the process were killed between two batches

    with pytest.raises(KeyboardInterrupt):
        run_import(
            None,
            raw,
            office_id=world["office_a"],
            today=TODAY,
            batch_rows=2,
            progress=killed_after_two_batches,
        )
    assert _persons() == 4
    run = db.session.scalar(select(ImportRun))
    assert (run.status, run.rows_done) == ("running", 4)

    report = run_import(None, raw, office_id=world["office_a"], today=TODAY, batch_rows=2)
    assert report.resumed_after == 4
    assert report.created == 7  # the whole file: 4 before the interruption, 3 now
    assert [row for row, _reason in report.errors] == [9]
    assert _persons() == 7
    assert db.session.scalar(select(func.count(func.distinct(Person.external_id)))) == 7
    assert db.session.scalar(select(func.count(ImportRun.id))) == 1
    assert db.session.scalar(select(ImportRun.status)) == "done"

    again = run_import(None, raw, office_id=world["office_a"], today=TODAY)
    assert (again.created, again.unchanged, again.resumed_after) == (0, 7, 0)  # a new run
    assert _persons() == 7


def test_a_failing_batch_is_rolled_back_and_the_run_resumes(cw_a, world, monkeypatch):
    original = import_runs.apply_rows
    calls = []

    def fails_in_third_batch(actor, rows, **kw):
        calls.append(len(rows))
        original(actor, rows, **kw)  # written, then the batch fails before its commit
        if len(calls) == 3:
            raise RuntimeError("disk full\nsecond line")

    monkeypatch.setattr(import_runs, "apply_rows", fails_in_third_batch)
    with pytest.raises(ImportStopped) as stopped:
        run_import(None, _csv(7), office_id=world["office_a"], today=TODAY, batch_rows=2)
    assert (stopped.value.rows_done, stopped.value.rows_total) == (4, 7)
    assert stopped.value.reason == "disk full"
    assert _persons() == 4  # the third batch left nothing behind

    monkeypatch.setattr(import_runs, "apply_rows", original)
    report = run_import(None, _csv(7), office_id=world["office_a"], today=TODAY, batch_rows=2)
    assert (report.resumed_after, report.created) == (4, 7)
    assert _persons() == 7


def test_a_second_importer_of_the_same_file_stops(cw_a, world):
    def someone_else_took_the_next_batch(done, total):
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if db.engine.dialect.name == "sqlite":
                cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("UPDATE people_import_runs SET rows_done = rows_done + 2")
            raw.commit() if db.engine.dialect.name != "sqlite" else cursor.execute("COMMIT")
        finally:
            raw.close()

    with pytest.raises(ImportBusy):
        run_import(
            None,
            _csv(7),
            office_id=world["office_a"],
            today=TODAY,
            batch_rows=2,
            progress=someone_else_took_the_next_batch,
        )
    assert _persons() == 2


def test_a_file_over_the_row_limit_is_refused_as_a_whole(cw_a, world, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 5)
    report = run_import(None, _csv(6), office_id=world["office_a"], today=TODAY)
    assert not report.ok and "5" in report.fatal and report.created == 0
    assert _persons() == 0 and db.session.scalar(select(func.count(ImportRun.id))) == 0
    # The upload page's one-transaction import refuses it the same way.
    assert (
        "5"
        in importing.import_people(None, _csv(6), office_id=world["office_a"], today=TODAY).fatal
    )
    # At the limit the whole file is imported.
    assert run_import(None, _csv(5), office_id=world["office_a"], today=TODAY).created == 5


def test_the_row_limit_names_the_real_number(cw_a, world, monkeypatch):
    parsed = importing.read_file(_csv(1), {})
    assert parsed.data_rows == 1 and not parsed.fatal
    monkeypatch.setattr(importing, "MAX_ROWS", 200_000)
    big = HEADER + "x;A;B;1990;f;SY;ar;;;\n" * 200_001
    parsed = importing.read_file(big.encode(), {})
    assert parsed.rows == [] and "200.000" in parsed.fatal  # German number format


def test_an_oversized_cell_is_an_error_of_its_row(cw_a, world):
    huge = "A" * 1_500_000  # 1.5 MB, beyond the csv module's 131,072-character default
    raw = (
        HEADER
        + f"C-1;{huge};Khalil;1990;f;SY;ar;;;\n"
        + f"C-2;Rania;Khalil;1990;f;SY;{huge};;;\n"
        + "C-3;Rania;Khalil;1990;f;SY;ar;;;\n"
        + f'C-4;"{huge}\n{huge}";Khalil;1990;f;SY;ar;;;\n'
        + f"{'E' * 65};Rania;Khalil;1990;f;SY;ar;;;\n"
        + "C-6;Ra\x00nia;Khalil;1990;f;SY;ar;;;\n"
        + "C-7;Omar;Haddad;1990;m;SY;ar;;;\n"
    ).encode()
    report = run_import(None, raw, office_id=world["office_a"], today=TODAY)
    assert report.created == 2
    errors = dict(report.errors)
    assert sorted(errors) == [2, 3, 5, 6, 7]
    assert errors[2].startswith("given_name:") and "120" in errors[2]
    assert errors[3].startswith("languages:") and "1000" in errors[3]
    assert errors[6].startswith("external_id:") and "64" in errors[6]
    assert errors[7].startswith("given_name:")  # the NUL character
    assert _persons() == 2


def test_cli_refuses_an_over_limit_file_with_one_line(app, world, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    path = tmp_path / "long.csv"
    path.write_bytes(_csv(4))
    result = app.test_cli_runner().invoke(args=["people", "import", str(path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.strip().count("\n") == 0 and "3" in result.output
    with app.app_context():
        assert _persons() == 0


def test_cli_reports_an_oversized_cell_by_row_and_resumes(app, world, tmp_path, monkeypatch):
    path = tmp_path / "cells.csv"
    path.write_bytes(_csv(3, extra=f"C-9;{'A' * 1_500_000};Khalil;1990;f;SY;ar;;;\n"))
    runner = app.test_cli_runner()
    monkeypatch.setattr(import_runs, "FIRST_BATCH", 2)
    monkeypatch.setattr(import_runs, "MAX_BATCH", 2)
    original = import_runs.apply_rows
    calls = []

    def connection_lost_in_second_batch(actor, rows, **kw):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("connection lost")
        return original(actor, rows, **kw)

    monkeypatch.setattr(import_runs, "apply_rows", connection_lost_in_second_batch)
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "import stopped after 2 of 4 rows: connection lost. "
        "Run the same command again to continue from there."
    ]
    monkeypatch.setattr(import_runs, "apply_rows", original)

    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "row 5: given_name:" in result.output and "Traceback" not in result.output
    assert "continued after the 2 rows" in result.output and "created 3" in result.output
    with app.app_context():
        assert _persons() == 3
