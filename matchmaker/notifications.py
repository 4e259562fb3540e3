"""Telling an enterprise what happened: one row per event, shown in the page with an unread count,
and, for the events worth it, an e-mail to each of its accounts that wants one (matchmaker/mail.py)."""
from __future__ import annotations

import sqlalchemy as sa

from models import Notification, db, now_utc

from . import mail


def notify(*, enterprise_id: int, kind: str, message: str, link: str | None = None, **mailed) -> Notification:
    """``mailed``: what the e-mail's template names (the application, the product)."""
    note = Notification(enterprise_id=enterprise_id, kind=kind, message=message, link=link)
    db.session.add(note)
    mail.notify_enterprise(enterprise_id=enterprise_id, kind=kind, link=link or "", **mailed)
    return note


def get_all(*, enterprise_id: int, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(
        sa.select(Notification).where(Notification.enterprise_id == enterprise_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def unread_count(*, enterprise_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.enterprise_id == enterprise_id, Notification.read_at.is_(None)))


def mark_all_read(*, enterprise_id: int) -> None:
    db.session.execute(sa.update(Notification).where(
        Notification.enterprise_id == enterprise_id, Notification.read_at.is_(None)).values(read_at=now_utc()))
