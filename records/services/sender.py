"""Delivery of SMS and emails. The outbox worker hands each message to a Sender.

- LogSender (development, test): nothing leaves the machine; GET /dev/outbox shows the message.
- NetworkSender (production): email by SMTP, SMS through an HTTP provider speaking the
  Twilio-compatible Messages API (POST {base}/2010-04-01/Accounts/{sid}/Messages.json, form
  fields To, From, Body, HTTP basic auth sid:token).
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Protocol

import httpx

from records.models import OutboxMessage
from records.settings import Settings


class SendError(Exception):
    """Delivery failed; the message stays in the outbox and is retried later."""


class Sender(Protocol):
    # True when the outbox itself is where the message is read (development): its codes are
    # then kept; a sender that delivers elsewhere lets the outbox redact them once sent.
    outbox_is_the_mailbox: bool

    def send(self, message: OutboxMessage) -> None: ...


class LogSender:
    outbox_is_the_mailbox = True

    def send(self, message: OutboxMessage) -> None:
        return None


class SmtpSender:
    outbox_is_the_mailbox = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, message: OutboxMessage) -> None:
        s = self.settings
        mail = EmailMessage()
        mail["From"] = s.mail_from
        mail["To"] = message.to
        mail["Subject"] = message.subject or ""
        # The same Message-ID on every attempt: a repeat after a worker died mid-send is
        # recognisable as the same mail.
        domain = parseaddr(s.mail_from)[1].rpartition("@")[2] or "localhost"
        mail["Message-ID"] = f"<{message.id}@{domain}>"
        mail.set_content(message.body)
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=10) as smtp:
                if s.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if s.smtp_user:
                    smtp.login(s.smtp_user, s.smtp_password or "")
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(f"smtp: {type(exc).__name__}") from exc


class HttpSmsSender:
    outbox_is_the_mailbox = False

    def __init__(self, settings: Settings, client: httpx.Client | None = None) -> None:
        self.settings = settings
        self.client = client or httpx.Client(timeout=10)

    def send(self, message: OutboxMessage) -> None:
        s = self.settings
        if not s.sms_api_url:
            raise SendError("sms: SMS_API_URL is not set")
        url = f"{s.sms_api_url.rstrip('/')}/2010-04-01/Accounts/{s.sms_account_sid}/Messages.json"
        try:
            response = self.client.post(
                url,
                data={"To": message.to, "From": s.sms_from, "Body": message.body},
                auth=(s.sms_account_sid, s.sms_auth_token),
                headers={"Idempotency-Key": message.id},
            )
        except httpx.HTTPError as exc:
            raise SendError(f"sms: {type(exc).__name__}") from exc
        if response.status_code >= 300:
            raise SendError(f"sms: HTTP {response.status_code}")


class NetworkSender:
    outbox_is_the_mailbox = False

    def __init__(self, settings: Settings) -> None:
        self.email = SmtpSender(settings)
        self.sms = HttpSmsSender(settings)

    def send(self, message: OutboxMessage) -> None:
        (self.email if message.channel == "email" else self.sms).send(message)


def make_sender(settings: Settings) -> Sender:
    return NetworkSender(settings) if settings.sender_backend == "network" else LogSender()
