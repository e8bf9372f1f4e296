"""What reports add to the case file: structural barriers tagged on a consultation.

The consultation form gets the barrier checkboxes and a short note (saved with the
consultation, in the same transaction), and the timeline shows the tags under the
consultation they belong to. The integration report counts the tags, never the notes.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import Length, Optional

from caseapp.extensions import db
from caseapp.i18n import _l
from caseapp.people.forms import CheckboxesField
from caseapp.people.models import Consultation
from caseapp.people.sections import (
    TimelineEvent,
    register_consultation_part,
    register_timeline,
)
from caseapp.reports.models import ConsultationBarrier
from caseapp.reports.services import tag_barriers
from caseapp.reports.vocab import BARRIERS, MAX_BARRIER_NOTE


class BarrierField(CheckboxesField):
    """The barrier vocabulary as checkboxes, labelled in the language of the request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=[], **kwargs)
        self.choices = [(code, str(label)) for code, label in BARRIERS.items()]


def _fields() -> dict:
    return {
        "barriers": BarrierField(_l("Structural barriers seen")),
        "barrier_note": StringField(
            _l("Note on the barriers"),
            validators=[Optional(), Length(max=MAX_BARRIER_NOTE)],
            render_kw={"dir": "auto"},
        ),
    }


def _save(actor, consultation: Consultation, form) -> None:
    codes = form.barriers.data or []
    note = form.barrier_note.data or ""
    if codes or note.strip():
        tag_barriers(actor, consultation, codes, note)


def _events(actor, case, limit: int) -> list[TimelineEvent]:
    """One entry per tagged consultation, at the consultation's time (shown just below it)."""
    rows = db.session.execute(
        select(Consultation.id, Consultation.at, ConsultationBarrier.code, ConsultationBarrier.note)
        .join(ConsultationBarrier, ConsultationBarrier.consultation_id == Consultation.id)
        .where(Consultation.case_id == case.id)
        .order_by(Consultation.at.desc(), ConsultationBarrier.code)
    ).all()
    tagged: dict[int, dict] = defaultdict(lambda: {"codes": [], "note": ""})
    at = {}
    for consultation_id, when, code, note in rows:
        tagged[consultation_id]["codes"].append(BARRIERS.get(code, code))
        tagged[consultation_id]["note"] = note
        at[consultation_id] = when
    return [TimelineEvent(at[cid], "barriers", item) for cid, item in tagged.items()][:limit]


register_consultation_part(
    "barriers",
    order=10,
    template="reports/_consultation_barriers.html",
    fields=_fields,
    save=_save,
)
# After the casework source (order 10): on equal times the tags follow their consultation.
register_timeline("barriers", order=15, template="reports/_timeline_barriers.html", events=_events)
