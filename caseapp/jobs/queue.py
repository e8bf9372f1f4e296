"""The queue under the jobs: Huey, on a SQLite file by default, on Redis when configured.

`CASEAPP_JOBS_URL` (or the app config's JOBS_URL) chooses the storage:
`sqlite:///path/jobs.sqlite3` (the default is `instance/jobs.sqlite3`) for one machine,
`redis://host:6379/0` when several machines run Lotse. The testing configuration runs every
job at once in the caller's thread (Huey's immediate mode) unless JOBS_IMMEDIATE is False.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

import redis
import redis.exceptions
from flask import Flask, current_app
from huey import Huey, RedisHuey
from huey.storage import SqliteStorage

from caseapp.config import ConfigError
from caseapp.core.errors import DomainError

logger = logging.getLogger(__name__)

EXTENSION = "lotse_jobs"
TASKS = "lotse_jobs_tasks"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
SQLITE_PREFIX = "sqlite:///"


class JobsUnavailable(DomainError):
    """The queue (Redis, the SQLite queue file) cannot be reached; the rest of Lotse works."""


class LazySqliteStorage(SqliteStorage):
    """SqliteStorage that opens (and creates) its file on first use, not at start-up: a
    queue file that cannot be written must not stop the web application from starting."""

    def __init__(self, *args, **kwargs):
        kwargs["create_tables"] = False
        super().__init__(*args, **kwargs)

    def _create_connection(self):
        conn = super()._create_connection()
        for statement in self.ddl:
            conn.execute(statement)
        return conn


class SqliteHuey(Huey):
    storage_class = LazySqliteStorage


def jobs_url(app: Flask) -> str:
    url = (app.config.get("JOBS_URL") or os.environ.get("CASEAPP_JOBS_URL") or "").strip()
    return url or SQLITE_PREFIX + str(Path(app.instance_path) / "jobs.sqlite3")


def make_huey(url: str, *, immediate: bool = False, name: str = "lotse") -> Huey:
    """A Huey instance on the storage the URL names (no connection is opened yet)."""
    if url.startswith(REDIS_SCHEMES):
        # Timeouts, so that an unreachable Redis makes a page say "unavailable" in seconds
        # instead of hanging; the worker's blocking read waits 1 s at a time, well within.
        # Values in the URL's query string (?socket_timeout=...) win.
        pool = redis.ConnectionPool.from_url(
            url, socket_connect_timeout=3, socket_timeout=10, health_check_interval=30
        )
        return RedisHuey(name, connection_pool=pool, immediate=immediate, results=False)
    if url.startswith(SQLITE_PREFIX):
        return SqliteHuey(
            name, filename=url[len(SQLITE_PREFIX) :], immediate=immediate, results=False
        )
    raise ConfigError(
        "CASEAPP_JOBS_URL must be sqlite:///path/to/jobs.sqlite3 or redis://host:port/db, "
        f"not {url!r}"
    )


def get_huey(app: Flask | None = None) -> Huey:
    return (app or current_app).extensions[EXTENSION]


def enqueue_job(job_id: int) -> None:
    """Hand a committed job row to the queue (in immediate mode: run it now)."""
    current_app.extensions[TASKS]["run_job"](job_id)


# What a storage raises when its server or file is unavailable.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    sqlite3.Error,
    OSError,
    redis.exceptions.RedisError,
)


def check_available(huey: Huey) -> None:
    """Raise JobsUnavailable unless the queue answers."""
    try:
        huey.pending_count()
    except UNAVAILABLE_ERRORS as error:
        logger.warning("job queue unavailable: %s", error)
        raise JobsUnavailable(str(error)) from error
