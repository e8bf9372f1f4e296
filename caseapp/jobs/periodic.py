"""The periodic work the worker's scheduler runs, replacing one crontab line each.

Each entry does what its CLI command does (the commands still run it inline) and commits;
each is safe to run twice at once or after a crash (outbox claims, reminder dedupe keys,
`overdue_flagged_at`, conditional job updates), and the worker also runs one entry at a
time only (a lock per entry).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from caseapp.appointments.reminders import send_reminders, sender_from_config
from caseapp.core.clock import utcnow
from caseapp.extensions import db
from caseapp.jobs.services import reap_stale
from caseapp.outbox.cli import send_due_report
from caseapp.outbox.services import RetryPolicy
from caseapp.referrals.services import flag_overdue
from caseapp.volunteers.services import purge_unconfirmed
from caseapp.volunteers.trainings import remind_trainings
from caseapp.web import throttle


@dataclass(frozen=True)
class Periodic:
    name: str
    # huey.crontab arguments, in UTC.
    schedule: dict[str, str]
    run: Callable[[], str]  # does the work in an app context, commits, says what it did
    help: str


def outbox_send() -> str:
    report = send_due_report()
    return f"sent {report.sent}, failed {report.failed}, retry later {report.retrying}"


def reminders_send() -> str:
    policy = RetryPolicy(max_attempts=current_app.config["OUTBOX_MAX_ATTEMPTS"])
    queued, sent, failed = send_reminders(utcnow(), sender_from_config(current_app.config), policy)
    return f"queued {queued} reminders; sent {sent}, failed {failed}"


def referrals_flag_overdue() -> str:
    count = flag_overdue()
    db.session.commit()
    return f"flagged {count} referrals as overdue"


def attempts_purge() -> str:
    removed = throttle.purge(utcnow())
    db.session.commit()
    return f"removed {removed} attempts"


def volunteers_remind_trainings() -> str:
    queued = remind_trainings(utcnow())
    db.session.commit()
    return f"queued {queued} training reminders"  # outbox.send delivers them


def volunteers_purge_unconfirmed() -> str:
    removed = purge_unconfirmed(utcnow())
    db.session.commit()
    return f"removed {removed} unconfirmed sign-ups"


def jobs_purge_files() -> str:
    from caseapp.jobs import files
    from caseapp.jobs.queue import get_huey

    cleared = files.purge(get_huey(), now=utcnow(), keep_days=current_app.config["JOB_FILES_DAYS"])
    db.session.commit()
    return f"deleted the stored files of {cleared} ended jobs"


def jobs_reap() -> str:
    count = reap_stale(utcnow())
    db.session.commit()
    return f"gave up on {count} jobs whose worker stopped"


SCHEDULE: tuple[Periodic, ...] = (
    Periodic("outbox.send", {"minute": "*"}, outbox_send, "deliver due e-mail and SMS"),
    Periodic("reminders.send", {"minute": "*/5"}, reminders_send, "queue and send due reminders"),
    Periodic(
        "referrals.flag-overdue",
        {"minute": "7"},
        referrals_flag_overdue,
        "flag referrals nobody accepted in time",
    ),
    Periodic(
        "attempts.purge",
        {"minute": "17", "hour": "3"},
        attempts_purge,
        "delete throttle tries no rule counts any more",
    ),
    Periodic(
        "volunteers.remind-trainings",
        {"minute": "23"},
        volunteers_remind_trainings,
        "queue reminders for trainings in the next 48 hours",
    ),
    Periodic(
        "volunteers.purge-unconfirmed",
        {"minute": "37", "hour": "3"},
        volunteers_purge_unconfirmed,
        "delete sign-ups never confirmed",
    ),
    Periodic("jobs.reap", {"minute": "*"}, jobs_reap, "fail jobs whose worker died"),
    Periodic(
        "jobs.purge-files",
        {"minute": "47", "hour": "3"},
        jobs_purge_files,
        "delete files of jobs that ended CASEAPP_JOB_FILES_DAYS ago (uploads, prepared reports)",
    ),
)


def schedule() -> tuple[Periodic, ...]:
    """The core entries, then those of feature packages (`caseapp/<feature>/periodic.py`
    with a tuple `PERIODIC`; see caseapp/features.py)."""
    from caseapp import features

    return SCHEDULE + features.periodic_entries()


def by_name(name: str) -> Periodic:
    for entry in schedule():
        if entry.name == name:
            return entry
    raise KeyError(name)


def describe(entry: Periodic) -> str:
    fields = ("minute", "hour", "day", "month", "day_of_week")
    return " ".join(entry.schedule.get(f, "*") for f in fields)
