"""The nightly retention run on the worker's schedule (`flask jobs run privacy.retention`)."""

from __future__ import annotations

from caseapp.jobs.periodic import Periodic


def retention_run() -> str:
    from caseapp.privacy import retention

    outcome = retention.run(None)
    done = sum(line["count"] for line in outcome.summary)
    return f"retention run {outcome.run_id}: {done} records anonymised, emptied or deleted"


PERIODIC = (
    Periodic(
        "privacy.retention",
        {"minute": "15", "hour": "2"},
        retention_run,
        "anonymise and delete what the retention rules say is due",
    ),
)
