"""Sending a one-time link by email when SMTP is configured."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import TYPE_CHECKING

from flask import current_app, flash

from certprep.urls import external_url

if TYPE_CHECKING:
    from certprep.auth.models import User


def mail_configured() -> bool:
    return bool(current_app.config["MAIL_SERVER"])


def send_mail(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"] or config["MAIL_USERNAME"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def deliver_link(user: User, endpoint: str, token: str, subject: str) -> str | None:
    """Email the link when SMTP is set up; otherwise return it for the admin to pass on."""
    url = external_url(endpoint, token=token)
    if mail_configured():
        try:
            send_mail(user.email, subject, f"Open this link to continue:\n\n{url}\n")
        except (OSError, smtplib.SMTPException) as error:
            current_app.logger.warning("could not send mail to user %s: %s", user.id, error)
            flash("The email could not be sent; pass this link on yourself.", "warning")
            return url
        flash(f"The link was sent to {user.email}.", "success")
        return None
    return url
