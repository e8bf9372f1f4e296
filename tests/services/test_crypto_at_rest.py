"""Notes and referral messages are encrypted in the database and readable in the application;
keys rotate; a missing key is one clear line, never a token shown as text."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select, text

from caseapp.core.errors import ValidationFailed
from caseapp.crypto.keys import PREFIX, DataKeyError, generate_key, key_id, split_keys
from caseapp.extensions import db
from caseapp.people.models import Consultation
from caseapp.people.services import get_person
from caseapp.referrals import services as referrals
from caseapp.referrals.models import Referral
from tests.factories.crypto import MESSAGE_MARKER, NOTE_MARKER, _worker, plant
from tests.factories.web import Actions

KEY_A, KEY_B = generate_key(), generate_key()


@contextmanager
def data_keys(app, keys: str):
    """The application configured with CASEAPP_DATA_KEYS=`keys` for the block."""
    old = app.config["DATA_KEYS"]
    app.config["DATA_KEYS"] = split_keys(keys)
    try:
        yield
    finally:
        app.config["DATA_KEYS"] = old


def raw_values(sql: str) -> list[str]:
    """What the database itself holds, past the ORM's types."""
    with db.engine.connect() as conn:
        return [row[0] for row in conn.exec_driver_sql(sql)]


def test_markers_are_not_stored_in_plain_text_but_the_app_shows_them(app, world):
    ids = plant(app, world)
    with app.app_context():
        notes = raw_values("SELECT notes FROM consultations WHERE notes != ''")
        messages = raw_values("SELECT message FROM referrals")
        assert len(notes) == 2 and len(messages) == 1
        for stored in (*notes, *messages):
            assert stored.startswith(PREFIX)
            assert NOTE_MARKER not in stored and MESSAGE_MARKER not in stored
        if db.engine.dialect.name == "sqlite":
            # The file itself (and its write-ahead log), opened without SQLAlchemy.
            path = Path(db.engine.url.database)
            with sqlite3.connect(path) as raw:
                rows = raw.execute("SELECT notes FROM consultations").fetchall()
            assert all(NOTE_MARKER not in (value or "") for (value,) in rows)
            for file in (path, Path(f"{path}-wal")):
                if file.exists():
                    content = file.read_bytes()
                    assert NOTE_MARKER.encode() not in content
                    assert MESSAGE_MARKER.encode() not in content
    actions = Actions(app.test_client())
    actions.login(world["caseworker_a"])
    person_page = actions.client.get(f"/people/{ids['person_id']}?lang=de").get_data(as_text=True)
    assert NOTE_MARKER in person_page
    assert "ğüş عربي" in person_page
    referral_page = actions.client.get(f"/referrals/{ids['referral_id']}").get_data(as_text=True)
    assert MESSAGE_MARKER in referral_page
    assert PREFIX not in person_page + referral_page


def test_rotation_from_key_a_to_key_b(app, world):
    with data_keys(app, KEY_A):
        ids = plant(app, world)
    with app.app_context():
        stored = raw_values("SELECT notes FROM consultations WHERE notes != ''")
        assert all(s.startswith(f"{PREFIX}{key_id(KEY_A)}:") for s in stored)
    runner = app.test_cli_runner()
    with data_keys(app, f"{KEY_B},{KEY_A}"):
        # Readable before the rotation (B encrypts, A still decrypts) ...
        with app.app_context():
            assert NOTE_MARKER in db.session.get(Consultation, ids["note_id"]).notes
        result = runner.invoke(args=["keys", "rotate", "--batch", "1"])
        assert result.exit_code == 0, result.output
        assert "consultations.notes: 2 re-encrypted" in result.output
        assert "referrals.message: 1 re-encrypted" in result.output
        # ... and a second run has nothing left to do (an interrupted run goes on like this).
        again = runner.invoke(args=["keys", "rotate"])
        assert "consultations.notes: 0 re-encrypted" in again.output
        status = runner.invoke(args=["keys", "status"])
        assert f"consultations.notes: {key_id(KEY_B)} 2" in status.output
    with data_keys(app, KEY_B), app.app_context():
        stored = raw_values("SELECT notes FROM consultations WHERE notes != ''")
        assert all(s.startswith(f"{PREFIX}{key_id(KEY_B)}:") for s in stored)
        notes = [c.notes for c in db.session.scalars(select(Consultation))]
        assert any(NOTE_MARKER in n for n in notes)
        referral = db.session.get(Referral, ids["referral_id"])
        assert MESSAGE_MARKER in referral.message
        db.session.rollback()


def test_rotation_encrypts_text_written_before_encryption(app, world):
    ids = plant(app, world)
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(
            text("UPDATE consultations SET notes = :n WHERE id = :id"),
            {"n": f"plain {NOTE_MARKER}", "id": ids["note_id"]},
        )
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert "consultations.notes: 1 re-encrypted" in result.output
    with app.app_context():
        assert NOTE_MARKER not in "".join(raw_values("SELECT notes FROM consultations"))
        assert db.session.get(Consultation, ids["note_id"]).notes == f"plain {NOTE_MARKER}"
        db.session.rollback()


def test_a_missing_key_is_one_clear_line_and_never_garbage(app, world):
    with data_keys(app, KEY_A):
        ids = plant(app, world)
    with data_keys(app, KEY_B):
        with app.app_context():
            with pytest.raises(DataKeyError) as error:
                db.session.get(Consultation, ids["note_id"]).notes  # noqa: B018
            db.session.rollback()
        assert key_id(KEY_A) in str(error.value) and "CASEAPP_DATA_KEYS" in str(error.value)
        assert "\n" not in str(error.value) and KEY_A not in str(error.value)
        result = app.test_cli_runner().invoke(args=["keys", "rotate"])
        assert result.exit_code == 1
        # Columns done before the one that fails report their counts; the error is one line.
        errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1 and "Traceback" not in result.output
        assert result.output.rstrip("\n").splitlines()[-1] == errors[0]
        assert f"key {key_id(KEY_A)}, which is not in CASEAPP_DATA_KEYS" in result.output
        status = app.test_cli_runner().invoke(args=["keys", "status"])
        assert status.exit_code == 1
        assert f"need key {key_id(KEY_A)}, which is not in CASEAPP_DATA_KEYS" in status.output
        actions = Actions(app.test_client())
        actions.login(world["caseworker_a"])
        page = actions.client.get(f"/people/{ids['person_id']}?lang=en")
        text = page.get_data(as_text=True)
        assert page.status_code == 500
        assert "cannot be read with the configured keys" in text
        assert PREFIX not in text


def test_a_changed_token_is_refused_not_shown(app, world):
    ids = plant(app, world)
    with app.app_context():
        with db.engine.begin() as conn:
            params = {"id": ids["note_id"]}
            stored = conn.execute(
                text("SELECT notes FROM consultations WHERE id = :id"), params
            ).scalar()
            damaged = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
            conn.execute(
                text("UPDATE consultations SET notes = :n WHERE id = :id"), {**params, "n": damaged}
            )
        with pytest.raises(DataKeyError, match="altered or damaged"):
            db.session.get(Consultation, ids["note_id"]).notes  # noqa: B018
        db.session.rollback()


def test_the_plain_text_limit_and_nul_apply_before_the_flush(app, world):
    ids = plant(app, world)
    with app.test_request_context():
        consultation = db.session.get(Consultation, ids["note_id"])
        consultation.notes = "x" * 8000  # the limit of the text, whatever the token's length
        db.session.flush()
        consultation.notes = "x" * 8001
        with pytest.raises(ValidationFailed) as error:
            db.session.flush()
        assert "notes" in error.value.errors
        db.session.rollback()
        referral = db.session.get(Referral, ids["referral_id"])
        referral.message = "Bitte\x00melden"
        with pytest.raises(ValidationFailed) as error:
            db.session.flush()
        assert "message" in error.value.errors
        db.session.rollback()


def test_keys_generate_prints_a_usable_key(app):
    result = app.test_cli_runner().invoke(args=["keys", "generate"])
    assert result.exit_code == 0
    key = result.output.strip()
    assert split_keys(f"{key},{KEY_A}") == (key, KEY_A)


def test_a_shared_snapshot_with_consultation_notes_is_encrypted_too(app, world):
    """The snapshot a sent referral shares copies the consultation's notes: it is stored
    encrypted like the notes, and the receiving office still reads them."""
    ids = plant(app, world)
    with app.test_request_context():
        worker = _worker(world)
        person = get_person(worker, ids["person_id"], audit_read=False)
        referral = referrals.create_referral(
            worker,
            person,
            referrals.ReferralData(
                need="work",
                service_id=ids["service_id"],
                message="Bitte melden.",
                categories=["contact", "consultations"],
                consultation_ids=[ids["note_id"]],
            ),
        )
        referrals.send_referral(worker, referral)
        db.session.commit()
        referral_id = referral.id
    with app.app_context():
        stored = raw_values(f"SELECT shared FROM referrals WHERE id = {int(referral_id)}")[0]  # noqa: S608
        assert stored.startswith(PREFIX) and NOTE_MARKER not in stored
        shared = db.session.get(Referral, referral_id).shared
        assert NOTE_MARKER in str(shared["consultations"])
