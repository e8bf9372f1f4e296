"""What appointments tell the duplicate review: one person is not at two appointments at once,
so two records that both attended appointments at the same time are two persons."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, select

from caseapp.appointments.models import ATTENDED, Appointment
from caseapp.people.services.duplicate_facts import among, register_evidence


@register_evidence
def attended(conn: Connection, ids: list[int]) -> dict[int, dict]:
    """{person id: {"attended": ((start, end), ...)}} in seconds, for those who attended any."""
    times: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = conn.execute(
        select(Appointment.person_id, Appointment.starts_at, Appointment.ends_at).where(
            among(Appointment.person_id, ids), Appointment.status == ATTENDED
        )
    )
    for person_id, starts, ends in rows:
        times[person_id].append((int(starts.timestamp()), int(ends.timestamp())))
    return {pid: {"attended": tuple(sorted(spans))} for pid, spans in times.items()}
