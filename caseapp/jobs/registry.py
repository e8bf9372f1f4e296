"""Kinds of job: each package that offers long work registers it here (a seam, like sections).

    register(JobKind(
        name="matching.round",
        run=run_matching_round,          # run(ctx, **params) -> result dict
        roles=frozenset({Role.COORDINATOR}),
        key=lambda p: str(p["programme_id"]),
        visible_to=frozenset({Role.COORDINATOR}),
        title=_l("Matching round"),
        stages={"matching.solving": _l("Finding the best pairs ...")},
    ))

`run` gets a JobContext (caseapp/jobs/runner.py): the starter as `ctx.actor`, and
`ctx.progress(done, total, stage)` to report how far it is. Its writes are committed
together with the job's end, so a job that fails leaves nothing half-written. The result
is a JSON-able dict; `result["link"] = {"endpoint": ..., "values": {...}}` names the page
that shows it, otherwise the jobs package shows it with `result_template`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from caseapp.auth.roles import Role


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Callable[..., Mapping[str, Any] | None]
    # Who may start it (checked by jobs.start); admins always may.
    roles: frozenset[Role] = frozenset()
    # What the job works on, from its params: a second start while one runs finds that one.
    key: Callable[[Mapping[str, Any]], str] = lambda params: ""
    # Who, besides the starter and administrators, may follow it and see its result: the
    # roles that may open the result page anyway (coordinators for a matching round).
    visible_to: frozenset[Role] = frozenset()
    # For results without a page of their own: a template under templates/jobs/results/.
    result_template: str | None = None
    # What the job is called on its page and in "My jobs" (a lazy string, _l(...)).
    title: Any = None
    # The stage codes it passes to ctx.progress, each with its wording (lazy strings that
    # may use the named values the job reports with it).
    stages: Mapping[str, Any] = field(default_factory=dict)
    # One sentence on what a finished job made, from its result (the reader's language).
    summary: Callable[[Mapping[str, Any]], str] | None = None
    # Its own wording of an error code where the common one is not true of it (an import
    # keeps the batches it finished, so "nothing was saved" would be wrong).
    errors: Mapping[str, Any] = field(default_factory=dict)
    # The names of the files it keeps in the queue's store (caseapp/jobs/files.py), by job
    # id: `jobs purge-files` deletes them some days after the job ended.
    files: Callable[[int], list[str]] | None = None


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    if kind.name in _KINDS and _KINDS[kind.name] != kind:
        raise ValueError(f"job kind {kind.name!r} is registered twice")
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> JobKind | None:
    return _KINDS.get(name)


def names() -> list[str]:
    return sorted(_KINDS)


def kinds() -> list[JobKind]:
    return [_KINDS[name] for name in sorted(_KINDS)]
