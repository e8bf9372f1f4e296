"""Wiring interpreter dispatch into the application: the round as a job kind, menu entries
and the helpers templates use (the status on an appointment's page)."""

from __future__ import annotations

from datetime import date

from caseapp.auth.roles import Role
from caseapp.i18n import _l
from caseapp.jobs.registry import JobKind, register
from caseapp.web import nav

ROUND_JOB = "interpreters.round"


def run_round_job(ctx, starts_on: str, ends_on: str) -> dict:
    """A large interpreter round in the background, stored like the inline one."""
    from caseapp.extensions import db
    from caseapp.interpreters import services

    ctx.progress(0, 2, "interpreters.loading")
    inputs = services.load_round(
        ctx.actor, date.fromisoformat(starts_on), date.fromisoformat(ends_on)
    )
    db.session.commit()  # no database lock while the solver runs
    ctx.progress(1, 2, "interpreters.solving", appointments=len(inputs.needs))
    round_ = services.propose(ctx.actor, inputs, time_limit=30.0)
    return {
        "link": {"endpoint": "interpreters.round_detail", "values": {"round_id": round_.id}},
        "matched": int(round_.stats.get("matched", 0)),
        "unmatched": len(round_.unmatched),
    }


register(
    JobKind(
        name=ROUND_JOB,
        run=run_round_job,
        roles=frozenset({Role.COORDINATOR}),
        key=lambda params: f"{params['starts_on']}..{params['ends_on']}",
        visible_to=frozenset({Role.COORDINATOR}),
        title=_l("Interpreter round"),
        stages={
            "interpreters.loading": _l("Reading the appointments and the interpreters"),
            "interpreters.solving": _l(
                "Finding the best interpreters (appointments: %(appointments)d)"
            ),
        },
    )
)


def init_app(app) -> None:
    from caseapp.interpreters import wording
    from caseapp.interpreters.services import status_for_appointment

    wording.register_audit_labels()

    nav.register(
        nav.NavItem(
            "interpreters.rounds", _l("Interpreters"), roles=("coordinator", "admin"), order=60
        )
    )
    nav.register(
        nav.NavItem("interpreters.mine", _l("My interpreting"), roles=("volunteer",), order=60)
    )
    app.jinja_env.globals.update(
        interpreter_status=status_for_appointment,
        has_interpreter_profile=_has_profile,
        interpreter_mode_label=lambda code: wording.label(wording.MODE_LABELS, code),
        interpreter_status_label=lambda code: wording.label(wording.STATUS_LABELS, code),
        interpreter_reason_label=lambda code: wording.label(wording.PROPOSAL_REASONS, code),
        interpreter_unmatched_label=lambda code: wording.label(wording.UNMATCHED_REASONS, code),
        interpreter_blocked_label=lambda code: wording.label(wording.BLOCKED_LABELS, code),
        interpreter_language_label=wording.language_label,
        interpreter_stored_language=wording.stored_language_label,
    )


def _has_profile(volunteer) -> bool:
    from sqlalchemy import select

    from caseapp.extensions import db
    from caseapp.interpreters.models import Interpreter

    return (
        db.session.scalar(select(Interpreter.id).where(Interpreter.volunteer_id == volunteer.id))
        is not None
    )
