"""Builders shared by several test modules."""

from __future__ import annotations

from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.extensions import db
from caseapp.jobs.models import Job


def job_records(app, world, round_id: int) -> dict:
    """A finished matching round job started by the coordinator, for the access matrix."""
    with app.app_context():
        coordinator = db.session.scalar(select(User).where(User.email == world["coordinator"]))
        job = Job(
            kind="matching.round",
            params={"programme_id": 1},
            state="done",
            started_by_id=coordinator.id,
            result={
                "link": {"endpoint": "matches.round_detail", "values": {"round_id": round_id}},
                "matched": 1,
                "unmatched": 0,
            },
        )
        db.session.add(job)
        db.session.commit()
        return {"job_id": job.id}
