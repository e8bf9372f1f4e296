"""The deadline scan on the worker's schedule (daily, early morning)."""

from __future__ import annotations

from caseapp.jobs.periodic import Periodic


def deadlines_scan() -> str:
    from caseapp.core.clock import local_today, utcnow
    from caseapp.deadlines.scan import scan

    return str(scan(local_today(), utcnow()))  # commits after each batch


PERIODIC = (
    Periodic(
        "deadlines.scan",
        {"minute": "41", "hour": "4"},
        deadlines_scan,
        "derive deadlines, warn caseworkers and newcomers, mark missed ones",
    ),
)
