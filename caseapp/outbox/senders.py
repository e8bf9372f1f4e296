"""Ways out of the outbox: SMTP for e-mail, a pluggable gateway for SMS."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The message could not be handed over; the outbox tries again later."""


class Sender(Protocol):
    def send(self, message) -> None:
        """Hand one OutboxMessage over or raise DeliveryError."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str = ""
    password: str = ""
    starttls: bool = False
    ssl: bool = False
    mail_from: str = "lotse@localhost"
    timeout: float = 20.0

    @classmethod
    def from_config(cls, config) -> SmtpSettings:
        return cls(
            host=config["SMTP_HOST"],
            port=config["SMTP_PORT"],
            user=config["SMTP_USER"],
            password=config["SMTP_PASSWORD"],
            starttls=config["SMTP_STARTTLS"],
            ssl=config["SMTP_SSL"],
            mail_from=config["MAIL_FROM"],
        )


def build_email(message, mail_from: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = mail_from
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=mail_from.rsplit("@", 1)[-1].strip(">") or None)
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.body_text, subtype="plain", charset="utf-8")
    if message.body_html:
        mail.add_alternative(message.body_html, subtype="html", charset="utf-8")
    mail["Content-Language"] = message.language  # after set_content, which drops Content-*
    return mail


class SmtpSender:
    """Sends e-mail through one SMTP connection per delivery run."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        if s.ssl:
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.starttls:
                smtp.starttls(context=context)
        if s.user:
            smtp.login(s.user, s.password)
        return smtp

    def send(self, message) -> None:
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(build_email(message, self.settings.mail_from))
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise DeliveryError(f"{type(error).__name__}: {error}"[:500]) from error

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None


class LogOnlySmsGateway:
    """Default SMS adapter: records the message in the log; the outbox row is the record.

    A municipality plugs in its provider by passing another object with send(message).
    """

    def send(self, message) -> None:
        logger.info("SMS to %s not sent (no gateway configured): %s", message.recipient, message.id)


class ChannelSender:
    """Dispatches by channel: e-mail to one sender, SMS to another."""

    def __init__(self, email: Sender, sms: Sender | None = None):
        self.by_channel = {"email": email, "sms": sms or LogOnlySmsGateway()}

    def send(self, message) -> None:
        sender = self.by_channel.get(message.channel)
        if sender is None:
            raise DeliveryError(f"unknown channel {message.channel}")
        sender.send(message)

    def close(self) -> None:
        for sender in self.by_channel.values():
            close = getattr(sender, "close", None)
            if close:
                close()
