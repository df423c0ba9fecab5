"""E-mail delivery of the executive pack (SPEC §12), for a scheduled job: one message with the
pack attached, sent through the SMTP server the environment names.

``SETTINGS`` lists the environment variables with their defaults and meaning (the README's
table repeats it, and a test keeps the two equal). Every problem — a setting missing or
malformed, an address that is not one, a server that cannot be reached, refuses the login, the
sender, a recipient or the message — is a ``MailError`` with one line saying which; the
password never appears in one.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid


class MailError(Exception):
    """The pack could not be mailed: one line for the user."""


# name, default ("" = none), meaning
SETTINGS = (
    ("COCKPIT_SMTP_HOST", "", "the SMTP server to send through (required)"),
    ("COCKPIT_SMTP_PORT", "", "its port; default 465 with SSL, 587 with STARTTLS, else 25"),
    ("COCKPIT_SMTP_FROM", "", "the sender's address (required)"),
    ("COCKPIT_SMTP_USER", "", "log in with this user name (none: no login)"),
    ("COCKPIT_SMTP_PASSWORD", "", "the password for COCKPIT_SMTP_USER"),
    ("COCKPIT_SMTP_STARTTLS", "", "1 or 0: upgrade the connection with STARTTLS; default 1 "
                                  "when logging in, else 0"),
    ("COCKPIT_SMTP_SSL", "0", "1 or 0: connect with TLS from the start (port 465)"),
    ("COCKPIT_SMTP_TIMEOUT", "30", "seconds to wait for the server"),
)
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
# One address: no spaces, quotes, angle brackets or line breaks (nothing that could add a header).
_ADDRESS = re.compile(r"[^\s@<>,;\"']+@[^\s@<>,;\"']+\.[^\s@<>,;\"'.]+")


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    sender: str
    user: str | None
    password: str | None
    starttls: bool
    ssl: bool
    timeout: float


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    text = env.get(name, "").strip().lower()
    if not text:
        return default
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise MailError(f"{name}: {text!r} is not 1 or 0 (true/false, yes/no)")


def settings(env: Mapping[str, str] | None = None) -> Smtp:
    """The SMTP settings from ``env`` (default: the process environment)."""
    env = os.environ if env is None else env
    host = env.get("COCKPIT_SMTP_HOST", "").strip()
    if not host:
        raise MailError("COCKPIT_SMTP_HOST is not set: the SMTP server to send the pack through")
    sender = env.get("COCKPIT_SMTP_FROM", "").strip()
    if not sender:
        raise MailError("COCKPIT_SMTP_FROM is not set: the sender's address")
    if not _ADDRESS.fullmatch(sender):
        raise MailError(f"COCKPIT_SMTP_FROM: {sender!r} is not an e-mail address")
    user = env.get("COCKPIT_SMTP_USER", "").strip() or None
    password = env.get("COCKPIT_SMTP_PASSWORD") or None
    if user and not password:
        raise MailError("COCKPIT_SMTP_PASSWORD is not set, but COCKPIT_SMTP_USER is")
    use_ssl = _flag(env, "COCKPIT_SMTP_SSL", False)
    starttls = _flag(env, "COCKPIT_SMTP_STARTTLS", bool(user) and not use_ssl)
    if use_ssl and starttls:
        raise MailError("COCKPIT_SMTP_SSL and COCKPIT_SMTP_STARTTLS are both on: choose one")
    port_text = env.get("COCKPIT_SMTP_PORT", "").strip()
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise MailError(f"COCKPIT_SMTP_PORT: {port_text!r} is not a port number (1–65535)")
        port = int(port_text)
    else:
        port = 465 if use_ssl else 587 if starttls else 25
    timeout_text = env.get("COCKPIT_SMTP_TIMEOUT", "").strip() or "30"
    try:
        timeout = float(timeout_text)
    except ValueError:
        timeout = -1.0
    if not 0 < timeout <= 3600:
        raise MailError(f"COCKPIT_SMTP_TIMEOUT: {timeout_text!r} is not a number of seconds "
                        f"(up to 3600)")
    return Smtp(host, port, sender, user, password, starttls, use_ssl, timeout)


def recipients(text: str) -> tuple[str, ...]:
    """``--mail-to``: addresses separated by commas."""
    found = tuple(part.strip() for part in text.split(",") if part.strip())
    if not found:
        raise MailError("no recipient: give one or more addresses separated by commas")
    wrong = [a for a in found if not _ADDRESS.fullmatch(a)]
    if wrong:
        raise MailError(f"not an e-mail address: {', '.join(repr(a) for a in wrong)}")
    return found


def message(smtp: Smtp, to: tuple[str, ...], subject: str, body: str,
            attachment: tuple[str, bytes, str]) -> EmailMessage:
    """The e-mail: plain-text ``body`` and ``attachment`` (file name, bytes, MIME type)."""
    msg = EmailMessage()
    msg["From"] = smtp.sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = " ".join(subject.split())  # one line: a header
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=smtp.sender.rsplit("@", 1)[1])
    msg.set_content(body)
    name, data, mime = attachment
    maintype, subtype = mime.split("/", 1)
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def _reply(code: int, text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(str(text).split())}"


def send(smtp: Smtp, to: tuple[str, ...], subject: str, body: str,
         attachment: tuple[str, bytes, str]) -> None:
    """Send the pack to ``to``; a ``MailError`` unless the server accepted it for every one."""
    msg = message(smtp, to, subject, body, attachment)
    where = f"{smtp.host}:{smtp.port}"
    try:
        if smtp.ssl:
            server = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout,
                                      context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with server:
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if smtp.user:
                server.login(smtp.user, smtp.password)
            refused = server.send_message(msg, from_addr=smtp.sender, to_addrs=list(to))
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(f"the server {where} refused every recipient: " + "; ".join(
            f"{a} ({_reply(*r)})" for a, r in exc.recipients.items())) from None
    except smtplib.SMTPSenderRefused as exc:
        raise MailError(f"the server {where} refused the sender {smtp.sender}: "
                        f"{_reply(exc.smtp_code, exc.smtp_error)}") from None
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(f"the server {where} refused the login of {smtp.user}: "
                        f"{_reply(exc.smtp_code, exc.smtp_error)}") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise MailError(f"the server {where} does not support it: {exc}") from None
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"the server {where} refused the message: "
                        f"{_reply(exc.smtp_code, exc.smtp_error)}") from None
    except smtplib.SMTPException as exc:
        raise MailError(f"SMTP error with {where}: {exc}") from None
    except ssl.SSLError as exc:
        raise MailError(f"TLS with {where} failed: {exc.reason or exc}") from None
    except OSError as exc:
        raise MailError(f"cannot reach the SMTP server {where}: {exc.strerror or exc}") from None
    if refused:
        raise MailError(f"sent, but the server {where} refused " + "; ".join(
            f"{a} ({_reply(*r)})" for a, r in refused.items()))
