"""Reminders and notices to newcomers, in their language, by e-mail and SMS via the outbox.

Notices (booked, moved, cancelled) are queued in the same transaction as the change.
Reminders are created by `flask reminders send` once they are due: one outbox row per
appointment time, lead time and channel, identified by a dedupe key, so running the job any
number of times (or in parallel) queues each reminder once; the outbox then delivers each
row exactly once, retrying with back-off.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from caseapp.appointments.models import SCHEDULED, Appointment
from caseapp.extensions import db
from caseapp.outbox.links import external_url
from caseapp.outbox.senders import ChannelSender, SmtpSender, SmtpSettings
from caseapp.outbox.services import deliver_due, enqueue
from caseapp.people.models import Consent
from caseapp.portal.access import access_for, newcomer_language

logger = logging.getLogger(__name__)


def lead_times(raw: str | None) -> list[timedelta]:
    """ "48,2" -> [2 h, 48 h] (ascending); invalid parts are ignored."""
    leads = set()
    for part in (raw or "").split(","):
        try:
            hours = float(part.strip())
        except ValueError:
            continue
        if 0 < hours <= 24 * 30:
            leads.add(timedelta(hours=hours))
    return sorted(leads)


@dataclass(frozen=True)
class Contact:
    channel: str  # email | sms
    recipient: str


def contacts_for(person) -> list[Contact]:
    """Where the newcomer agreed to get reminders: the contact given in the portal, else the
    case file's e-mail/phone when a reminders consent is recorded and not withdrawn."""
    access = access_for(person.id)
    email = phone = ""
    if access is not None and access.reminder_consent_at is not None:
        email, phone = access.reminder_email, access.reminder_phone
    else:
        consented = db.session.scalar(
            select(Consent.id).where(
                Consent.person_id == person.id,
                Consent.purpose == "reminders",
                Consent.withdrawn_on.is_(None),
            )
        )
        if consented:
            email, phone = person.email, person.phone
    out = []
    if email:
        out.append(Contact("email", email))
    if phone:
        out.append(Contact("sms", phone))
    return out


def portal_url(language: str, case_number: str = "") -> str:
    values = {"lang": language}
    if case_number:
        values["case_number"] = case_number
    return external_url("portal.login", **values)


def _queue(appointment: Appointment, kind: str, dedupe: str, **context) -> int:
    person = appointment.person
    targets = contacts_for(person)
    if not targets:
        return 0
    language = newcomer_language(person)
    context.update(
        appointment=appointment,
        person=person,
        office=appointment.office,
        portal_url=portal_url(language),
    )
    queued = 0
    with force_locale(language):
        for target in targets:
            if target.channel == "email":
                rendered = render_template(f"emails/appointments/{kind}.txt", **context)
                subject, _sep, body = rendered.strip().partition("\n")
            else:
                subject = ""
                body = render_template(f"emails/appointments/sms_{kind}.txt", **context)
            message = enqueue(
                target.recipient,
                subject.strip(),
                body.strip() + "\n",
                language=language,
                channel=target.channel,
                dedupe_key=f"{dedupe}:{target.channel}"[:120],
            )
            queued += message is not None
    return queued


def _stamp(at: datetime) -> str:
    return f"{at:%Y%m%d%H%M}"


def queue_notice(appointment: Appointment, kind: str, **context) -> int:
    """Booked / rescheduled / cancelled notice, in the caller's transaction."""
    db.session.flush()
    key = f"appt:{appointment.id}:{kind}:{_stamp(appointment.starts_at)}:v{appointment.version}"
    return _queue(appointment, kind, key, **context)


def due_lead(appointment: Appointment, leads: list[timedelta], now: datetime) -> timedelta | None:
    """The reminder due now: the shortest lead whose time has come, unless the appointment was
    (re)scheduled after that time (the booking notice covered it)."""
    if appointment.status != SCHEDULED or appointment.starts_at <= now:
        return None
    for lead in leads:  # ascending: a late run sends the nearer reminder, not a stale one
        due_at = appointment.starts_at - lead
        if now >= due_at:
            return lead if appointment.scheduled_at <= due_at else None
    return None


def queue_due_reminders(now: datetime, leads: list[timedelta]) -> int:
    """Queue every reminder that is due; idempotent through the outbox dedupe keys."""
    if not leads:
        return 0
    horizon = now + max(leads)
    rows = db.session.scalars(
        select(Appointment)
        .where(
            Appointment.status == SCHEDULED,
            Appointment.starts_at > now,
            Appointment.starts_at <= horizon,
        )
        .order_by(Appointment.starts_at)
    ).all()
    queued = 0
    for appointment in rows:
        lead = due_lead(appointment, leads, now)
        if lead is None:
            continue
        hours = int(lead.total_seconds() // 3600)
        key = f"appt:{appointment.id}:reminder:{_stamp(appointment.starts_at)}:{hours}h"
        queued += _queue(appointment, "reminder", key, lead_hours=hours)
    return queued


class SmtpToSmsGateway:
    """SMS through an e-mail-to-SMS gateway: <digits>@<domain>, the text as the body."""

    def __init__(self, smtp_sender, domain: str):
        self.smtp = smtp_sender
        self.domain = domain

    def send(self, message) -> None:
        import copy
        import re

        mail = copy.copy(message)
        mail.recipient = re.sub(r"\D", "", message.recipient) + "@" + self.domain
        mail.subject = "SMS"
        mail.body_html = None
        self.smtp.send(mail)

    def close(self) -> None:
        self.smtp.close()


def sender_from_config(config):
    """The outbox sender: SMTP for e-mail; SMS by CASEAPP_SMS_GATEWAY (log | smtp)."""
    smtp = SmtpSender(SmtpSettings.from_config(config))
    sms = None
    if config.get("SMS_GATEWAY") == "smtp" and config.get("SMS_EMAIL_DOMAIN"):
        sms = SmtpToSmsGateway(
            SmtpSender(SmtpSettings.from_config(config)), config["SMS_EMAIL_DOMAIN"]
        )
    return ChannelSender(smtp, sms)


def send_reminders(now: datetime, sender, policy=None) -> tuple[int, int, int]:
    """Queue due reminders, then deliver everything due. Returns (queued, sent, failed)."""
    queued = queue_due_reminders(now, lead_times(current_app.config["REMINDER_LEAD_HOURS"]))
    db.session.commit()
    sent, failed = deliver_due(now, sender, policy)
    return queued, sent, failed
