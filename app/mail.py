"""Sending mail through the SMTP server named in the settings, if any."""

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

logger = logging.getLogger(__name__)


def mail_is_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def send_mail(recipient: str, subject: str, body: str) -> bool:
    """Send a plain-text message; return False, after logging why, if it failed."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        logger.error("mail to a member could not be sent: %s", error)
        return False
    return True
