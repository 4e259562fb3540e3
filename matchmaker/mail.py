"""E-mail notifications: written to the outbox with the event they tell of, delivered by the task
workers through SMTP once that commits, in the recipient's language.

SMTP comes from the environment (MAIL_SERVER …); with no server named, messages stay in the outbox
unsent (development), and nothing else changes.
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr

import sqlalchemy as sa
from celery import shared_task
from flask import current_app, render_template
from flask_babel import force_locale

from models import Enterprise, OutgoingMail, Role, User, db, now_utc

from .jobs import after_commit

# The events worth an e-mail; the rest (a firm's own withdrawal) stay in the page.
MAILED_KINDS = frozenset({"application.approved", "application.rejected", "application.disbursed", "invitation",
                          "digest.overdue"})


def recipients(*, enterprise_id: int | None = None, institution_id: int | None = None) -> list[User]:
    """The active accounts of a firm or an institution that want e-mail."""
    query = sa.select(User).where(User.is_active, User.email_notifications)
    if enterprise_id is not None:
        query = query.where(User.enterprise_id == enterprise_id, User.role == Role.ENTERPRISE)
    else:
        query = query.where(User.institution_id == institution_id, User.role == Role.INSTITUTION)
    return list(db.session.scalars(query.order_by(User.id)))


def queue(*, user: User, kind: str, **params) -> OutgoingMail:
    """Write the message in the user's language (templates/mail/<kind>.txt: a subject line, a blank
    line, the body); it is sent after the caller's transaction commits."""
    language = user.language if user.language in current_app.config["LANGUAGES"] else "zh"
    with force_locale(language):
        text = render_template(f"mail/{kind}.txt", user=user, site=current_app.config["PUBLIC_URL"].rstrip("/"),
                               **params)
    subject, _blank, body = text.strip().partition("\n\n")
    mail = OutgoingMail(user_id=user.id, to_address=user.email, kind=kind, language=language,
                        subject=subject.strip()[:200], body=body.strip() + "\n", attempts=0)
    db.session.add(mail)
    db.session.flush()
    after_commit("matchmaker.mail.deliver", mail.id)
    return mail


def notify_enterprise(*, enterprise_id: int, kind: str, **params) -> list[OutgoingMail]:
    if kind not in MAILED_KINDS:
        return []
    enterprise = db.session.get(Enterprise, enterprise_id)
    return [queue(user=user, kind=kind, enterprise=enterprise, **params)
            for user in recipients(enterprise_id=enterprise_id)]


def compose(mail: OutgoingMail) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(idstring=f"mail-{mail.id}", domain=_domain(config["MAIL_FROM"]))
    message.set_content(mail.body)
    message["Content-Language"] = "zh-CN" if mail.language == "zh" else mail.language  # after: set_content drops it
    return message


def _domain(sender: str) -> str:
    """The sender's domain for the Message-ID (a sender without one, such as a bare name: localhost)."""
    _local, at, domain = parseaddr(sender)[1].rpartition("@")
    return domain if at and domain else "localhost"


def send(message: EmailMessage) -> None:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT_SECONDS"]
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def deliver(*, mail_id: int) -> bool:
    """Send one outbox message unless it was sent already (a message delivered twice by the broker
    is mailed once); False when no SMTP server is configured."""
    if not current_app.config["MAIL_SERVER"]:
        return False
    mail = db.session.get(OutgoingMail, mail_id, with_for_update=True)
    if mail is None or mail.sent_at is not None:
        return False
    mail.attempts += 1
    try:
        send(compose(mail))
    except (OSError, smtplib.SMTPException) as error:
        mail.last_error = f"{type(error).__name__}: {error}"[:500]
        db.session.commit()
        raise
    mail.sent_at = now_utc()
    mail.last_error = None
    db.session.commit()
    return True


@shared_task(name="matchmaker.mail.deliver", bind=True, max_retries=8)
def deliver_task(self, mail_id: int) -> bool:
    try:
        return deliver(mail_id=mail_id)
    except (OSError, smtplib.SMTPException) as error:
        # The mail server is away or refuses for now: try again later, backing off up to an hour.
        raise self.retry(exc=error, countdown=min(3600, 30 * 2 ** self.request.retries)) from None

