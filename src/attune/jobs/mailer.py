"""The SMTP mailer: one connection per email, with smtplib.

Built from the settings (``smtp_host`` …) by :func:`mailer_from_settings`; None when no
SMTP server is set, and then emails wait in the outbox until one is.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from attune.config import Settings

TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class SmtpMailer:
    """Sends plain-text email through one SMTP server (implements services' Mailer).

    Raises OSError (smtplib.SMTPException is one) when the server cannot be reached or
    refuses the message; the outbox records it and tries again later.
    """

    host: str
    port: int = 25
    from_address: str = "attune@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = TIMEOUT_SECONDS

    def message(self, *, to_address: str, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.from_address
        message["To"] = to_address
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        domain = self.from_address.rpartition("@")[2].strip("> ") or "localhost"
        message["Message-ID"] = make_msgid(domain=domain)
        message.set_content(body)
        return message

    def send(self, *, to_address: str, subject: str, body: str) -> None:
        message = self.message(to_address=to_address, subject=subject, body=body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def mailer_from_settings(settings: Settings) -> SmtpMailer | None:
    """The mailer the settings describe, or None when ``smtp_host`` is unset."""
    if not settings.smtp_host:
        return None
    return SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        from_address=settings.smtp_from,
        username=settings.smtp_username,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
    )
