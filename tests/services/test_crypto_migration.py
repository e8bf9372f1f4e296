"""The migration encrypts the free text already stored and links the audit entries already
written; its downgrade gives the plain text back."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from caseapp.audit import verification
from caseapp.crypto.keys import PREFIX
from caseapp.extensions import db
from caseapp.people.models import Consultation
from caseapp.referrals.models import Referral
from tests.factories.crypto import MESSAGE_MARKER, NOTE_MARKER, plant

BEFORE = "fce2f22ddf99"  # the revision before 20270107_6968f3f91213_crypto_audit_chain


def _raw(sql: str) -> list[str]:
    with db.engine.connect() as conn:
        return [row[0] for row in conn.execute(text(sql))]


def test_upgrade_encrypts_existing_text_and_links_existing_entries(app, world):
    ids = plant(app, world)
    with app.app_context():
        db.session.remove()
        downgrade(revision=BEFORE)
        notes = _raw("SELECT notes FROM consultations WHERE notes != ''")
        assert any(NOTE_MARKER in n for n in notes)  # plain again, as before this revision
        assert not any(n.startswith(PREFIX) for n in notes)
        assert MESSAGE_MARKER in _raw("SELECT message FROM referrals")[0]
        entries = len(_raw("SELECT id FROM audit_entries"))
        assert entries > 5

        upgrade(revision="heads")
        stored = _raw("SELECT notes FROM consultations WHERE notes != ''")
        stored += _raw("SELECT message FROM referrals")
        assert stored and all(s.startswith(PREFIX) for s in stored)
        assert not any(NOTE_MARKER in s or MESSAGE_MARKER in s for s in stored)
        assert NOTE_MARKER in db.session.get(Consultation, ids["note_id"]).notes
        assert MESSAGE_MARKER in db.session.get(Referral, ids["referral_id"]).message
        db.session.rollback()
        report = verification.verify(db.engine)
        assert report.broken is None and report.entries == entries
