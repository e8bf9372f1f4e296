"""What the jobs' codes (kinds, states, stages, errors) say, in the reader's language."""

from __future__ import annotations

from caseapp.i18n import _, _l, ngettext
from caseapp.jobs import registry

STATES = {
    "queued": _l("Waiting"),
    "running": _l("Running"),
    "done": _l("Done"),
    "failed": _l("Failed"),
}

STATE_BADGES = {"queued": "secondary", "running": "primary", "done": "success", "failed": "danger"}

ERRORS = {
    "error": _l(
        "The job stopped because of an unexpected error. Nothing of it was saved. Please "
        "start it again; if it happens again, please tell the administration."
    ),
    "worker_lost": _l(
        "The job stopped because the background worker stopped. Nothing of it was saved. "
        "You can start it again."
    ),
    "unavailable": _l(
        "Background jobs are unavailable at the moment. The rest of Lotse works. Please try "
        "again later."
    ),
    "refused": _l("The job could not be done."),
}


def kind_title(kind: str) -> str:
    registered = registry.get(kind)
    return str(registered.title) if registered and registered.title else kind


def state_label(state: str) -> str:
    return str(STATES.get(state, state))


def stage_text(kind: str, stage: str, params: dict | None = None) -> str:
    registered = registry.get(kind)
    text = registered.stages.get(stage) if registered else None
    if text is None:
        return ""
    try:
        return str(text) % (params or {}) if params else str(text)
    except (KeyError, TypeError, ValueError):
        return ""


def error_text(code: str, kind: str | None = None) -> str:
    registered = registry.get(kind) if kind else None
    own = registered.errors.get(code) if registered else None
    return str(own or ERRORS.get(code) or ERRORS["error"])


def unavailable() -> str:
    return str(ERRORS["unavailable"])


def result_summary(job) -> str:
    """One sentence on what a finished job found or made."""
    result = job.result or {}
    if job.kind == "matching.round":
        return _(
            "Round finished: %(matched)d proposals, %(unmatched)d without a match.",
            matched=result.get("matched", 0),
            unmatched=result.get("unmatched", 0),
        )
    if job.kind == "people.duplicates":
        count = result.get("count", 0)
        return ngettext(
            "%(num)d likely duplicate pair found.", "%(num)d likely duplicate pairs found.", count
        )
    registered = registry.get(job.kind)
    if registered is not None and registered.summary is not None:
        return registered.summary(result)
    return ""
